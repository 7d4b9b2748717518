package printer_test

import (
	"errors"
	"strings"
	"testing"

	"hallkiosk/printer"
	"hallkiosk/printer/printertest"
)

// lines prints doc on the virtual printer and returns its text lines.
func lines(t *testing.T, doc *printer.Doc, f printer.Format) ([]string, printer.Encoded) {
	t.Helper()
	enc, err := printer.Encode(doc, f)
	if err != nil {
		t.Fatal(err)
	}
	page := playOne(t, f.Paper, enc.Bytes)
	if page.AutoWrapped != 0 {
		t.Errorf("printer broke %d lines itself", page.AutoWrapped)
	}
	var out []string
	for _, it := range page.Items {
		if it.Kind == printertest.ItemText {
			out = append(out, it.Text())
		}
	}
	return out, enc
}

func TestWrap(t *testing.T) {
	cases := []struct {
		name  string
		paper printer.Paper
		text  printer.Text
		want  []string
	}{
		{"chinese counts two columns", printer.Paper58,
			printer.Text{Text: strings.Repeat("中", 17)},
			[]string{strings.Repeat("中", 16), "中"}},
		{"chinese at double width", printer.Paper58,
			printer.Text{Text: strings.Repeat("中", 9), Size: printer.Double},
			[]string{strings.Repeat("中", 8), "中"}},
		{"chinese at x4 on 80mm", printer.Paper80,
			printer.Text{Text: "一二三四五六七", Size: printer.Huge},
			[]string{"一二三四五六", "七"}},
		{"mixed ascii and chinese", printer.Paper58,
			printer.Text{Text: "窗口A12号" + strings.Repeat("办", 13)},
			[]string{"窗口A12号" + strings.Repeat("办", 11), "办办"}},
		{"latin words move whole", printer.Paper58,
			printer.Text{Text: "please bring the original identity card"},
			[]string{"please bring the original", "identity card"}},
		{"overlong word is split", printer.Paper58,
			printer.Text{Text: strings.Repeat("x", 40)},
			[]string{strings.Repeat("x", 32), strings.Repeat("x", 8)}},
		{"no line starts with a closer", printer.Paper58,
			printer.Text{Text: strings.Repeat("中", 16) + "。好"},
			[]string{strings.Repeat("中", 15), "中。好"}},
		{"newline starts a line", printer.Paper80,
			printer.Text{Text: "甲\n\n乙"},
			[]string{"甲", "", "乙"}},
		{"hanging indent", printer.Paper58,
			printer.Text{Text: "1. " + strings.Repeat("材", 16), Hang: 3},
			[]string{"1. " + strings.Repeat("材", 14), "   材材"}},
		{"tab is a space", printer.Paper80,
			printer.Text{Text: "a\tb"},
			[]string{"a b"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _ := lines(t, new(printer.Doc).Add(c.text), printer.Format{Paper: c.paper})
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestRow(t *testing.T) {
	got, _ := lines(t, new(printer.Doc).Add(printer.Row{Left: "前面等候", Right: "5 人"}),
		printer.Format{Paper: printer.Paper58})
	// 32 columns: 8 (4 Chinese) + 20 spaces + 4 ("5 " and one Chinese).
	if want := "前面等候" + strings.Repeat(" ", 20) + "5 人"; got[0] != want {
		t.Errorf("got %q, want %q", got[0], want)
	}
	got, _ = lines(t, new(printer.Doc).Add(printer.Row{Left: strings.Repeat("左", 12), Right: strings.Repeat("右", 5)}),
		printer.Format{Paper: printer.Paper58})
	if len(got) != 2 || got[1] != strings.Repeat("右", 5) {
		t.Errorf("a row too wide for one line: got %q", got)
	}
}

func TestReplacement(t *testing.T) {
	cases := []struct {
		name     string
		in       string
		fourByte bool
		want     string
		replaced int
	}{
		{"emoji", "好👍", false, "好□", 1},
		{"emoji even on a 4-byte printer", "好😀", true, "好□", 1},
		{"yen becomes full-width", "¥5", false, "￥5", 0},
		{"4-byte code on 2-byte printer", "㐀", false, "□", 1},
		{"4-byte code on 4-byte printer", "㐀", true, "㐀", 0},
		{"euro is 2-byte", "€", false, "€", 0},
		{"control code would be a command", "a\x1bb\x00", false, "a□b□", 2},
		{"invalid utf-8", "a\xffb", false, "a□b", 1},
		{"gbk character", "镕", false, "镕", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := printer.Format{Paper: printer.Paper80, FourByte: c.fourByte}
			enc, err := printer.Encode(new(printer.Doc).Add(printer.Text{Text: c.in}), f)
			if err != nil {
				t.Fatal(err)
			}
			m := printertest.NewMachine(576, c.fourByte, "")
			var page *printertest.Page
			for _, cmd := range printertest.Decode(enc.Bytes) {
				if _, p := m.Apply(cmd, nil); p != nil {
					page = p
				}
			}
			if len(m.Errs) > 0 {
				t.Fatalf("printer errors: %v", m.Errs)
			}
			if got := strings.TrimSuffix(page.Text(), "\n"); got != c.want {
				t.Errorf("printed %q, want %q", got, c.want)
			}
			if enc.Replaced != c.replaced {
				t.Errorf("Replaced = %d, want %d", enc.Replaced, c.replaced)
			}
		})
	}
}

func TestQRTooLarge(t *testing.T) {
	cases := []struct {
		name  string
		paper printer.Paper
		data  string
		ok    bool
	}{
		{"url", printer.Paper58, "https://hall.example.cn/t/20261203/A023", true},
		{"shrinks module to fit 58mm", printer.Paper58, strings.Repeat("a", 400), true},
		{"too many modules for 58mm", printer.Paper58, strings.Repeat("a", 1200), false},
		{"beyond qr capacity", printer.Paper80, strings.Repeat("a", 3000), false},
		{"empty", printer.Paper80, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := new(printer.Doc).Add(printer.QR{Data: c.data, Level: printer.QRLevelM})
			enc, err := printer.Encode(doc, printer.Format{Paper: c.paper})
			if c.ok {
				if err != nil {
					t.Fatal(err)
				}
				if page := playOne(t, c.paper, enc.Bytes); countQR(page) != 1 {
					t.Errorf("QR not printed")
				}
				return
			}
			if !errors.Is(err, printer.ErrQRData) || enc.Bytes != nil {
				t.Fatalf("got %v with %d bytes, want ErrQRData and nothing to send", err, len(enc.Bytes))
			}
		})
	}
}

func TestSizeCommand(t *testing.T) {
	enc, err := printer.Encode(new(printer.Doc).Add(printer.Text{Text: "A", Size: printer.Size{W: 2, H: 3}}),
		printer.Format{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(enc.Bytes), "\x1d!\x12") {
		t.Errorf("GS ! for 2x3 should be 0x12: % x", enc.Bytes)
	}
}
