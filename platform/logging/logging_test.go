package logging

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestJSONAndLevel(t *testing.T) {
	var buf bytes.Buffer
	l, err := New(&buf, "json", "warn")
	if err != nil {
		t.Fatal(err)
	}
	For(l, "printer").Info("hidden")
	For(l, "printer").Warn("paper low", KeyPort, "/dev/ttyUSB0")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("want only the warning, got %q", buf.String())
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec[KeySubsystem] != "printer" || rec[KeyPort] != "/dev/ttyUSB0" {
		t.Fatalf("record %v", rec)
	}
}

func TestBadSettings(t *testing.T) {
	if _, err := New(&bytes.Buffer{}, "xml", "info"); err == nil {
		t.Fatal("accepted format xml")
	}
	if _, err := New(&bytes.Buffer{}, "text", "loud"); err == nil {
		t.Fatal("accepted level loud")
	}
}
