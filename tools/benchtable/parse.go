package main

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// metrics maps "BenchmarkName/sub metric-unit" (the -N CPU suffix
// dropped) to its value, from `go test -bench` output: after the name and
// the iteration count come value/unit pairs.
func benchMetrics(out string) map[string]float64 {
	m := map[string]float64{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := cpuSuffix.ReplaceAllString(f[0], "")
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				m[name+" "+f[i+1]] = v
			}
		}
	}
	return m
}

var cpuSuffix = regexp.MustCompile(`-\d+$`)

// keyValues reads "key=value" fields of the first line containing marker,
// values parsed as numbers where they are.
func keyValues(out, marker string) (map[string]float64, bool) {
	for _, line := range strings.Split(out, "\n") {
		i := strings.Index(line, marker)
		if i < 0 {
			continue
		}
		m := map[string]float64{}
		for _, f := range strings.Fields(line[i+len(marker):]) {
			k, v, ok := strings.Cut(f, "=")
			if !ok {
				continue
			}
			if x, err := strconv.ParseFloat(strings.TrimSuffix(v, "ms"), 64); err == nil {
				m[k] = x
			} else if d, err := time.ParseDuration(v); err == nil {
				m[k] = float64(d) / float64(time.Millisecond)
			}
		}
		return m, true
	}
	return nil, false
}

// lastMatch returns the submatches of the last line matching re.
func lastMatch(out string, re *regexp.Regexp) []string {
	var got []string
	for _, line := range strings.Split(out, "\n") {
		if s := re.FindStringSubmatch(line); s != nil {
			got = s
		}
	}
	return got
}

// number parses s, or returns NaN-free zero and false.
func number(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}
