package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
	"hallkiosk/kiosk"
	"hallkiosk/kiosk/kioskapp"
	"hallkiosk/kiosk/kiosktest"
	"hallkiosk/ledger"
	"hallkiosk/platform"
	"hallkiosk/platform/clock"
	"hallkiosk/platform/ptytest"
	"hallkiosk/printer/printertest"
)

// The child kiosk's settings, passed in its environment.
const (
	envChildDir     = "E2E_KIOSK_CHILD"
	envChildCenter  = "E2E_KIOSK_CENTER"
	envChildPrinter = "E2E_KIOSK_PRINTER"
	envChildMatter  = "E2E_KIOSK_MATTER"
	envChildDept    = "E2E_KIOSK_DEPT"
	envChildNow     = "E2E_KIOSK_NOW"
)

// TestKioskChildProcess is not a test of its own: it is the kiosk that
// TestKioskKilledWhileIssuing starts as a child process and kills.
func TestKioskChildProcess(t *testing.T) {
	dir := os.Getenv(envChildDir)
	if dir == "" {
		t.Skip("the child kiosk of TestKioskKilledWhileIssuing")
	}
	now, err := time.Parse(time.RFC3339Nano, os.Getenv(envChildNow))
	must(t, err)
	clk := clock.NewFake(now)
	cfg := platform.DefaultConfig()
	cfg.DataDir, cfg.Center.URL = dir, os.Getenv(envChildCenter)
	cfg.Printer.Port, cfg.Reader.Port = os.Getenv(envChildPrinter), ""
	ctx := context.Background()
	parts, err := kioskapp.Open(ctx, &cfg, kioskapp.Options{Log: quiet, Clock: clk})
	must(t, err)
	_ = parts.Syncer.SyncOnce(ctx) // offline is a state this test wants too
	must(t, parts.Store.Refresh(ctx))
	runner := &kiosktest.Runner{}
	m := kiosk.New(parts.Ports, clk, runner, kiosk.Options{Logger: quiet})
	m.Tick()
	fmt.Println("ready")
	for range 5000 { // killed long before
		m.Home()
		m.StartWalkIn()
		m.PickDepartment(os.Getenv(envChildDept))
		m.PickMatter(os.Getenv(envChildMatter))
		m.ConfirmTicket()
		m.ConfirmTicket() // G5: a double tap
		runner.Drain()
		clk.Advance(time.Second)
	}
	t.Fatal("the child kiosk was not killed")
}

// tee keeps every byte the virtual printer was sent, so a page cut short by
// the kill is checked too.
type tee struct {
	rw  io.ReadWriter
	mu  sync.Mutex
	buf bytes.Buffer
}

func (t *tee) Read(b []byte) (int, error) {
	n, err := t.rw.Read(b)
	t.mu.Lock()
	t.buf.Write(b[:n])
	t.mu.Unlock()
	return n, err
}

func (t *tee) Write(b []byte) (int, error) { return t.rw.Write(b) }

func (t *tee) bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Clone(t.buf.Bytes())
}

// printedNumber is the ticket number as the layout sends it: in double
// size (GS ! 0x33) on a line of its own.
var printedNumber = regexp.MustCompile("\x1d!3([A-Z][0-9]{3,})\n")

