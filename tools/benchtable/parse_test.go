package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixture reads testdata/parse/<name>: output of the measured commands
// captured on the build machine, except shots.txt, written in the format
// of kiosk/internal/shots with figures chosen to exercise the verdict.
func fixture(t *testing.T, name string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "parse", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// TestBenchMetrics: metrics of `go test -bench` lines, CPU suffix dropped,
// sub-benchmarks kept.
func TestBenchMetrics(t *testing.T) {
	for _, tc := range []struct {
		file, key string
		want      float64
	}{
		{"kioskapp.txt", "BenchmarkT1TapToLastByte/online tap-to-last-byte-p99-ms", 6.129},
		{"kioskapp.txt", "BenchmarkT1TapToLastByte/offline tap-to-last-byte-p50-ms", 2.066},
		{"kioskapp.txt", "BenchmarkT2CardToPrintStart card-to-print-start-p99-ms", 2.713},
		{"t3.txt", "BenchmarkT3 p99-µs", 4626},
		{"t3.txt", "BenchmarkT3 like-p50-µs", 15883},
	} {
		m := benchMetrics(fixture(t, tc.file))
		if got, ok := m[tc.key]; !ok || got != tc.want {
			t.Errorf("%s: %q = %v (present %v), want %v", tc.file, tc.key, got, ok, tc.want)
		}
	}
}

// TestLoadLines: the load suite's LOAD lines parse into figures.
func TestLoadLines(t *testing.T) {
	out := fixture(t, "load.txt")
	for _, marker := range []string{"LOAD T4 ", "LOAD T5 all ", "LOAD T5 heartbeat ",
		"LOAD T5 call-next ", "LOAD totals "} {
		m, ok := keyValues(out, marker)
		if !ok || len(m) == 0 {
			t.Errorf("%q: no figures", marker)
		}
	}
	m, _ := keyValues(out, "LOAD T4 ")
	if m["p99-ms"] <= 0 || m["p50-ms"] > m["p99-ms"] {
		t.Errorf("T4 figures %v", m)
	}
}

// TestT5AndT4Drawn: the center's T5 test and the display's T4 test print
// lines the patterns find.
func TestT5AndT4Drawn(t *testing.T) {
	t5 := fixture(t, "t5.txt")
	if lastMatch(t5, t5All) == nil || lastMatch(t5, t5Rate) == nil ||
		lastMatch(t5, t5HB) == nil {
		t.Errorf("t5.txt: a pattern found nothing")
	}
	n := 0
	for _, line := range strings.Split(fixture(t, "t4drawn.txt"), "\n") {
		if s := t4Line.FindStringSubmatch(line); s != nil && durMs(s[4]) > 0 {
			n++
		}
	}
	if n != 3 {
		t.Errorf("t4drawn.txt: %d T4 lines, want 3", n)
	}
}

// TestT6Rows: first frame and the soak's memory lines become two rows; the
// verdict follows the figures.
func TestT6Rows(t *testing.T) {
	rows := t6Rows(fixture(t, "shots.txt"), 3000)
	if len(rows) != 2 {
		t.Fatalf("rows %v", rows)
	}
	if rows[0].P99 != "0.42 s" || rows[0].Result != "met" {
		t.Errorf("first frame row %+v", rows[0])
	}
	if !strings.HasPrefix(rows[1].Result, "missed") || !strings.Contains(rows[1].P99, "peak 300") ||
		rows[1].Floor != "empty fyne window RSS 145.2 MB" {
		t.Errorf("memory row %+v", rows[1])
	}
	if got := t6Rows("", 10); !strings.HasPrefix(got[0].Result, "not measured") {
		t.Errorf("empty output: %+v", got)
	}
}

// TestMarkdown: one row per line, pipes in cells escaped.
func TestMarkdown(t *testing.T) {
	var b bytes.Buffer
	writeMarkdown(&b, []string{"date: x"}, []Row{{Target: "T1", What: "a|b", Result: "met"}})
	want := "- date: x\n\n| target | measured | p50 | p99 / figure | goal (§5) | floor | " +
		"result |\n|---|---|---|---|---|---|---|\n| T1 | a\\|b |  |  |  |  | met |\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// TestNeed: a missing metric is an error, so the row says "not measured"
// instead of showing a zero that would pass for a figure.
func TestNeed(t *testing.T) {
	m := benchMetrics(fixture(t, "t3.txt"))
	if err := need(m, "BenchmarkT3 p99-µs"); err != nil {
		t.Errorf("present metric: %v", err)
	}
	if err := need(m, "BenchmarkT3 p99-µs", "BenchmarkT3 p999-µs"); err == nil {
		t.Error("missing metric: no error")
	}
}
