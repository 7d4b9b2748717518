package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"hallkiosk/center/console"
)

func TestUserAdd(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name  string
		args  []string
		stdin string
		code  int
	}{
		{"first admin", []string{"user", "add", "--data", dir, "--role", "admin", "chen"},
			"s3cret-pass\n", 0},
		{"again", []string{"user", "add", "--data", dir, "--role", "admin", "chen"},
			"s3cret-pass\n", 2},
		{"bad role", []string{"user", "add", "--data", dir, "--role", "root", "zhou"},
			"s3cret-pass\n", 2},
		{"short password", []string{"user", "add", "--data", dir, "wang"}, "short\n", 2},
		{"no password", []string{"user", "add", "--data", dir, "wang"}, "", 2},
		{"no data", []string{"user", "add", "wang"}, "s3cret-pass\n", 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := app.Run(context.Background(), tc.args, strings.NewReader(tc.stdin), &out, &errb)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, errb.String())
			}
		})
	}
	st, err := console.OpenStore(context.Background(), dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Login(context.Background(), "chen", "s3cret-pass", time.Now()); err != nil {
		t.Fatalf("the admin made by 'user add' cannot log in: %v", err)
	}
}
