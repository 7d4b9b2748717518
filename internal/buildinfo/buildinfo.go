// Package buildinfo holds the version and commit stamped into each binary
// by the Makefile (-ldflags "-X hallkiosk/internal/buildinfo.Version=...").
package buildinfo

import "fmt"

// Set at link time; the defaults mark a build made without the Makefile.
var (
	Version = "dev"
	Commit  = "unknown"
)

// String is what `version` prints.
func String(binary string) string {
	return fmt.Sprintf("%s %s (commit %s)", binary, Version, Commit)
}
