package knowledge

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// openIndex builds an index over entries in a fresh database.
func openIndex(tb testing.TB, entries []Entry) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(tb.TempDir(), "k.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, SchemaV1); err != nil {
		tb.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := Replace(ctx, tx, entries); err != nil {
		tb.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	return db
}

// sample loads the sample knowledge base shipped as a fixture.
func sample(tb testing.TB) []Entry {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "sample", "knowledge.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		tb.Fatal(err)
	}
	if len(f.Entries) < 20 {
		tb.Fatalf("sample has %d entries", len(f.Entries))
	}
	return f.Entries
}

// TestSearchQuality checks the top result for the kinds of query a citizen
// types: Chinese fragments, full pinyin, initials, codes, department.
func TestSearchQuality(t *testing.T) {
	idx := NewIndex(openIndex(t, sample(t)))
	defer idx.Close()
	tests := []struct {
		query, top string
		tier       Tier
		field      string
		hl         string // the highlighted text
	}{
		{"就业登记", "就业登记", TierExact, FieldName, "就业登记"},
		{"不动产转移登记（二手房买卖）", "不动产转移登记（二手房买卖）", TierExact, FieldName, "不动产转移登记（二手房买卖）"},
		{"不动产", "不动产抵押登记", TierPrefix, FieldName, "不动产"},
		{"二手房", "不动产转移登记（二手房买卖）", TierSubstring, FieldName, "二手房"},
		{"公积金", "住房公积金提取（购房）", TierSubstring, FieldName, "公积金"},
		{"婚", "结婚登记", TierSubstring, FieldName, "婚"},
		{"环境", "建设项目环境影响评价文件审批", TierSubstring, FieldName, "环境"},
		{"shbz", "社会保障卡补换", TierPinyin, FieldName, "社会保障"},
		{"zgtx", "职工退休手续办理", TierPinyin, FieldName, "职工退休"},
		{"ydjy", "异地就医备案", TierPinyin, FieldName, "异地就医"},
		{"fply", "发票领用", TierPinyin, FieldName, "发票领用"},
		{"jhdj", "结婚登记", TierPinyin, FieldName, "结婚登记"},
		{"fapiao", "发票领用", TierPinyin, FieldName, "发票"},
		{"FaPiao", "发票领用", TierPinyin, FieldName, "发票"},
		{"ｆａｐｉａｏ", "发票领用", TierPinyin, FieldName, "发票"},
		{"jiehun", "结婚登记", TierPinyin, FieldName, "结婚"},
		{"budongchan", "不动产抵押登记", TierPinyin, FieldName, "不动产"},
		{"yidijiuy", "异地就医备案", TierPinyin, FieldName, "异地就医"},
		{"jiaoshi", "教师资格认定", TierPinyin, FieldName, "教师"},
		{"tuixiu", "职工退休手续办理", TierPinyin, FieldName, "退休"},
		{"113101170024235411431011701300001", "结婚登记", TierExact, FieldCode, "113101170024235411431011701300001"},
		{"1131011700242354", "结婚登记", TierPrefix, FieldCode, "1131011700242354"},
		{"113101170024225411431011700300", "就业登记", TierPrefix, FieldCode, "113101170024225411431011700300"},
		{"人社局", "就业登记", TierOther, FieldDepartment, "人社局"},
		{"健康证明", "食品经营许可证核发", TierOther, FieldReview, "健康证明"},
		{"自主申报", "企业设立登记（有限责任公司）", TierOther, FieldReview, "自主申报"},
		{"全程网办", "企业设立登记（有限责任公司）", TierOther, FieldFAQ, "全程网办"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			hits, err := idx.Search(context.Background(), tc.query, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 {
				t.Fatalf("no hits")
			}
			h := hits[0]
			if h.Name != tc.top || h.Tier != tc.tier || h.Field != tc.field {
				t.Fatalf("top = %s (tier %d, %s), want %s (tier %d, %s); all: %v",
					h.Name, h.Tier, h.Field, tc.top, tc.tier, tc.field, names(hits))
			}
			if len(h.Spans) != 1 {
				t.Fatalf("spans = %v", h.Spans)
			}
			if got := h.Text[h.Spans[0].Start:h.Spans[0].End]; got != tc.hl {
				t.Fatalf("highlight = %q, want %q", got, tc.hl)
			}
		})
	}
}

