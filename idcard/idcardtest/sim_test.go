package idcardtest

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// exchange sends req and reads exactly len(want) bytes of reply.
func exchange(t *testing.T, l *Line, req []byte, n int) []byte {
	t.Helper()
	if _, err := l.Write(req); err != nil {
		t.Fatal(err)
	}
	var got []byte
	buf := make([]byte, 4096)
	for len(got) < n {
		k, err := l.ReadTimeout(buf, 2*time.Second)
		if err != nil {
			t.Fatalf("after % X: %v", got, err)
		}
		got = append(got, buf[:k]...)
	}
	return got
}

// The virtual reader's answers, against frames written out by hand.
func TestSimAnswers(t *testing.T) {
	sim := New(Options{})
	l := NewLine(sim)
	defer l.Close()
	tests := []struct {
		name, req, want string
	}{
		{"find, no card", "AA AA AA 96 69 00 03 20 01 22", "AA AA AA 96 69 00 04 00 00 80 84"},
		{"select, no card", "AA AA AA 96 69 00 03 20 02 21", "AA AA AA 96 69 00 04 00 00 81 85"},
		{"read, no card", "AA AA AA 96 69 00 03 30 01 32", "AA AA AA 96 69 00 04 00 00 41 45"},
		{"reset", "AA AA AA 96 69 00 03 10 FF EC", "AA AA AA 96 69 00 04 00 00 90 94"},
		{"bad checksum", "AA AA AA 96 69 00 03 20 01 23", "AA AA AA 96 69 00 04 00 00 10 14"},
		{"unknown command", "AA AA AA 96 69 00 03 77 01 75", "AA AA AA 96 69 00 04 00 00 21 25"},
		{"bad length", "AA AA AA 96 69 00 01", "AA AA AA 96 69 00 04 00 00 11 15"},
		{"noise first", "13 37 AA AA AA 96 69 00 03 20 01 22", "AA AA AA 96 69 00 04 00 00 80 84"},
	}
	for _, tt := range tests {
		want := unhex(t, tt.want)
		if got := exchange(t, l, unhex(t, tt.req), len(want)); !bytes.Equal(got, want) {
			t.Errorf("%s: got % X, want % X", tt.name, got, want)
		}
	}
}

// A placed card is found, selected and read; the read reply is the text
// laid out from the card file, with a 1024-byte photo.
func TestSimReadsPlacedCard(t *testing.T) {
	sim := New(Options{})
	l := NewLine(sim)
	defer l.Close()
	c, err := LoadCard("../testdata/cards/resident.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Place(c, "resident"); err != nil {
		t.Fatal(err)
	}
	want := unhex(t, "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")
	if got := exchange(t, l, Request(0x20, 0x01), len(want)); !bytes.Equal(got, want) {
		t.Fatalf("find: % X", got)
	}
	exchange(t, l, Request(0x20, 0x02), 19)
	got := exchange(t, l, Request(0x30, 0x01), 1295)
	if !bytes.Equal(got[:14], unhex(t, "AA AA AA 96 69 05 08 00 00 90 01 00 04 00")) {
		t.Fatalf("read header % X", got[:14])
	}
	// The name field starts the text: 王 is U+738B, little-endian.
	if got[14] != 0x8B || got[15] != 0x73 {
		t.Fatalf("text starts % X", got[14:16])
	}
}
