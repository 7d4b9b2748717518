package platform

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// DiskFree returns the bytes an unprivileged writer may still use on the
// file system that holds path, or would hold it: a data directory not yet
// created is measured at its nearest existing parent. The ledger commits
// every ticket with a sync to disk, so a full disk stops ticket issue.
func DiskFree(path string) (uint64, error) {
	p := filepath.Clean(path)
	for {
		var st unix.Statfs_t
		err := unix.Statfs(p, &st)
		if err == nil {
			return st.Bavail * uint64(st.Bsize), nil
		}
		parent := filepath.Dir(p)
		if !errors.Is(err, os.ErrNotExist) || parent == p {
			return 0, fmt.Errorf("disk free at %s: %w", path, err)
		}
		p = parent
	}
}