// TestSearchHeteronym: every reading of a multi-reading character is
// indexed, so 长 is found as chang and as zhang.
func TestSearchHeteronym(t *testing.T) {
	db := openIndex(t, []Entry{
		{Name: "长期护理保险评估", Code: strings.Repeat("1", 33), Department: "区医保局"},
		{Name: "银行开户证明", Code: strings.Repeat("2", 33), Department: "区人行"},
	})
	for _, q := range []string{"changqi", "zhangqi", "cqhl", "zqhl", "yinhang", "yinxing", "yh", "yx"} {
		hits, err := Search(context.Background(), db, q, 5)
		if err != nil || len(hits) == 0 {
			t.Errorf("%s: hits %v, err %v", q, names(hits), err)
		}
	}
}

// TestSearchHostile: G8, hostile input yields results or nothing, never an
// error.
func TestSearchHostile(t *testing.T) {
	db := openIndex(t, sample(t))
	long := strings.Repeat("营业执照", 5000)
	for _, q := range []string{`"`, `""`, `'`, `' OR 1=1 --`, `"; DROP TABLE knowledge; --`,
		`NEAR(a b)`, `*`, `^`, `a*`, `{name_py}:x`, `name_py:x`, `营业" OR "`, `AND`, `OR NOT`,
		"😀", "😀登记", "\x00", "\xff\xfe", long, "   ", "（）", "-", "+", "a:b"} {
		hits, err := Search(context.Background(), db, q, 10)
		if err != nil {
			t.Errorf("%.20q: %v", q, err)
		}
		if q == "😀登记" && len(hits) == 0 {
			t.Errorf("emoji beside Chinese should still find 登记")
		}
	}
	n, err := Count(context.Background(), db)
	if err != nil || n != len(sample(t)) {
		t.Fatalf("index changed: %d, %v", n, err)
	}
}

// TestSearchOrder: exact before prefix before pinyin before substring
// before other fields.
func TestSearchOrder(t *testing.T) {
	db := openIndex(t, sample(t))
	hits, err := Search(context.Background(), db, "登记", 30)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(hits); i++ {
		if hits[i].Tier < hits[i-1].Tier {
			t.Fatalf("tier order broken at %d: %v", i, names(hits))
		}
	}
	if len(hits) < 8 {
		t.Fatalf("want every 登记 matter, got %v", names(hits))
	}
}

func names(hs []Hit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Name)
	}
	return out
}

func FuzzSearch(f *testing.F) {
	for _, s := range []string{"yyzz", "不动产", `"*`, "1131", "😀", `NEAR("a" "b")`} {
		f.Add(s)
	}
	db := openIndex(f, sample(f))
	f.Fuzz(func(t *testing.T, q string) {
		hits, err := Search(context.Background(), db, q, 10)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		for _, h := range hits {
			for _, sp := range h.Spans {
				if sp.Start < 0 || sp.End > len(h.Text) || sp.Start >= sp.End {
					t.Fatalf("%q: bad span %v in %q", q, sp, h.Text)
				}
			}
		}
	})
}

// TestSearchFirstLetters: over many matters, one or two letters typed
// bring names that start with them first, not names with them inside.
func TestSearchFirstLetters(t *testing.T) {
	idx := NewIndex(openIndex(t, generate(t, 2000)))
	defer idx.Close()
	for _, q := range []string{"b", "bd", "sh", "j", "y"} {
		hits, err := idx.Search(context.Background(), q, 20)
		if err != nil || len(hits) < 20 {
			t.Fatalf("%s: %d hits, %v", q, len(hits), err)
		}
		for _, h := range hits[:10] {
			if h.Spans[0].Start != 0 {
				t.Fatalf("%s: %s matched at byte %d, want names starting with it first",
					q, h.Name, h.Spans[0].Start)
			}
		}
	}
}

// TestMatchPinyinManyReadings: a name of characters with several readings
// that share an initial (和: he, hu, huo) and a query that fails only at its
// last key must be settled quickly (G8: no input stalls the kiosk). Without
// remembering tried states this took 3^30 steps and never returned.
func TestMatchPinyinManyReadings(t *testing.T) {
	name := normalize(strings.Repeat("和", 30))
	for _, q := range []string{strings.Repeat("h", 30) + "q", strings.Repeat("hu", 19) + "q"} {
		if _, _, ok := matchPinyin(name, q); ok {
			t.Errorf("%s matched", q)
		}
	}
	if from, to, ok := matchPinyin(name, strings.Repeat("h", 30)); !ok || from != 0 || to != 30 {
		t.Errorf("30 initials: %d-%d %v", from, to, ok)
	}
	if _, to, ok := matchPinyin(name, "huohuhe"); !ok || to != 3 {
		t.Errorf("full readings: to %d %v", to, ok)
	}
}
