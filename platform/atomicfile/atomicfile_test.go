package atomicfile

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestWriteReplacesWholeAndKeepsMode(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "token")
	if err := os.WriteFile(p, []byte("old content that is longer"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(p)
	if err != nil || string(got) != "new" {
		t.Fatalf("got %q, %v", got, err)
	}
	fi, _ := os.Stat(p)
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600 (a device token must not be world-readable)", fi.Mode().Perm())
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}

func TestWriteIntoMissingDirFailsAndLeavesNothing(t *testing.T) {
	p := filepath.Join(t.TempDir(), "no", "such", "dir", "f")
	if err := Write(p, []byte("x"), 0o600); err == nil {
		t.Fatal("wrote into a directory that does not exist")
	}
}

// Root re-provisions a device whose service runs as its own user: the
// rewritten config keeps the group the service reads it by, and a new
// token in the service's data directory belongs to the service.
func TestRootWriteKeepsTheServiceOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can give files away")
	}
	const svc = 4242 // a uid and gid no one here uses
	etc, data := t.TempDir(), t.TempDir()
	cfg := filepath.Join(etc, "device.toml")
	if err := os.WriteFile(cfg, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(cfg, 0, svc); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(data, svc, svc); err != nil {
		t.Fatal(err)
	}
	token := filepath.Join(data, "token")
	if err := Write(cfg, []byte("new"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := Write(token, []byte("t"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path     string
		uid, gid uint32
	}{{cfg, 0, svc}, {token, svc, svc}} {
		fi, err := os.Stat(c.path)
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if st.Uid != c.uid || st.Gid != c.gid {
			t.Errorf("%s owned by %d:%d, want %d:%d", filepath.Base(c.path), st.Uid, st.Gid,
				c.uid, c.gid)
		}
	}
}
