package e2e

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"hallkiosk/center/centertest"
	"hallkiosk/ledger"
)

// diskSize is the small disk's size: room for the ledger with the hall and
// the knowledge base's search index (about 2 MB would already be full after
// the first sync), then filled up by the test.
const diskSize = "32m"

// mountSmallDisk mounts a small tmpfs at a temporary directory, or skips
// the test when this machine does not allow it (not root, no mount).
func mountSmallDisk(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	mount := exec.Command("mount", "-t", "tmpfs", "-o", "size="+diskSize, "tmpfs", dir)
	out, err := mount.CombinedOutput()
	if err != nil {
		t.Skipf("full-disk test needs a tmpfs mount (root in CI): mount: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// fill writes a file until the disk is full.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	must(t, err)
	defer f.Close()
	block := make([]byte, 64<<10)
	for range 1024 { // 64 MB at most: the disk is smaller
		if _, err := f.Write(block); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill: %v", err)
			}
			return path
		}
	}
	t.Fatal("the small disk did not fill up")
	return ""
}

// Fault e: the kiosk's disk fills up. Issuing fails with a clear error
// (the ticket is not printed: G1 holds because nothing is issued that is
// not durable), every ticket that was issued is still in a ledger that
// verifies (hash chain, tickets against events), and issuing resumes once
// space is freed.
func TestFullDiskClearErrorLedgerStillVerifies(t *testing.T) {
	dir := mountSmallDisk(t)
	env := centertest.Start(t, roomy)
	d := openDeviceIn(t, env, env.URL, 2*time.Second, dir)
	ctx := context.Background()
	must(t, d.s.SyncOnce(ctx))
	matter := env.Matter("A")
	filler := fill(t, dir)

	issued, failed := 0, error(nil)
	for range 500 {
		_, err := d.l.Issue(ctx, ledger.IssueRequest{Key: ledger.NewKey(), Matter: matter})
		if err != nil {
			failed = err
			break
		}
		issued++
	}
	if failed == nil {
		t.Fatalf("500 tickets issued on a full disk")
	}
	msg := strings.ToLower(failed.Error())
	if !strings.Contains(msg, "full") && !strings.Contains(msg, "space") {
		t.Errorf("the error does not say the disk is full: %v", failed)
	}

	must(t, os.Remove(filler))
	local, err := d.l.Tickets(ctx, hallDay)
	must(t, err)
	if len(local) != issued {
		t.Fatalf("ledger holds %d tickets, %d were issued", len(local), issued)
	}
	req := ledger.IssueRequest{Key: ledger.NewKey(), Matter: matter}
	if _, err := d.l.Issue(ctx, req); err != nil {
		t.Fatalf("issue after space was freed: %v", err)
	}
	must(t, d.l.Close())
	rep, err := ledger.VerifyFile(ctx, d.path)
	must(t, err)
	if !rep.OK() {
		t.Fatalf("ledger does not verify after the disk filled: %+v", rep)
	}
	t.Logf("tickets issued before the disk filled %d; error: %v; verify: %d events, %d tickets",
		issued, failed, rep.Events, rep.Tickets)
}
