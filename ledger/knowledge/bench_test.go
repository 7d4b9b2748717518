package knowledge

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// generate makes n matters from the sample: each sample matter is varied
// with an action and an object so names are distinct and realistic, with
// the sample's guides and FAQs as bodies.
func generate(tb testing.TB, n int) []Entry {
	base := sample(tb)
	actions := []string{"", "变更", "注销", "补发", "延续", "备案", "换证", "撤销", "年检", "查询"}
	objects := []string{"", "（个人）", "（企业）", "（分支机构）", "（外资）", "（农民专业合作社）",
		"（港澳台）", "（跨区迁移）", "（简易程序）", "（告知承诺）", "（网上办理）"}
	out := make([]Entry, 0, n)
	for i := 0; len(out) < n; i++ {
		e := base[i%len(base)]
		v := i / len(base)
		e.Name = e.Name + actions[v%len(actions)] + objects[(v/len(actions))%len(objects)]
		if v >= len(actions)*len(objects) {
			e.Name += fmt.Sprintf("第%d类", v)
		}
		e.Code = fmt.Sprintf("%s%08d", e.Code[:25], i)
		out = append(out, e)
	}
	return out
}

// typed are queries a citizen might type, searched at every prefix as the
// kiosk does while they type.
var typed = []string{"不动产转移登记", "budongchanzhuanyi", "bdczydj", "社会保障卡补换",
	"shehuibaozhang", "shbzk", "113101170024228711", "营业执照", "人社局", "医师执业注册变更",
	"yszyzc", "jiehundengji", "异地就医", "fapiaolingyong", "健康证明"}

func prefixes(q string) []string {
	var out []string
	rs := []rune(q)
	for i := 1; i <= len(rs); i++ {
		out = append(out, string(rs[:i]))
	}
	return out
}

// BenchmarkT3 measures search as you type over 10,000 matters (T3: p99 at
// most 5 ms per query) and a naive LIKE scan over the same fields as a
// baseline. Figures: p50/p99 per query in µs, and the baseline's ratio.
func BenchmarkT3(b *testing.B) {
	start := time.Now()
	db := openIndex(b, generate(b, 10000))
	b.Logf("indexed 10000 matters in %v", time.Since(start))
	ctx := context.Background()
	var qs []string
	for _, q := range typed {
		qs = append(qs, prefixes(q)...)
	}
	idx := NewIndex(db)
	defer idx.Close()
	var fts, like []time.Duration
	var cpu time.Duration
	// The shared build machine is often overloaded; the thread's own CPU
	// time shows the work apart from waiting for a core. The kernel counts
	// it in scheduler ticks, so only its mean over many queries means
	// anything.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	for range b.N {
		for _, q := range qs {
			t0, c0 := time.Now(), threadCPU()
			if _, err := idx.Search(ctx, q, 20); err != nil {
				b.Fatal(err)
			}
			fts, cpu = append(fts, time.Since(t0)), cpu+threadCPU()-c0
			t0 = time.Now()
			naiveLike(b, db, q)
			like = append(like, time.Since(t0))
		}
	}
	b.StopTimer()
	// Each query's fastest pass: what it costs when it is not waiting for
	// a core (the machine is shared); its p99 over queries is reported
	// beside the raw one.
	best := make([]time.Duration, len(qs))
	for i, d := range fts {
		if j := i % len(qs); best[j] == 0 || d < best[j] {
			best[j] = d
		}
	}
	b.ReportMetric(us(pct(best, 99)), "best-of-N-p99-µs")
	b.ReportMetric(us(pct(best, 50)), "best-of-N-p50-µs")
	p50, p99 := pct(fts, 50), pct(fts, 99)
	l50, l99 := pct(like, 50), pct(like, 99)
	b.ReportMetric(us(p50), "p50-µs")
	b.ReportMetric(us(p99), "p99-µs")
	b.ReportMetric(us(cpu)/float64(len(fts)), "cpu-mean-µs")
	b.ReportMetric(us(l50), "like-p50-µs")
	b.ReportMetric(us(l99), "like-p99-µs")
	b.ReportMetric(float64(l50)/float64(p50), "like/fts-p50")
}

// naiveLike is the baseline: a substring scan of every field, the way a
// first version without an index would search (it cannot do pinyin).
func naiveLike(b *testing.B, db *sql.DB, q string) {
	pat := "%" + strings.NewReplacer("%", `\%`, "_", `\_`).Replace(q) + "%"
	rows, err := db.Query(`SELECT id FROM knowledge WHERE name LIKE ?1 ESCAPE '\'
		OR code LIKE ?1 ESCAPE '\' OR department LIKE ?1 ESCAPE '\' OR items LIKE ?1 ESCAPE '\'
		LIMIT 20`, pat)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
	}
	rows.Close()
}

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}

// threadCPU is the calling thread's CPU time (user and system).
func threadCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(1, &ru) // RUSAGE_THREAD
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 }
