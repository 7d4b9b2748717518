package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestServeConsole starts the real command and checks the console is
// served beside the device API on the same address.
func TestServeConsole(t *testing.T) {
	dir := t.TempDir()
	var out, errb strings.Builder
	if code := app.Run(context.Background(), []string{"user", "add", "--data", dir, "--role",
		"admin", "chen"}, strings.NewReader("s3cret-pass\n"), &out, &errb); code != 0 {
		t.Fatalf("user add: %d %s", code, errb.String())
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		code, _, _ := run(t, ctx, "serve", "--data", dir, "--listen", addr, "--demo")
		done <- code
	}()
	defer func() { cancel(); <-done }()
	get := func(path string) (int, string) {
		for i := 0; i < 100; i++ {
			resp, err := http.Get("http://" + addr + path)
			if err == nil {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				return resp.StatusCode, string(body)
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("GET %s: no server", path)
		return 0, ""
	}
	for _, tc := range []struct {
		path string
		code int
		want string
	}{
		{"/healthz", 200, `"status":"ok"`},
		{"/login", 200, `name="login_token"`},
		{"/static/console.js", 200, "EventSource"},
		{"/t/no-such-ticket", 404, "Ticket not found"},
		{"/api/v1/hall", 401, "unauthorized"},
	} {
		if code, body := get(tc.path); code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("GET %s: %d, want %d with %q", tc.path, code, tc.code, tc.want)
		}
	}
}
