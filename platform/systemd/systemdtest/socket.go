// Package systemdtest is systemd's side of sd_notify for tests: the unix
// datagram socket a unit's NOTIFY_SOCKET names, on which a service under
// test says READY=1 and feeds its watchdog.
package systemdtest

import (
	"fmt"
	"net"
	"path/filepath"
	"testing"
	"time"
)

// Socket receives a service's notifications.
type Socket struct {
	Path string // the socket's path, for NOTIFY_SOCKET
	conn *net.UnixConn
}

// Listen opens a notification socket in a temporary directory, closed when
// the test ends.
func Listen(t testing.TB) *Socket {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatalf("systemdtest: listen on %s: %v", path, err)
	}
	t.Cleanup(func() { conn.Close() })
	return &Socket{Path: path, conn: conn}
}

// Env is the environment a unit with WatchdogSec=watchdog gives its main
// process, for a child's exec.Cmd.Env.
func (s *Socket) Env(watchdog time.Duration) []string {
	return []string{"NOTIFY_SOCKET=" + s.Path,
		fmt.Sprintf("WATCHDOG_USEC=%d", watchdog.Microseconds())}
}

// Setenv sets that environment for code running in the test's own process.
func (s *Socket) Setenv(t testing.TB, watchdog time.Duration) {
	t.Helper()
	t.Setenv("NOTIFY_SOCKET", s.Path)
	t.Setenv("WATCHDOG_USEC", fmt.Sprint(watchdog.Microseconds()))
}

// Next returns the next notification within wait, or "" if none came.
func (s *Socket) Next(wait time.Duration) string {
	buf := make([]byte, 256)
	if err := s.conn.SetReadDeadline(time.Now().Add(wait)); err != nil {
		return ""
	}
	n, _, err := s.conn.ReadFromUnix(buf)
	if err != nil {
		return ""
	}
	return string(buf[:n])
}
