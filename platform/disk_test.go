package platform

import (
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// A data directory that provisioning has not created yet is measured on
// the file system it will be created on.
func TestDiskFreeOfADirectoryNotYetMade(t *testing.T) {
	dir := t.TempDir()
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	got, err := DiskFree(filepath.Join(dir, "not", "yet"))
	if err != nil {
		t.Fatal(err)
	}
	// Other tests write meanwhile; the figure must be of this file system.
	if want := st.Bavail * uint64(st.Bsize); got == 0 || got > 2*want+1<<30 {
		t.Fatalf("DiskFree = %d, statfs of the parent says %d", got, want)
	}
	if _, err := DiskFree(string([]byte{0})); err == nil {
		t.Fatal("measured a path that cannot exist")
	}
}
