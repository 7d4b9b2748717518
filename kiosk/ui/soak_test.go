package ui_test

import (
	"flag"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var soak = flag.Int("soak", 0, "run the memory soak with this many interactions (T6), e.g. 10000")

// TestSoakMemory drives the touchscreen through thousands of interactions
// (walk-in tickets, searches, check-ins, idle resets) and checks that the
// live heap after a GC stays flat (T6: resident memory flat after 10,000
// interactions). Run with -soak=10000 and FYNE_CACHE=1s: fyne keeps each
// renderer for a minute of wall time (FYNE_CACHE) and frees it on a paint,
// at most every 10 s; a citizen's pace builds a few dozen screens a
// minute, a soak thousands, so the soak shortens the minute to one second
// to measure what the kiosk itself keeps.
func TestSoakMemory(t *testing.T) {
	if *soak == 0 || os.Getenv("FYNE_CACHE") == "" {
		t.Skip("run with -soak=N and FYNE_CACHE=1s")
	}
	r := newRig(t, true)
	r.booking("123456", "09:00")
	n, base := 0, uint64(0)
	var heaps []uint64
	for n < *soak {
		n += r.soakRound()
		if n/1000 != (n-11)/1000 {
			r.k.Tickets.Forget()
			r.k.Printer.Forget()
			_ = r.w.Canvas().Capture() // a paint: fyne cleans its caches on paint
			heap, rss := memory()
			if base == 0 {
				base = heap
			}
			heaps = append(heaps, heap)
			t.Logf("%6d interactions: live heap %5.1f MB, RSS %5.1f MB", n, mb(heap), mb(rss))
		}
	}
	// fyne frees its caches at most every 10 s, so the heap saws; what the
	// kiosk keeps is the floor after a clean, over the last stretch.
	floor := slices.Min(heaps[max(0, len(heaps)-4):])
	if floor > base+base/4 {
		t.Errorf("live heap floor grew from %.1f to %.1f MB", mb(base), mb(floor))
	}
}

// soakRound is one citizen: 11 interactions.
func (r *rig) soakRound() int {
	r.tap("现场取号")
	r.tap("区市场监管局")
	r.tap("企业设立登记（有限责任公司）")
	r.tap("取号")
	r.settle()
	r.tap("返回首页")
	r.tap("办事指南查询")
	r.typeKeys("QY")
	r.tap("返回首页")
	r.card(idAlice)
	r.clk.Advance(61 * time.Second)
	r.u.Tick()
	return 11
}

func memory() (heap, rss uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	raw, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			rss = kb << 10
		}
	}
	return ms.HeapAlloc, rss
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }
