package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// runner runs the measurements one after another (they would disturb
// each other on a small machine) and keeps what they print.
type runner struct {
	ctx   context.Context
	log   io.Writer // progress, and the raw output of failures
	tmp   string
	dur   string // HALLKIOSK_LOAD and HALLCENTER_T5: how long load suites run
	soak  int    // kiosk interactions for the T6 memory soak
	floor map[string]float64
}

// run executes a command with extra environment, bounded by timeout.
func (r *runner) run(timeout time.Duration, env []string, name string,
	args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(r.ctx, timeout)
	defer cancel()
	fmt.Fprintf(r.log, "benchtable: %s %s\n", name, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	fmt.Fprintf(r.log, "benchtable:   %v\n", time.Since(start).Round(time.Second))
	if err != nil {
		fmt.Fprintf(r.log, "%s\n", tail(string(out), 20))
		return string(out), fmt.Errorf("%s: %w", args[len(args)-1], err)
	}
	return string(out), nil
}

// bench runs the benchmarks matching re in pkg, n iterations each, and
// returns their metrics, failing if one of keys is missing.
func (r *runner) bench(pkg, re, n string, keys ...string) (map[string]float64, error) {
	out, err := r.run(10*time.Minute, nil, goTool(), "test", "-run", "^$", "-bench", re,
		"-benchtime", n, "-count=1", pkg)
	if err != nil {
		return nil, err
	}
	m := benchMetrics(out)
	return m, need(m, keys...)
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// need checks that every metric is in m: a renamed metric must give "not
// measured", never a zero that passes for a figure.
func need(m map[string]float64, keys ...string) error {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return fmt.Errorf("no %q in the output", k)
		}
	}
	return nil
}

// floors measures what T1 and T2 are compared with: the wire time of a
// ticket at 115200 baud and the SAM reader's own reply time. Both come
// first because the T1 and T2 rows name them.
func (r *runner) floors() []Row {
	r.floor = map[string]float64{}
	var rows []Row
	if m, err := r.bench("./printer", "RoundTrip115200", "5x",
		"BenchmarkRoundTrip115200 wire-µs/op"); err == nil {
		r.floor["ticket-wire-ms"] = m["BenchmarkRoundTrip115200 wire-µs/op"] / 1000
	}
	m, err := r.bench("./idcard", "CardEventPTY", "30x", "BenchmarkCardEventPTY wire-ms",
		"BenchmarkCardEventPTY beyond-wire-p50-ms", "BenchmarkCardEventPTY beyond-wire-p99-ms")
	if err != nil {
		return append(rows, notMeasured("—", "ID reader driver, card event beyond wire", "—",
			err.Error()))
	}
	r.floor["reader-wire-ms"] = m["BenchmarkCardEventPTY wire-ms"]
	return append(rows, Row{Target: "—", What: "ID reader driver: card event beyond the " +
		"reader's wire time (pty)", P50: ms(m["BenchmarkCardEventPTY beyond-wire-p50-ms"]),
		P99: ms(m["BenchmarkCardEventPTY beyond-wire-p99-ms"]), Goal: "part of T2",
		Floor:  fmt.Sprintf("reader reply on the wire %s", ms(r.floor["reader-wire-ms"])),
		Result: "figure"})
}

// t1t2 runs the kiosk benchmarks on real parts (ledger, center on
// loopback, ESC/POS driver and SAM reader on ptys).
func (r *runner) t1t2() []Row {
	const b1, b2 = "BenchmarkT1TapToLastByte", "BenchmarkT2CardToPrintStart"
	m, err := r.bench("./kiosk/kioskapp", "T1TapToLastByte|T2CardToPrintStart", "300x",
		b1+"/online tap-to-last-byte-p99-ms", b1+"/offline tap-to-last-byte-p99-ms",
		b1+"/online tap-to-last-byte-p50-ms", b1+"/offline tap-to-last-byte-p50-ms",
		b2+" card-to-print-start-p50-ms", b2+" card-to-print-start-p99-ms")
	if err != nil {
		return []Row{notMeasured("T1", "tap → last byte", "p99 ≤ 20 ms", err.Error()),
			notMeasured("T2", "card → print start", "≤ 50 ms", err.Error())}
	}
	wire := fmt.Sprintf("ticket on the wire at 115200 baud %s (not included)",
		ms(r.floor["ticket-wire-ms"]))
	var rows []Row
	for _, mode := range []string{"online", "offline"} {
		k := b1 + "/" + mode + " tap-to-last-byte-"
		rows = append(rows, Row{Target: "T1", What: "tap → last ticket byte to the port, " +
			mode + " (pty: software share)", P50: ms(m[k+"p50-ms"]), P99: ms(m[k+"p99-ms"]),
			Goal: "p99 ≤ 20 ms beyond wire", Floor: wire, Result: verdict(m[k+"p99-ms"], 20)})
	}
	k := b2 + " card-to-print-start-"
	return append(rows, Row{Target: "T2", What: "card event → print start, cached booking",
		P50: ms(m[k+"p50-ms"]), P99: ms(m[k+"p99-ms"]), Goal: "≤ 50 ms beyond reader",
		Floor:  fmt.Sprintf("reader reply %s (not included)", ms(r.floor["reader-wire-ms"])),
		Result: verdict(m[k+"p99-ms"], 50)})
}

// t3 is search as you type over 10,000 generated matters, beside a naive
// LIKE scan of the same fields.
func (r *runner) t3() []Row {
	m, err := r.bench("./ledger/knowledge", "^BenchmarkT3$", "3x", "BenchmarkT3 p50-µs",
		"BenchmarkT3 p99-µs", "BenchmarkT3 like-p50-µs", "BenchmarkT3 like-p99-µs")
	if err != nil {
		return []Row{notMeasured("T3", "search as you type", "p99 ≤ 5 ms", err.Error())}
	}
	us := func(k string) float64 { return m["BenchmarkT3 "+k] / 1000 }
	floor := fmt.Sprintf("naive LIKE scan p50 %s, p99 %s", ms(us("like-p50-µs")),
		ms(us("like-p99-µs")))
	return []Row{{Target: "T3", What: "search as you type, 10,000 matters (FTS5 index)",
		P50: ms(us("p50-µs")), P99: ms(us("p99-µs")), Goal: "p99 ≤ 5 ms", Floor: floor,
		Result: verdict(us("p99-µs"), 5)}}
}

// t4 is the center's benchmark (50 raw stream readers) and the display's
// own measurement (one display drawing on a fyne test canvas, 49 more
// stream clients).
func (r *runner) t4() []Row {
	var rows []Row
	m, err := r.bench("./center", "T4CallToStream", "200x",
		"BenchmarkT4CallToStream p50-ms", "BenchmarkT4CallToStream p99-ms")
	if err != nil {
		rows = append(rows, notMeasured("T4", "call-next → 50 streams", "p99 ≤ 100 ms", err.Error()))
	} else {
		p99 := m["BenchmarkT4CallToStream p99-ms"]
		rows = append(rows, Row{Target: "T4", What: "call-next (HTTP) → event read by each " +
			"of 50 stream clients, one call at a time", P50: ms(m["BenchmarkT4CallToStream p50-ms"]),
			P99: ms(p99), Goal: "p99 ≤ 100 ms", Floor: "—", Result: verdict(p99, 100)})
	}
	return append(rows, r.t4Drawn()...)
}

var t4Line = regexp.MustCompile(`T4 (.+): n=(\d+) p50=(\S+) p90=\S+ p99=(\S+) max=`)

