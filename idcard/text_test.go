package idcard

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"hallkiosk/idcard/idcardtest"
)

// today is the kiosk's clock in these tests: 1 June 2026, Shanghai time.
var today = time.Date(2026, 6, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

func cardText(t testing.TB, name string) []byte {
	t.Helper()
	c, err := idcardtest.LoadCard(filepath.Join("testdata", "cards", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	text, err := c.Text()
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		card                      string
		typ                       CardType
		name, gender, nation, id  string
		birth, validTo, authority string
		expired, longTerm         bool
		idErr                     error
	}{
		{"resident", TypeResident, "王小明", "男", "汉", "310117199003071004",
			"19900307", "20350601", "上海市公安局松江分局", false, false, nil},
		{"resident-x", TypeResident, "李春花", "女", "回", "31011719851122106X",
			"19851122", "20400110", "上海市公安局松江分局", false, false, nil},
		{"longterm", TypeResident, "赵长青", "男", "蒙古", "310104195802141005",
			"19580214", "长期", "上海市公安局黄浦分局", false, true, nil},
		{"expired", TypeResident, "陈晓雨", "女", "汉", "310117200105091001",
			"20010509", "20220405", "上海市公安局松江分局", true, false, nil},
		{"foreign", TypeForeign, "约翰样例", "男", "", "CAN310080091501",
			"19800915", "20280101", "3100", false, false, ErrIDNotVerifiable},
		{"permit", TypePermit, "何家明", "男", "", "810000199206181006",
			"19920618", "20310301", "上海市公安局松江分局", false, false, nil},
		{"bad-checkdigit", TypeResident, "王小明", "男", "汉", "310117199003071005",
			"19900307", "20350601", "上海市公安局松江分局", false, false, ErrIDCheckDigit},
	}
	for _, tt := range tests {
		t.Run(tt.card, func(t *testing.T) {
			c, err := DecodeText(cardText(t, tt.card), today)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{string(c.Type()), c.Name(), c.Gender(), c.Nation(),
				c.RevealIDNumberForOnSiteBooking(), c.Birth(), c.ValidTo(), c.Authority()}
			want := []string{string(tt.typ), tt.name, tt.gender, tt.nation, tt.id,
				tt.birth, tt.validTo, tt.authority}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("field %d: got %q, want %q", i, got[i], want[i])
				}
			}
			if c.Expired() != tt.expired || c.LongTerm() != tt.longTerm {
				t.Errorf("expired %t long-term %t, want %t %t",
					c.Expired(), c.LongTerm(), tt.expired, tt.longTerm)
			}
			if !errors.Is(c.IDCheck(), tt.idErr) || (tt.idErr == nil) != (c.IDCheck() == nil) {
				t.Errorf("ID check %v, want %v", c.IDCheck(), tt.idErr)
			}
		})
	}
}

func TestDecodeForeignFields(t *testing.T) {
	c, err := DecodeText(cardText(t, "foreign"), today)
	if err != nil {
		t.Fatal(err)
	}
	if c.NameEN() != "EXAMPLE, JOHN SAMPLE" || c.Nationality() != "CAN" ||
		c.ValidFrom() != "20180101" {
		t.Fatalf("got %q %q %q", c.NameEN(), c.Nationality(), c.ValidFrom())
	}
}

// The card's last valid day is still valid; the day after is expired.
func TestExpiryBoundary(t *testing.T) {
	text := cardText(t, "expired") // valid to 20220405
	for _, tt := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2022, 4, 5, 23, 59, 0, 0, today.Location()), false},
		{time.Date(2022, 4, 6, 0, 0, 0, 0, today.Location()), true},
	} {
		c, err := DecodeText(text, tt.now)
		if err != nil || c.Expired() != tt.want {
			t.Errorf("at %v: expired %t, %v; want %t", tt.now, c.Expired(), err, tt.want)
		}
	}
}

func TestDecodeTextRefusesBadText(t *testing.T) {
	base := cardText(t, "resident")
	put := func(off int, s string) []byte {
		b := append([]byte(nil), base...)
		for i, r := range s {
			b[off+2*i], b[off+2*i+1] = byte(r), byte(r>>8)
		}
		return b
	}
	lone := append([]byte(nil), base...)
	lone[0], lone[1] = 0x00, 0xD8 // an unpaired high surrogate in the name
	tests := []struct {
		name string
		text []byte
	}{
		{"short", base[:255]},
		{"long", append(append([]byte(nil), base...), 0, 0)},
		{"unknown gender", put(30, "7")},
		{"unknown nation", put(32, "77")},
		{"birth not a date", put(36, "19901301")},
		{"valid to not a date", put(204, "2035ABCD")},
		{"empty ID", put(122, "                  ")},
		{"empty name", put(0, "               ")},
		{"unpaired surrogate", lone},
		{"unknown card type", put(248, "Y")},
		{"all zero", make([]byte, 256)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := DecodeText(tt.text, today)
			if !errors.Is(err, ErrText) || c != nil {
				t.Fatalf("got %v, %v; want ErrText", c, err)
			}
		})
	}
}

// The ID number's birth date must be the card's (a mismatch means a forged
// or misprogrammed card).
func TestIDBirthMismatch(t *testing.T) {
	c := idcardtest.CardFile{Name: "王小明", Gender: "1", Nation: "01", Birth: "19900308",
		ID: "310117199003071004", Authority: "x", ValidFrom: "20150601", ValidTo: "20350601"}
	text, err := c.Text()
	if err != nil {
		t.Fatal(err)
	}
	card, err := DecodeText(text, today)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(card.IDCheck(), ErrIDBirth) {
		t.Fatalf("ID check %v, want ErrIDBirth", card.IDCheck())
	}
}

func TestTablesComplete(t *testing.T) {
	if len(nations) != 58 {
		t.Fatalf("%d nations, want 56 + 97 + 98", len(nations))
	}
	for i := 1; i <= 56; i++ {
		code := string(rune('0'+i/10)) + string(rune('0'+i%10))
		if nations[code] == "" {
			t.Errorf("nation %s missing", code)
		}
	}
}