// Fault a: the kiosk process is killed with SIGKILL at a random moment
// while it issues tickets (online through the center, or from the leased
// reserve while the link is down), and started again on the same data
// directory, N times. Every ticket number that reached the printer, on a
// whole page or on one cut short, is in the ledger (G1: durable before its
// first byte is printed); no number is in the ledger twice, nor at the
// center after the day reconciles (G2, G3); the ledger verifies.
func TestKioskKilledWhileIssuing(t *testing.T) {
	slow(t)
	cycles := 50
	env := centertest.Start(t, roomy)
	link := newProxy(t, hostOf(t, env.URL))
	dir := t.TempDir()
	enr := env.Enrol(api.RoleKiosk, "kiosk-killed")
	must(t, platform.SaveSecret(dir, platform.TokenFile, enr.Token))
	must(t, platform.SaveSecret(dir, platform.HallKeyFile, enr.HallKey))
	matter := env.Matter("A")
	dept := env.Engine.CurrentHall().Dept("A").Name
	rng := rand.New(rand.NewPCG(7, 7))

	printed := map[string]int{}
	pages := 0
	start := time.Now()
	for c := range cycles {
		mode := linkPass
		if c%3 == 2 {
			mode = linkDrop // a third of the cycles run offline (G4)
		}
		link.set(mode, "")
		raw, n := killOneKiosk(t, dir, link.URL(), matter, dept,
			env.Clock.Now().Add(time.Duration(c)*time.Minute), rng)
		pages += n
		for _, m := range printedNumber.FindAllSubmatch(raw, -1) {
			printed[string(m[1])]++
		}
	}
	link.set(linkPass, "")

	// Back on its feet: the kiosk's ledger against what was printed.
	ctx := context.Background()
	rep, err := ledger.VerifyFile(ctx, ledger.DefaultPath(dir))
	must(t, err)
	if !rep.OK() {
		t.Fatalf("ledger does not verify after %d kills: %+v", cycles, rep)
	}
	l, err := ledger.Open(ledger.DefaultPath(dir), ledger.Options{Clock: env.Clock, Log: quiet})
	must(t, err)
	defer l.Close()
	local, err := l.Tickets(ctx, hallDay)
	must(t, err)
	inLedger := map[string]bool{}
	for _, tk := range local {
		inLedger[tk.Label] = true
	}
	lostPrinted, reprinted := 0, 0
	for n, times := range printed {
		if !inLedger[n] {
			lostPrinted++
			t.Errorf("G1: %s was printed but is not in the ledger", n)
		}
		if times > 1 {
			reprinted++
			t.Logf("%s reached the printer %d times (a reprint after a kill)", n, times)
		}
	}

	s := ledger.NewSyncer(l, ledger.NewHTTPCenter(env.URL, enr.Token, &http.Client{}),
		ledger.SyncOptions{Clock: env.Clock, Log: quiet})
	syncUntilDone(t, s, 3)
	rc, err := s.Reconcile(ctx, hallDay)
	must(t, err)
	if !rc.Match {
		t.Fatalf("reconciliation: %s", rc)
	}
	remote, err := env.Engine.Tickets(ctx, hallDay)
	must(t, err)
	tl := compareTickets(t, local, remote)
	t.Logf("kills %d in %v; pages cut %d, numbers printed %d (reprinted %d); "+
		"tickets issued %d, printed but not in the ledger %d, lost %d, doubled %d; %s",
		cycles, time.Since(start).Round(time.Millisecond), pages, len(printed), reprinted,
		tl.issued, lostPrinted, tl.lost, tl.doubled, rc)
}

// killOneKiosk starts the child kiosk on a fresh virtual printer, lets it
// issue for a random while and kills it with SIGKILL. It returns every
// byte the printer got and the number of pages it cut.
func killOneKiosk(t *testing.T, dir, url, matter, dept string, now time.Time,
	rng *rand.Rand) ([]byte, int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pp := ptytest.New(t)
	defer pp.Close()
	dev := printertest.NewDevice(printertest.Options{Log: quiet})
	tap := &tee{rw: pp.Master}
	served := make(chan struct{})
	go func() { dev.Serve(ctx, tap); close(served) }()

	cmd := exec.Command(os.Args[0], "-test.run=^TestKioskChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), envChildDir+"="+dir, envChildCenter+"="+url,
		envChildPrinter+"="+pp.SlavePath, envChildMatter+"="+matter, envChildDept+"="+dept,
		envChildNow+"="+now.Format(time.RFC3339Nano))
	out, err := cmd.StdoutPipe()
	must(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	must(t, cmd.Start())
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		ok := false
		for sc.Scan() {
			if sc.Text() == "ready" && !ok {
				ok = true
				ready <- true
			}
		}
		if !ok {
			ready <- false
		}
	}()
	select {
	case ok := <-ready:
		if !ok {
			cmd.Wait()
			t.Fatalf("child kiosk ended before it was ready: %s", stderr.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child kiosk not ready in 30 s: %s", stderr.String())
	}
	time.Sleep(time.Duration(rng.IntN(400)) * time.Millisecond)
	must(t, cmd.Process.Kill()) // SIGKILL
	cmd.Wait()
	pp.Close()
	cancel()
	<-served
	return tap.bytes(), len(dev.Pages())
}
