package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Row is one line of the table.
type Row struct {
	Target string // "T1" … "T7", or "—" for a supporting figure
	What   string // what is measured, and how
	P50    string // median, or the single figure
	P99    string
	Goal   string // from DESIGN.md §5
	Floor  string // what the figure is compared with
	Result string // met, missed, not measured, or "figure" for context rows
}

// notMeasured is a row for a target the run could not measure, with why.
func notMeasured(target, what, goal, why string) Row {
	return Row{Target: target, What: what, P50: "—", P99: "—", Goal: goal, Floor: "—",
		Result: "not measured: " + why}
}

// verdict compares a figure with a goal (both in the same unit).
func verdict(v, goal float64) string {
	if v <= goal {
		return "met"
	}
	return "missed"
}

func ms(v float64) string { return fmt.Sprintf("%.2f ms", v) }

var header = []string{"target", "measured", "p50", "p99 / figure", "goal (§5)", "floor",
	"result"}

func (r Row) cells() []string {
	return []string{r.Target, r.What, r.P50, r.P99, r.Goal, r.Floor, r.Result}
}

// writeText prints the header lines and the rows as aligned columns.
func writeText(w io.Writer, head []string, rows []Row) {
	for _, h := range head {
		fmt.Fprintln(w, h)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r.cells(), "\t"))
	}
	tw.Flush()
}

// writeMarkdown writes the same as a Markdown list and table.
func writeMarkdown(w io.Writer, head []string, rows []Row) {
	for _, h := range head {
		fmt.Fprintf(w, "- %s\n", h)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "| %s |\n", strings.Join(header, " | "))
	fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(header)))
	for _, r := range rows {
		cells := r.cells()
		for i, c := range cells {
			cells[i] = strings.ReplaceAll(c, "|", `\|`)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
}
