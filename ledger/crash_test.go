package ledger

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"hallkiosk/center/api"
)

// Environment of the crash child, set by TestCrashKill for the re-executed
// test binary.
const (
	envCrashDB   = "HALLKIOSK_CRASH_DB"
	envCrashSide = "HALLKIOSK_CRASH_SIDE"
	// envCrashRounds overrides the number of kills (default 200, 30 with -short).
	envCrashRounds = "HALLKIOSK_CRASH_ROUNDS"
)

// TestCrashChild is the child: it issues tickets in a loop and, after each
// Issue returns, appends the ticket to a side file, as the printer would
// receive it (G1: the ledger write comes first). It does nothing unless
// run by TestCrashKill.
func TestCrashChild(t *testing.T) {
	db, side := os.Getenv(envCrashDB), os.Getenv(envCrashSide)
	if db == "" {
		t.Skip("run by TestCrashKill")
	}
	l, err := Open(db, Options{Device: "crash"})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(3)
	}
	f, err := os.OpenFile(side, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		os.Exit(4)
	}
	fmt.Println("ready")
	for {
		tk, err := l.Issue(context.Background(), IssueRequest{Key: NewKey(), Queue: "A"})
		if err != nil {
			fmt.Fprintln(os.Stderr, "child issue:", err)
			os.Exit(5)
		}
		fmt.Fprintf(f, "%s %s\n", tk.ID, tk.Label)
	}
}

// TestCrashKill is G1 and G2 under power-cut-like crashes: a child issuing
// tickets is killed with SIGKILL at random moments, again and again.
// Afterwards the ledger opens, verifies, holds no number twice, and holds
// every ticket the child handed to the "printer".
func TestCrashKill(t *testing.T) {
	rounds := crashRounds(t)
	dir := t.TempDir()
	db, side := filepath.Join(dir, "ledger.db"), filepath.Join(dir, "printed.txt")
	l, err := Open(db, Options{Device: "crash"})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.AddLease(context.Background(), api.Lease{ID: "L1", Queue: "A",
		Day: l.Today(), From: 1, To: 1 << 30}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 6))
	for i := range rounds {
		runAndKill(t, db, side, rng)
		if i%50 == 49 {
			checkCrashed(t, db, side)
		}
	}
	n := checkCrashed(t, db, side)
	t.Logf("%d kills, %d tickets printed", rounds, n)
}

func crashRounds(t *testing.T) int {
	if s := os.Getenv(envCrashRounds); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q", envCrashRounds, s)
		}
		return n
	}
	if testing.Short() {
		return 30
	}
	return 200
}

// runAndKill starts the child and kills it after a random delay: half the
// time counted from "ready" (mid-issue), half from the start (during open
// and migration checks).
func runAndKill(t *testing.T, db, side string, rng *rand.Rand) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envCrashDB+"="+db, envCrashSide+"="+side)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if rng.IntN(2) == 0 {
		line, _ := bufio.NewReader(out).ReadString('\n')
		if line != "ready\n" {
			cmd.Wait()
			t.Fatalf("child did not start: %q %s", line, stderr.String())
		}
	}
	time.Sleep(time.Duration(rng.IntN(40_000)) * time.Microsecond)
	cmd.Process.Signal(syscall.SIGKILL)
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("child ended by itself (%v): %s", err, stderr.String())
	}
}

// checkCrashed opens the ledger and checks it; it returns the number of
// tickets printed so far.
func checkCrashed(t *testing.T, db, side string) int {
	t.Helper()
	l, err := Open(db, Options{Device: "crash"})
	if err != nil {
		t.Fatalf("ledger does not open after a crash: %v", err)
	}
	defer l.Close()
	mustVerify(t, l)
	ts, err := l.Tickets(context.Background(), l.Today())
	if err != nil {
		t.Fatal(err)
	}
	held := map[string]string{}
	numbers := map[int]bool{}
	for _, tk := range ts {
		if numbers[tk.Number] {
			t.Fatalf("number %s issued twice", tk.Label)
		}
		numbers[tk.Number] = true
		held[tk.ID] = tk.Label
	}
	return checkPrinted(t, side, held)
}

// checkPrinted checks every complete line of the side file is in held.
func checkPrinted(t *testing.T, side string, held map[string]string) int {
	data, err := os.ReadFile(side)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.SplitAfter(string(data), "\n") {
		f := strings.Fields(line)
		if !strings.HasSuffix(line, "\n") || len(f) != 2 {
			continue // the write the kill interrupted
		}
		if held[f[0]] != f[1] {
			t.Fatalf("printed ticket %s %s missing from the ledger (G1)", f[0], f[1])
		}
		n++
	}
	return n
}
