package console

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestReportCSVGolden pins the three CSV exports of the known day; run with
// -update after a deliberate change and review the diff.
func TestReportCSVGolden(t *testing.T) {
	e := knownDay(t)
	rep, err := BuildReport(ctx, e.Engine, e.Store, e.Engine.CurrentHall(), e.Clock.Now(),
		"2026-12-04", "2026-12-04")
	if err != nil {
		t.Fatal(err)
	}
	for table, rows := range csvTables {
		var buf bytes.Buffer
		csv.NewWriter(&buf).WriteAll(rows(rep))
		path := filepath.Join("testdata", "report", "known-day", table+".csv")
		if *update {
			os.MkdirAll(filepath.Dir(path), 0o755)
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("%s differs from %s:\n%s", table, path, buf.String())
		}
	}
}
