// Command benchtable runs hallkiosk's performance measurements (T1–T7 of
// DESIGN.md §5: the benchmarks, the load suite and the kiosk's window
// under Xvfb) one after another and prints one table: what was measured,
// p50 and p99, the goal, the floor it is compared with, and whether the
// goal was met, under a header naming the machine and its load. `make
// bench` runs it; -md also writes the table as Markdown for docs/bench.md.
//
// Run it from the module root: it calls `go test` on package paths.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"
)

func main() {
	md := flag.String("md", "", "also write the table as Markdown to this file")
	load := flag.String("load", "10s", "how long the load suites run (T4/T5)")
	soak := flag.Int("soak", 10000, "kiosk interactions in the T6 memory soak")
	only := flag.String("only", "", "comma-separated subset: floors,t1t2,t3,t4,load,t5,t6,t7")
	flag.Parse()
	if err := run(*md, *load, *soak, *only); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(md, load string, soak int, only string) error {
	if _, err := time.ParseDuration(load); err != nil {
		return fmt.Errorf("benchtable: -load %q: want a duration such as 10s", load)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	tmp, err := os.MkdirTemp("", "benchtable-")
	if err != nil {
		return fmt.Errorf("benchtable: %w", err)
	}
	defer os.RemoveAll(tmp)

	start := time.Now()
	head := machine(start)
	r := &runner{ctx: ctx, log: os.Stderr, tmp: tmp, dur: load, soak: soak}
	rows := measure(r, only)
	if len(rows) == 0 {
		return errNoRows
	}
	head = append(head, "load average at end: "+loadAvg(),
		fmt.Sprintf("whole run: %v", time.Since(start).Round(time.Second)))

	writeText(os.Stdout, head, rows)
	return writeMarkdownFile(md, head, rows)
}

// measure runs the chosen steps in order; floors first, since the T1 and
// T2 rows name them.
func measure(r *runner, only string) []Row {
	steps := []struct {
		name string
		fn   func() []Row
	}{
		{"floors", r.floors}, {"t1t2", r.t1t2}, {"t3", r.t3}, {"t4", r.t4},
		{"load", r.load}, {"t5", r.t5}, {"t6", r.t6}, {"t7", r.t7},
	}
	var rows []Row
	for _, s := range steps {
		if only != "" && !strings.Contains(","+only+",", ","+s.name+",") {
			continue
		}
		if r.ctx.Err() != nil {
			break
		}
		rows = append(rows, s.fn()...)
	}
	return rows
}

func writeMarkdownFile(path string, head []string, rows []Row) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("benchtable: markdown: %w", err)
	}
	writeMarkdown(f, head, rows)
	if err := f.Close(); err != nil {
		return fmt.Errorf("benchtable: markdown: %w", err)
	}
	return nil
}