func (r *runner) t4Drawn() []Row {
	out, err := r.run(5*time.Minute, []string{"HALLKIOSK_BENCH=1"}, goTool(), "test",
		"-run", "TestT4CallToDrawn", "-v", "-count=1", "./display/screen")
	if err != nil {
		return []Row{notMeasured("T4", "call-next → drawn", "p99 ≤ 100 ms", err.Error())}
	}
	fig := map[string][2]float64{}
	for _, line := range strings.Split(out, "\n") {
		if s := t4Line.FindStringSubmatch(line); s != nil {
			fig[s[1]] = [2]float64{durMs(s[3]), durMs(s[4])}
		}
	}
	post := fig["(for scale) the call-next POST round trip alone"]
	floor := fmt.Sprintf("call-next reply alone p50 %s, p99 %s", ms(post[0]), ms(post[1]))
	var rows []Row
	for _, what := range []string{"call next → drawn on the screen",
		"call next → reached all 50 displays"} {
		f, ok := fig[what]
		if !ok {
			return []Row{notMeasured("T4", what, "p99 ≤ 100 ms", "no figure in the output")}
		}
		rows = append(rows, Row{Target: "T4", What: strings.Replace(what, "→",
			"→ (display client)", 1), P50: ms(f[0]), P99: ms(f[1]), Goal: "p99 ≤ 100 ms",
			Floor: floor, Result: verdict(f[1], 100)})
	}
	return rows
}

func durMs(s string) float64 {
	d, err := time.ParseDuration(s)
	if err != nil {
		return -1
	}
	return float64(d) / float64(time.Millisecond)
}

// load runs the load suite (loadtest.TestLoad) for T4 and T5 under a
// whole hall's traffic.
func (r *runner) load() []Row {
	out, err := r.run(10*time.Minute, []string{"HALLKIOSK_SLOW=1", "HALLKIOSK_LOAD=" + r.dur},
		goTool(), "test", "-run", "^TestLoad$", "-v", "-count=1", "./loadtest")
	what := "load suite (20 kiosks, 50 displays, 20 consoles, " + r.dur + "): "
	if err != nil {
		return []Row{notMeasured("T4/T5", what, "—", err.Error())}
	}
	t4, ok1 := keyValues(out, "LOAD T4 ")
	all, ok2 := keyValues(out, "LOAD T5 all ")
	hb, _ := keyValues(out, "LOAD T5 heartbeat ")
	call, _ := keyValues(out, "LOAD T5 call-next ")
	sum, _ := keyValues(out, "LOAD totals ")
	if !ok1 || !ok2 || need(t4, "p50-ms", "p99-ms") != nil ||
		need(all, "p50-ms", "p99-ms") != nil {
		return []Row{notMeasured("T4/T5", what, "—", "no LOAD figures in the output")}
	}
	counts := fmt.Sprintf("%.0f tickets, %.0f calls, %.0f errors, G2, G3 and G7 checks passed",
		sum["tickets"], sum["calls"], sum["errors"])
	return []Row{
		{Target: "T4", What: what + "call-next → each display read the call (" + counts + ")",
			P50: ms(t4["p50-ms"]), P99: ms(t4["p99-ms"]), Goal: "p99 ≤ 100 ms",
			Floor:  fmt.Sprintf("call-next reply alone p50 %s", ms(call["p50-ms"])),
			Result: verdict(t4["p99-ms"], 100)},
		{Target: "T5", What: what + "every request (tickets, heartbeats, journals, " +
			"call-next, finish)", P50: ms(all["p50-ms"]), P99: ms(all["p99-ms"]),
			Goal: "p99 ≤ 50 ms", Floor: fmt.Sprintf("heartbeat p50 %s", ms(hb["p50-ms"])),
			Result: verdict(all["p99-ms"], 50)},
	}
}

var t5All = regexp.MustCompile(`: all\s+n=\s*(\d+) p50=\s*([\d.]+)ms p99=\s*([\d.]+)ms`)
var t5HB = regexp.MustCompile(`: heartbeat\s+n=\s*(\d+) p50=\s*([\d.]+)ms`)
var t5Rate = regexp.MustCompile(`T5: (\d+) devices, (\S+), (\d+) tickets issued \(([\d.]+)/s\)`)

