package console

import (
	"strings"
	"testing"

	"hallkiosk/center"
	"hallkiosk/center/demo"
)

// FuzzKnowledgeImport feeds arbitrary files to the K1 check an admin's
// upload goes through: it must return problems or accept, never panic, and
// anything it accepts parses as a knowledge file with entries.
func FuzzKnowledgeImport(f *testing.F) {
	f.Add(demo.Knowledge)
	f.Add([]byte(`{"center":"x","entries":[{"code":"1"}]}`))
	f.Add([]byte(`{"entries":[null, 1, "a", {"faq": null}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		kb, err := center.ParseKnowledge(data)
		if err != nil {
			return
		}
		if probs := center.CheckKnowledge(kb); len(probs) == 0 && len(kb.Entries) == 0 {
			t.Fatal("accepted a file without entries")
		}
	})
}

// FuzzSafeNext: a login redirect never leaves the site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/window", "//evil.example", "/\\evil", "http://x", "", "/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := safeNext(s)
		if got != "" && (!strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") ||
			strings.HasPrefix(got, "/\\")) {
			t.Fatalf("safeNext(%q) = %q leaves the site", s, got)
		}
	})
}
