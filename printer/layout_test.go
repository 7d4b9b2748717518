package printer_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hallkiosk/printer"
	"hallkiosk/printer/printertest"
)

// TestLayoutGoldens compares every layout's bytes at both widths with
// testdata/golden/<layout>-<paper>.bin and its listing .txt (go test
// -update rewrites them), and
// checks each stream on the virtual printer: no unknown command, no line the
// printer had to break itself.
func TestLayoutGoldens(t *testing.T) {
	for _, p := range papers {
		for name, doc := range layouts(p) {
			t.Run(fmt.Sprintf("%s-%d", name, p), func(t *testing.T) {
				enc, err := printer.Encode(doc, printer.Format{Paper: p})
				if err != nil {
					t.Fatal(err)
				}
				base := filepath.Join("testdata", "golden", fmt.Sprintf("%s-%d", name, p))
				checkGolden(t, base+".bin", enc.Bytes)
				// The listing is for reviewers: the same stream, one command
				// a line.
				checkGolden(t, base+".txt", []byte(printertest.Listing(enc.Bytes)))
				page := playOne(t, p, enc.Bytes)
				if page.AutoWrapped != 0 {
					t.Errorf("printer broke %d lines itself: the driver's wrapping is wrong", page.AutoWrapped)
				}
				if enc.Replaced != 0 {
					t.Errorf("%d characters replaced in a fixed layout", enc.Replaced)
				}
			})
		}
	}
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("bytes differ from %s (%d vs %d bytes); first difference at %d",
			path, len(got), len(want), firstDiff(got, want))
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// playOne runs a stream through the virtual printer's machine and returns
// the single page it cuts, failing on any protocol error.
func playOne(t *testing.T, p printer.Paper, stream []byte) *printertest.Page {
	t.Helper()
	m := printertest.NewMachine(p.Dots(), false, "")
	var pages []*printertest.Page
	for _, c := range printertest.Decode(stream) {
		if _, page := m.Apply(c, nil); page != nil {
			pages = append(pages, page)
		}
	}
	if len(m.Errs) > 0 {
		t.Fatalf("virtual printer errors: %v", m.Errs)
	}
	if len(pages) != 1 {
		t.Fatalf("got %d pages, want 1", len(pages))
	}
	return pages[0]
}

// TestTicketContent checks what a ticket must say, on the paper as the
// virtual printer read it: the wait target of its class (R8: 10/30/60
// minutes), booked priority (R10), the masked name (G6), the missed-call
// rule in one line (R13), one QR code and the center's phone.
func TestTicketContent(t *testing.T) {
	for _, p := range papers {
		for _, name := range []string{"walkin", "booking"} {
			enc, err := printer.Encode(layouts(p)[name], printer.Format{Paper: p})
			if err != nil {
				t.Fatal(err)
			}
			page := playOne(t, p, enc.Bytes)
			text := page.Text()
			want := []string{"松江区行政服务中心", "前面等候", "2026-12-03 09:15", "分钟", "37733773",
				"过号10分钟内可恢复"}
			if name == "booking" {
				want = append(want, "预约优先", "欧***", "30 分钟")
			} else {
				want = append(want, "普通号", "10 分钟")
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("%s %dmm: missing %q in:\n%s", name, p, w, text)
				}
			}
			if strings.Contains(text, "欧阳娜娜") {
				t.Errorf("%s: full name printed (G6)", name)
			}
			checkNumber(t, page, name, p)
			checkR13OneLine(t, page, name)
			if qrs := countQR(page); qrs != 1 {
				t.Errorf("%s: %d QR codes, want 1", name, qrs)
			}
		}
	}
}

// checkNumber: the ticket number's cell is at least 64 dots (8 mm) high.
// That is necessary, not sufficient: TestRoundTrip measures the ink.
func checkNumber(t *testing.T, page *printertest.Page, name string, p printer.Paper) {
	t.Helper()
	for _, it := range page.Items {
		if it.Kind == printertest.ItemText && (it.Text() == "A023" || it.Text() == "Y007") {
			if h := it.Glyphs[0].H * printertest.CellH; h < 64 {
				t.Errorf("%s %dmm: number is %d dots high, want >= 64", name, p, h)
			}
			return
		}
	}
	t.Errorf("%s %dmm: ticket number line not found", name, p)
}

// checkR13OneLine: R13 (a missed number may be reinstated within 10
// minutes, after that it is taken again) is stated on one line.
func checkR13OneLine(t *testing.T, page *printertest.Page, name string) {
	t.Helper()
	for _, it := range page.Items {
		if strings.HasPrefix(it.Text(), "过号10分钟内可恢复") {
			if !strings.Contains(it.Text(), "逾时重新") {
				t.Errorf("%s: R13 line broken: %q", name, it.Text())
			}
			return
		}
	}
	t.Errorf("%s: R13 line missing", name)
}

func countQR(page *printertest.Page) int {
	n := 0
	for _, it := range page.Items {
		if it.Kind == printertest.ItemQR {
			n++
		}
	}
	return n
}

func TestMaskName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"张三", "张*"}, {"欧阳娜娜", "欧***"}, {"张*", "张*"}, {"李", "李*"}, {"", ""},
		{" Wang Fang ", "W********"},
	} {
		if got := printer.MaskName(c.in); got != c.want {
			t.Errorf("MaskName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
