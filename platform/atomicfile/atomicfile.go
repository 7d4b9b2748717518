// Package atomicfile writes files so that a power cut leaves either the old
// content or the new, never a torn mix: the device config, the device token
// and state files all go through it.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Write replaces path with data: it writes a temporary file in the same
// directory, syncs it, renames it over path and syncs the directory so the
// rename itself survives a crash.
//
// When root writes, the file belongs to whoever owned the file it replaces,
// or else the directory it lands in. Root provisions a device whose service
// runs as its own user: a token in that user's data directory, or a config
// the service's group may read, must stay readable by it.
func Write(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("atomic write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(perm); err != nil {
		return fmt.Errorf("atomic write %s: chmod: %w", path, err)
	}
	if err = keepOwner(tmp, path, dir); err != nil {
		return fmt.Errorf("atomic write %s: chown: %w", path, err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("atomic write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("atomic write %s: sync: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("atomic write %s: close: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("atomic write %s: rename: %w", path, err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("atomic write %s: open dir: %w", path, err)
	}
	defer d.Close()
	if err = d.Sync(); err != nil {
		return fmt.Errorf("atomic write %s: sync dir: %w", path, err)
	}
	return nil
}

// keepOwner gives tmp the owner of path, or of dir when path is new. Only
// root may give a file away; anyone else's files stay their own, as they
// always were.
func keepOwner(tmp *os.File, path, dir string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		if fi, err = os.Stat(dir); err != nil {
			return err
		}
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || (st.Uid == 0 && st.Gid == 0) {
		return nil
	}
	return tmp.Chown(int(st.Uid), int(st.Gid))
}
