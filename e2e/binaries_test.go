package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"hallkiosk/center/api"
)

// TestMain removes the binaries built for the package's tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

var (
	binOnce sync.Once
	binDir  string
	binErr  error
)

// demoTime is the shipped center's clock start in these tests: the same
// workday morning as centertest.Morning.
const demoTime = "2026-12-03T09:00:00+08:00"

// binaries builds hallcenter (CGO_ENABLED=0, as shipped), hallsim and
// hallkiosk once for the package and returns their directory; it skips
// the test when the toolchain cannot build them.
func binaries(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "hallkiosk-e2e-bin-")
		if binErr != nil {
			return
		}
		for _, b := range []struct {
			name string
			cgo  string
		}{{"hallcenter", "0"}, {"hallsim", ""}, {"hallkiosk", ""}} {
			cmd := exec.Command("go", "build", "-o", filepath.Join(binDir, b.name),
				"hallkiosk/cmd/"+b.name)
			cmd.Env = os.Environ()
			if b.cgo != "" {
				cmd.Env = append(cmd.Env, "CGO_ENABLED="+b.cgo)
			}
			if out, err := cmd.CombinedOutput(); err != nil {
				binErr = fmt.Errorf("go build %s: %v: %s", b.name, err, out)
				return
			}
		}
	})
	if binErr != nil {
		t.Skipf("the shipped binaries could not be built here (toolchain?): %v", binErr)
	}
	return binDir
}

// proc is a running binary; it is killed at the end of the test.
type proc struct {
	cmd *exec.Cmd
	out *bytes.Buffer
}

func start(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(filepath.Join(binaries(t), name), args...), out: &bytes.Buffer{}}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	must(t, p.cmd.Start())
	t.Cleanup(func() { p.kill() })
	return p
}

// kill sends SIGKILL and waits; it is safe to call twice.
func (p *proc) kill() {
	if p.cmd.ProcessState != nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(filepath.Join(binaries(t), name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// freeAddr picks a loopback port for a server binary.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// shippedCenter is the hallcenter binary serving the demo hall.
type shippedCenter struct {
	t    *testing.T
	data string
	addr string
	p    *proc
}

func startCenter(t *testing.T, data, addr string) *shippedCenter {
	t.Helper()
	c := &shippedCenter{t: t, data: data, addr: addr}
	c.p = start(t, "hallcenter", "serve", "--demo", "--data", data, "--listen", addr,
		"--demo-time", demoTime)
	waitFor(t, "hallcenter to answer /healthz", func() bool {
		resp, err := http.Get(c.URL() + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return c
}

func (c *shippedCenter) URL() string { return "http://" + c.addr }

// enrolCode makes a one-time enrolment code with the center's CLI.
func (c *shippedCenter) enrolCode(role, name string) string {
	out := run(c.t, "hallcenter", "enrol-code", "--data", c.data, "--role", role, "--name", name)
	return strings.Fields(out)[0]
}

// enrol enrols a device over the API as provisioning does.
func (c *shippedCenter) enrol(role, name string) api.EnrolResponse {
	c.t.Helper()
	body, _ := json.Marshal(api.EnrolRequest{Code: c.enrolCode(role, name)})
	resp, err := http.Post(c.URL()+api.Prefix+"/enrol", "application/json", bytes.NewReader(body))
	must(c.t, err)
	defer resp.Body.Close()
	var out api.EnrolResponse
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		c.t.Fatalf("enrol: status %d", resp.StatusCode)
	}
	must(c.t, json.NewDecoder(resp.Body).Decode(&out))
	return out
}

// The shipped programs make a hall: the hallcenter binary serves the demo
// hall, hallsim puts a virtual printer and ID-card reader on
// pseudo-terminals, `hallkiosk provision --yes` enrols a kiosk and writes
// its config, and `hallkiosk selftest all --no-screen` passes on printer,
// reader and center, the printer's test page landing in hallsim's pages.
func TestShippedBinariesProvisionAndSelfTest(t *testing.T) {
	binaries(t)
	dir := t.TempDir()
	c := startCenter(t, filepath.Join(dir, "center"), freeAddr(t))
	printerLink, readerLink := filepath.Join(dir, "printer"), filepath.Join(dir, "reader")
	pages := filepath.Join(dir, "pages")
	start(t, "hallsim", "printer", "--link", printerLink, "--out", pages, "--control", "127.0.0.1:0")
	start(t, "hallsim", "idcard", "--link", readerLink, "--control", "127.0.0.1:0")
	for _, l := range []string{printerLink, readerLink} {
		waitFor(t, "hallsim's "+filepath.Base(l), func() bool { _, err := os.Stat(l); return err == nil })
	}

	cfg, data := filepath.Join(dir, "kiosk", "device.toml"), filepath.Join(dir, "kiosk")
	out := run(t, "hallkiosk", "provision", "--yes", "--config", cfg, "--role", "kiosk",
		"--name", "e2e-kiosk", "--center", c.URL(), "--code", c.enrolCode("kiosk", "e2e-kiosk"),
		"--data-dir", data, "--printer-port", printerLink, "--reader-port", readerLink)
	if !strings.Contains(out, "provisioned e2e-kiosk as kiosk") {
		t.Fatalf("provision said:\n%s", out)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	st := exec.CommandContext(ctx, filepath.Join(binDir, "hallkiosk"), "selftest", "all",
		"--config", cfg, "--no-screen", "--card-wait", "1s")
	raw, err := st.CombinedOutput()
	if err != nil {
		t.Fatalf("selftest all: %v\n%s", err, raw)
	}
	for _, part := range []string{"printer", "reader", "center"} {
		if !selftestPassed(string(raw), part) {
			t.Errorf("selftest all: %s did not pass:\n%s", part, raw)
		}
	}
	pngs, _ := filepath.Glob(filepath.Join(pages, "*.png"))
	if len(pngs) != 1 {
		t.Fatalf("hallsim saved %d pages, want the one test page", len(pngs))
	}
	t.Logf("selftest all:\n%s", tableOf(string(raw)))
}

// selftestPassed finds part's row in the summary table with PASS.
func selftestPassed(out, part string) bool {
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == part && f[1] == "PASS" {
			return true
		}
	}
	return false
}

// tableOf keeps the summary table from selftest output.
func tableOf(out string) string {
	i := strings.Index(out, "PART")
	if i < 0 {
		return out
	}
	return out[i:]
}
