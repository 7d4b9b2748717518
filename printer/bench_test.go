package printer_test

import (
	"context"
	"testing"
	"time"

	"hallkiosk/printer"
)

// BenchmarkLayoutEncode is the software share of a ticket before the wire:
// lay out a walk-in ticket and encode it for 80 mm paper.
func BenchmarkLayoutEncode(b *testing.B) {
	t := printer.Ticket{Center: hall, Number: "A023", Department: "市场监管局",
		Matter: "个体工商户设立登记", Ahead: 5, Issued: issued,
		StatusURL: "https://hall.example.cn/t/20261203/A023"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := printer.Encode(printer.WalkIn(t), printer.Format{Paper: printer.Paper80}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRoundTrip115200 prints a walk-in ticket through a pty to the
// virtual printer paced at 115200 baud: status before, job, status after the
// cut, with the GS r confirmation. It reports the wire-time floor (bytes x
// 10 / baud, counting the job, the six status requests and GS r) and the
// ratio of the measured time to it.
func BenchmarkRoundTrip115200(b *testing.B) {
	const baud = 115200
	r := newRig(b, rigOpts{baud: baud})
	doc := layouts(printer.Paper80)["walkin"]
	var total int
	start := time.Now()
	for b.Loop() {
		res, err := r.drv.Print(context.Background(), doc)
		if err != nil {
			b.Fatal(err)
		}
		total = res.Total
	}
	per := time.Since(start) / time.Duration(b.N)
	wire := time.Duration(total+7*3) * 10 * time.Second / baud
	b.ReportMetric(float64(wire.Microseconds()), "wire-µs/op")
	b.ReportMetric(float64(per)/float64(wire), "x-wire")
	b.ReportMetric(float64(total), "job-bytes")
}
