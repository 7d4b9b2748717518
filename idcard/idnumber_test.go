package idcard

import (
	"errors"
	"testing"
)

func TestCheckDigit(t *testing.T) {
	tests := []struct{ first17, want string }{
		{"11010519491231002", "X"}, // GB 11643's own example
		{"31011719900307100", "4"},
		{"31011719851122106", "X"},
		{"31010419580214100", "5"},
	}
	for _, tt := range tests {
		got, err := CheckDigit(tt.first17)
		if err != nil || string(got) != tt.want {
			t.Errorf("CheckDigit(%s) = %c, %v; want %s", tt.first17, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "1101051949123100", "1101051949123100A"} {
		if _, err := CheckDigit(bad); !errors.Is(err, ErrIDFormat) {
			t.Errorf("CheckDigit(%q): %v, want ErrIDFormat", bad, err)
		}
	}
}

func TestValidateID(t *testing.T) {
	tests := []struct {
		id   string
		want error
	}{
		{"11010519491231002X", nil},
		{"11010519491231002x", nil},   // keypad lower case
		{" 310117199003071004 ", nil}, // surrounding space
		{"310117199003071005", ErrIDCheckDigit},
		{"31011719900307100", ErrIDFormat},
		{"3101171990030710045", ErrIDFormat},
		{"31011719900307100A", ErrIDCheckDigit},
		{"3101171990O307100A", ErrIDFormat},
		{"310117199013071008", ErrIDBirth}, // month 13, check digit right
	}
	for _, tt := range tests {
		err := ValidateID(tt.id)
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("ValidateID(%q) = %v, want %v", tt.id, err, tt.want)
		}
	}
}

func TestMaskID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"31011719851122106x", "310***********106X"},
		{"CAN310080091501", "CAN********1501"},
		{"12345678", "123*5678"},
		{"1234567", "*******"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskID(tt.in); got != tt.want {
			t.Errorf("MaskID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The expected value was computed outside Go (Python's hmac module), so the
// algorithm documented in docs/idcard.md is what the code does.
func TestKeyedHash(t *testing.T) {
	const want = "9ba7131e891f8504f1a40295665769f3b2dfc5ffeaf29b7eb728c0ad71f7f760"
	secret := []byte("hall-secret")
	ids := []string{"31011719851122106X", "31011719851122106x", "\t31011719851122106X \n"}
	for _, id := range ids {
		if got := KeyedHash(secret, id); got != want {
			t.Errorf("KeyedHash(%q) = %s, want %s", id, got, want)
		}
	}
	if KeyedHash([]byte("other-hall"), "31011719851122106X") == want {
		t.Error("the hash does not depend on the secret")
	}
}
