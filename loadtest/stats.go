package loadtest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Latencies collects request durations by endpoint. It is safe for
// concurrent use.
type Latencies struct {
	mu sync.Mutex
	by map[string][]time.Duration
}

// NewLatencies returns an empty collector.
func NewLatencies() *Latencies { return &Latencies{by: map[string][]time.Duration{}} }

// Add records one duration for endpoint, and for the pseudo-endpoint "all".
func (l *Latencies) Add(endpoint string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.by[endpoint] = append(l.by[endpoint], d)
	l.by["all"] = append(l.by["all"], d)
}

// Summary is the spread of one endpoint's durations.
type Summary struct {
	Name          string
	N             int
	P50, P99, Max time.Duration
}

// String formats s as one line of figures in milliseconds.
func (s Summary) String() string {
	return fmt.Sprintf("%-10s n=%6d p50=%7.2fms p99=%7.2fms max=%7.2fms",
		s.Name, s.N, Ms(s.P50), Ms(s.P99), Ms(s.Max))
}

// Summaries returns one Summary per endpoint, sorted by name.
func (l *Latencies) Summaries() []Summary {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Summary
	for name, ds := range l.by {
		out = append(out, Summarize(name, ds))
	}
	slices.SortFunc(out, func(a, b Summary) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Summarize sorts a copy of ds and takes its percentiles (nearest rank).
func Summarize(name string, ds []time.Duration) Summary {
	s := slices.Clone(ds)
	slices.Sort(s)
	return Summary{Name: name, N: len(s), P50: Percentile(s, 0.50), P99: Percentile(s, 0.99),
		Max: Percentile(s, 1)}
}

// Percentile is the nearest-rank q-quantile of sorted (0 when empty).
func Percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*q+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// Ms is d in milliseconds.
func Ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Errors counts failed requests by endpoint and API error code, keeping
// the first message of each for the report.
type Errors struct {
	mu    sync.Mutex
	count map[string]int
	first map[string]string
}

// NewErrors returns an empty error tally.
func NewErrors() *Errors { return &Errors{count: map[string]int{}, first: map[string]string{}} }

// Add counts one failure of endpoint with code and message.
func (e *Errors) Add(endpoint, code, msg string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := endpoint + " " + code
	e.count[k]++
	if _, ok := e.first[k]; !ok {
		e.first[k] = msg
	}
}

// Total is the number of failures counted.
func (e *Errors) Total() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, c := range e.count {
		n += c
	}
	return n
}

// Lines describes each kind of failure: count, endpoint, code, a message.
func (e *Errors) Lines() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for k, c := range e.count {
		out = append(out, fmt.Sprintf("%d× %s: %s", c, k, e.first[k]))
	}
	slices.Sort(out)
	return out
}
