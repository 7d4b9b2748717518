package idcard

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/report")

// The self-test report of each test card, against goldens in
// testdata/report/<card>.golden (go test -update rewrites them).
func TestReportGolden(t *testing.T) {
	for _, name := range []string{"resident", "resident-x", "longterm", "expired", "foreign",
		"permit", "bad-checkdigit"} {
		t.Run(name, func(t *testing.T) {
			c, err := DecodeText(cardText(t, name), today)
			if err != nil {
				t.Fatal(err)
			}
			rep := NewReport(c, "05.01-20120420-0000183473-1141225432", false)
			got, err := json.MarshalIndent(rep, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "report", name+".golden")
			if *update {
				os.MkdirAll(filepath.Dir(path), 0o755)
				if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(append(got, '\n'), want) {
				t.Fatalf("report differs from %s:\n%s", path, got)
			}
		})
	}
}

// Without --reveal the report carries only the masked number; with it, the
// full one.
func TestReportReveal(t *testing.T) {
	c, err := DecodeText(cardText(t, "resident"), today)
	if err != nil {
		t.Fatal(err)
	}
	masked, _ := json.Marshal(NewReport(c, "", false))
	full, _ := json.Marshal(NewReport(c, "", true))
	if strings.Contains(string(masked), "310117199003071004") ||
		!strings.Contains(string(masked), "310***********1004") {
		t.Errorf("masked report: %s", masked)
	}
	if !strings.Contains(string(full), "310117199003071004") {
		t.Errorf("revealed report: %s", full)
	}
}
