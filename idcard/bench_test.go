package idcard

import (
	"context"
	"log/slog"
	"sort"
	"testing"
	"time"

	"hallkiosk/idcard/idcardtest"
	"hallkiosk/platform/clock"
)

// BenchmarkDecodeText is the software cost of one card: the text decoder
// with the ID checks.
func BenchmarkDecodeText(b *testing.B) {
	text := cardText(b, "resident-x")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeText(text, today); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeReadReply is the whole decode of a 30 01 reply as it comes
// off the line: frame split, checksum, lengths and text.
func BenchmarkDecodeReadReply(b *testing.B) {
	frame := idcardtest.Frame(0x90, idcardtest.ReadReply(cardText(b, "resident-x"), 1024, 0, false))
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		f, _, err := Split(frame)
		if err != nil {
			b.Fatal(err)
		}
		_, data, _ := f.Reply()
		text, err := SplitRead(data, false)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := DecodeText(text, today); err != nil {
			b.Fatal(err)
		}
	}
}

// wireReplies is the wire time at 115200 baud (10 bits a byte) of the
// replies between a card landing and its event: find (15 bytes), select
// (19) and read (1295).
const wireReplies = time.Duration((15+19+1295)*10) * time.Second / 115200

// BenchmarkCardEventPTY measures card placed → CardPlaced event over a real
// pseudo-terminal, the virtual reader pacing its replies at 115200 baud.
// beyond-wire-ms is the time not spent carrying the replies' bytes: the
// driver, the tty and the wait for the next poll (PollInterval 1 ms here;
// the 250 ms default adds up to a poll interval).
func BenchmarkCardEventPTY(b *testing.B) {
	rig := newPTYRig(b, idcardtest.Options{Baud: 115200})
	r := New(rig.port, Options{PollInterval: time.Millisecond, Clock: clock.Real{},
		Log: slog.New(slog.DiscardHandler)})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := make(chan Event, 4)
	go r.Run(ctx, events)
	waitKind(b, events, ReaderReady)

	card, err := idcardtest.LoadCard("testdata/cards/resident.json")
	if err != nil {
		b.Fatal(err)
	}
	var beyond []time.Duration
	for b.Loop() {
		start := time.Now()
		rig.sim.Place(card, "resident")
		waitKind(b, events, CardPlaced)
		beyond = append(beyond, time.Since(start)-wireReplies)
		b.StopTimer()
		rig.sim.Remove()
		waitKind(b, events, CardRemoved)
		b.StartTimer()
	}
	sort.Slice(beyond, func(i, j int) bool { return beyond[i] < beyond[j] })
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(beyond[len(beyond)/2]), "beyond-wire-p50-ms")
	b.ReportMetric(ms(beyond[len(beyond)*99/100]), "beyond-wire-p99-ms")
	b.ReportMetric(ms(wireReplies), "wire-ms")
}

func waitKind(b *testing.B, events <-chan Event, want EventKind) {
	b.Helper()
	for {
		select {
		case e := <-events:
			if e.Kind == want {
				return
			}
			b.Fatalf("event %v (%v) while waiting for %v", e.Kind, e.Err, want)
		case <-time.After(10 * time.Second):
			b.Fatalf("no %v event", want)
		}
	}
}
