package ptytest

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// Term is a technician at a terminal: a pseudo-terminal left in the cooked
// mode a login shell has (echo on, Enter arriving as CR and turned into NL
// by the line discipline, NL shown as CR NL). The product reads and writes
// its slave end as stdin and stdout; the test reads the screen and types.
type Term struct {
	// Slave is the product's end, for code run in-process. It is nil for
	// a binary started with StartTerm, which holds the slave itself.
	Slave *os.File

	t      testing.TB
	master *os.File

	mu     sync.Mutex
	screen bytes.Buffer // everything shown so far
	from   int          // how far Expect has read
	grew   chan struct{}
}

// NewTerm opens a cooked pseudo-terminal for code run in-process and closes
// it when the test ends.
func NewTerm(t testing.TB) *Term {
	t.Helper()
	m, s, err := pty.Open()
	if err != nil {
		t.Fatalf("ptytest: %v", err)
	}
	tm := &Term{Slave: s, t: t, master: m, grew: make(chan struct{}, 1)}
	go tm.read()
	t.Cleanup(func() { s.Close(); m.Close() })
	return tm
}

// StartTerm starts cmd with the slave end as its controlling terminal,
// stdin, stdout and stderr, as a login shell would: Ctrl-C typed with
// Interrupt reaches it as SIGINT from the terminal's line discipline.
func StartTerm(t testing.TB, cmd *exec.Cmd) *Term {
	t.Helper()
	m, err := pty.Start(cmd)
	if err != nil {
		t.Fatalf("ptytest: start %s: %v", cmd.Path, err)
	}
	tm := &Term{t: t, master: m, grew: make(chan struct{}, 1)}
	go tm.read()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		m.Close()
	})
	return tm
}

func (tm *Term) read() {
	buf := make([]byte, 4096)
	for {
		n, err := tm.master.Read(buf)
		tm.mu.Lock()
		tm.screen.Write(buf[:n])
		tm.mu.Unlock()
		select {
		case tm.grew <- struct{}{}:
		default:
		}
		if err != nil { // EIO once every slave descriptor is closed
			return
		}
	}
}

// Expect waits up to 20 s until the screen shows want after what earlier
// calls consumed, and consumes up to its end.
func (tm *Term) Expect(want string) {
	tm.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		tm.mu.Lock()
		rest := tm.screen.String()[tm.from:]
		if i := strings.Index(rest, want); i >= 0 {
			tm.from += i + len(want)
			tm.mu.Unlock()
			return
		}
		tm.mu.Unlock()
		select {
		case <-tm.grew:
		case <-deadline:
			tm.t.Fatalf("screen never showed %q; after the last match it shows:\n%s", want, rest)
		}
	}
}

// Enter types answer and presses Enter, which a terminal sends as CR.
func (tm *Term) Enter(answer string) {
	tm.t.Helper()
	tm.Type(answer + "\r")
}

// Interrupt presses Ctrl-C.
func (tm *Term) Interrupt() { tm.Type("\x03") }

// Type sends keystrokes as they are.
func (tm *Term) Type(keys string) {
	tm.t.Helper()
	if _, err := tm.master.Write([]byte(keys)); err != nil {
		tm.t.Fatalf("ptytest: type %q: %v", keys, err)
	}
}

// Screen returns everything shown so far.
func (tm *Term) Screen() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.screen.String()
}
