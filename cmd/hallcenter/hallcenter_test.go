package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hallkiosk/center/demo"
	"hallkiosk/internal/cli"
)

func run(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := app.Run(ctx, args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestHallLoadAndEnrolCode(t *testing.T) {
	dir := t.TempDir()
	hall := filepath.Join(dir, "hall.json")
	os.WriteFile(hall, demo.Hall, 0o644)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, bytes.Replace(demo.Hall, []byte(`"queue_prefix": "B"`), []byte(`"queue_prefix": "BB"`), 1), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"hall", "load", "--check", hall}, cli.ExitOK, "hall file ok"},
		{[]string{"hall", "load", "--check", bad}, cli.ExitConfig, "departments[1].queue_prefix"},
		{[]string{"hall", "load", "--data", dir, hall}, cli.ExitOK, "hall version 1 published"},
		{[]string{"enrol-code", "--data", dir, "--role", "display", "--name", "screen"}, cli.ExitOK, "role display"},
		{[]string{"enrol-code", "--data", dir, "--role", "printer", "--name", "x"}, cli.ExitUsage, "role"},
		{[]string{"serve", "--data", dir, "--listen", "0.0.0.0:0"}, cli.ExitConfig, "only on loopback"},
		{[]string{"serve"}, cli.ExitUsage, "--data"},
	} {
		code, out, errs := run(t, context.Background(), tc.args...)
		if code != tc.code || !strings.Contains(out+errs, tc.want) {
			t.Errorf("%v: exit %d (want %d)\n%s%s", tc.args, code, tc.code, out, errs)
		}
	}
}

// TestServeDemo starts the real command on a loopback port, reads
// /healthz and stops it with the context, as systemd would.
func TestServeDemo(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	dir := t.TempDir()
	go func() {
		code, _, _ := run(t, ctx, "serve", "--data", dir, "--listen", addr, "--demo")
		done <- code
	}()
	var body string
	for i := 0; i < 100 && body == ""; i++ {
		time.Sleep(50 * time.Millisecond)
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			var b bytes.Buffer
			b.ReadFrom(resp.Body)
			resp.Body.Close()
			body = b.String()
		}
	}
	cancel()
	if !strings.Contains(body, `"hall_version":1`) {
		t.Fatalf("healthz: %q", body)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exit %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if _, err := os.Stat(filepath.Join(dir, "admin.token")); err != nil {
		t.Fatal("no admin token written")
	}
}