// t5 is the center's own T5 test: 200 devices syncing every ~2 s and 20
// tickets/s, which is exactly the target's load.
func (r *runner) t5() []Row {
	out, err := r.run(5*time.Minute, []string{"HALLCENTER_T5=" + r.dur}, goTool(), "test",
		"-run", "^TestT5Load$", "-v", "-count=1", "./center")
	what := "200 devices syncing + 20 tickets/s"
	if err != nil {
		return []Row{notMeasured("T5", what, "p99 ≤ 50 ms", err.Error())}
	}
	all, rate, hb := lastMatch(out, t5All), lastMatch(out, t5Rate), lastMatch(out, t5HB)
	if all == nil || rate == nil {
		return []Row{notMeasured("T5", what, "p99 ≤ 50 ms", "no figures in the output")}
	}
	p50, _ := number(all[2])
	p99, _ := number(all[3])
	floor := "—"
	if hb != nil {
		floor = "heartbeat p50 " + hb[2] + " ms"
	}
	return []Row{{Target: "T5", What: fmt.Sprintf("%s devices syncing, %s tickets/s over %s, "+
		"%s requests", rate[1], rate[4], rate[2], all[1]), P50: ms(p50), P99: ms(p99),
		Goal: "p99 ≤ 50 ms", Floor: floor, Result: verdict(p99, 50)}}
}

var firstFrame = regexp.MustCompile(`T6 first frame: (\S+) after start`)
var soakLine = regexp.MustCompile(`(\d+) interactions: live heap\s+([\d.]+) MB, RSS\s+([\d.]+) MB`)

// t6 opens the kiosk's real window under Xvfb (kiosk/internal/shots) and
// soaks it with simulated interactions. Without xvfb-run it says so.
func (r *runner) t6() []Row {
	const ffGoal, memGoal = "≤ 1.5 s", "RSS ≤ 150 MB, flat"
	if _, err := exec.LookPath("xvfb-run"); err != nil && os.Getenv("DISPLAY") == "" {
		return []Row{notMeasured("T6", "first frame", ffGoal, "no xvfb-run and no display"),
			notMeasured("T6", "memory", memGoal, "no xvfb-run and no display")}
	}
	bin := filepath.Join(r.tmp, "shots")
	if _, err := r.run(10*time.Minute, nil, goTool(), "build", "-o", bin,
		"./kiosk/internal/shots"); err != nil {
		return []Row{notMeasured("T6", "first frame and memory", ffGoal, err.Error())}
	}
	args := []string{bin, "-out", r.tmp, "-soak", fmt.Sprint(r.soak)}
	if os.Getenv("DISPLAY") == "" {
		args = append([]string{"-a", "-s", "-screen 0 1080x1920x24 -nolisten tcp"}, args...)
	}
	name := "xvfb-run"
	if os.Getenv("DISPLAY") != "" {
		name, args = args[0], args[1:]
	}
	// FYNE_CACHE=1s: fyne keeps each renderer a minute of wall time; a
	// soak builds screens far faster than citizens do (see kiosk/ui's
	// soak test), so the minute is shortened to measure the kiosk itself.
	out, err := r.run(10*time.Minute, []string{"FYNE_CACHE=1s"}, name, args...)
	if err != nil {
		return []Row{notMeasured("T6", "first frame and memory", ffGoal, err.Error())}
	}
	// The floor: an empty fyne window on the same X server and GL. A failed
	// floor run only leaves the column empty.
	fargs := append(slices.Clone(args[:len(args)-4]), "-floor")
	if fout, err := r.run(2*time.Minute, nil, name, fargs...); err == nil {
		out += "\n" + fout
	}
	return t6Rows(out, r.soak)
}

var floorLine = regexp.MustCompile(`T6 floor: empty fyne window RSS\s+([\d.]+) MB`)

