// Package ptytest gives tests pseudo-terminals: a raw pair whose slave path
// the product opens through platform.OpenSerial, as it would a real port
// (New), and a cooked terminal a technician types at (Term).
package ptytest

import (
	"testing"

	"hallkiosk/platform"
)

// New opens a raw pseudo-terminal and closes it when the test ends.
func New(t testing.TB) *platform.PTY {
	t.Helper()
	p, err := platform.OpenPTY()
	if err != nil {
		t.Fatalf("ptytest: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}