func t6Rows(out string, soak int) []Row {
	var rows []Row
	if ff := lastMatch(out, firstFrame); ff != nil {
		d := durMs(ff[1])
		rows = append(rows, Row{Target: "T6", What: "kiosk start → first frame (real window, " +
			"Xvfb, software GL)", P50: "—", P99: fmt.Sprintf("%.2f s", d/1000), Goal: "≤ 1.5 s",
			Floor: "—", Result: verdict(d, 1500)})
	} else {
		rows = append(rows, notMeasured("T6", "first frame", "≤ 1.5 s", "no figure in output"))
	}
	var heaps, rsss []float64
	for _, line := range strings.Split(out, "\n") {
		if s := soakLine.FindStringSubmatch(line); s != nil {
			h, _ := number(s[2])
			m, _ := number(s[3])
			heaps, rsss = append(heaps, h), append(rsss, m)
		}
	}
	if len(rsss) == 0 {
		return append(rows, notMeasured("T6", "memory", "RSS ≤ 150 MB", "no soak figures"))
	}
	peak := rsss[0]
	for _, v := range rsss {
		peak = max(peak, v)
	}
	// fyne frees its caches at most every 10 s, so the heap saws; what
	// the kiosk keeps is the floor over the last stretch (as in
	// kiosk/ui's soak test).
	floor := heaps[len(heaps)-1]
	for _, h := range heaps[max(0, len(heaps)-4):] {
		floor = min(floor, h)
	}
	res := verdict(peak, 150)
	if floor > heaps[0]*1.25 {
		res += " (heap grew)"
	}
	empty := "—"
	if f := lastMatch(out, floorLine); f != nil {
		empty = "empty fyne window RSS " + f[1] + " MB"
	}
	return append(rows, Row{Target: "T6", What: fmt.Sprintf("resident memory over %d "+
		"simulated interactions (real window)", soak), P50: fmt.Sprintf("heap %.0f → floor %.0f MB",
		heaps[0], floor), P99: fmt.Sprintf("RSS %.0f → %.0f MB (peak %.0f)",
		rsss[0], rsss[len(rsss)-1], peak), Goal: "RSS ≤ 150 MB, flat", Floor: empty, Result: res})
}

// t7 reconciles a day offline (100,000 journal events) with the center,
// and times the ledger's durable issue for scale.
func (r *runner) t7() []Row {
	var rows []Row
	const t7 = "BenchmarkT7Reconcile100k "
	m, err := r.bench("./ledger", "T7Reconcile100k", "1x", t7+"s-reconcile", t7+"events",
		t7+"pushes", t7+"s-in-center-push")
	if err != nil {
		rows = append(rows, notMeasured("T7", "reconcile 100k events", "≤ 10 s", err.Error()))
	} else {
		s := m["BenchmarkT7Reconcile100k s-reconcile"]
		rows = append(rows, Row{Target: "T7", What: fmt.Sprintf("reconcile %.0f offline "+
			"journal events in %.0f pushes", m["BenchmarkT7Reconcile100k events"],
			m["BenchmarkT7Reconcile100k pushes"]), P50: "—", P99: fmt.Sprintf("%.2f s", s),
			Goal: "≤ 10 s", Floor: fmt.Sprintf("center's share (push handling) %.2f s",
				m["BenchmarkT7Reconcile100k s-in-center-push"]), Result: verdict(s, 10)})
	}
	m, err = r.bench("./ledger", "^BenchmarkIssue$", "300x", "BenchmarkIssue p50-µs",
		"BenchmarkIssue p99-µs")
	if err != nil {
		return append(rows, notMeasured("—", "ledger issue", "—", err.Error()))
	}
	return append(rows, Row{Target: "—", What: "ledger: one durable ticket issue " +
		"(WAL, synchronous=FULL; part of T1)", P50: ms(m["BenchmarkIssue p50-µs"] / 1000),
		P99: ms(m["BenchmarkIssue p99-µs"] / 1000), Goal: "part of T1", Floor: "—",
		Result: "figure"})
}

var errNoRows = errors.New("benchtable: no measurement ran")
