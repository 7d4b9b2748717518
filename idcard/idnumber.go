package idcard

import (
	"fmt"
	"strings"
	"time"

	"hallkiosk/center/api"
)

// checkWeights are the ISO 7064 MOD 11-2 weights of the first 17 digits
// (2^(18-i) mod 11); checkChars maps the weighted sum mod 11 to the check
// character.
var checkWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const checkChars = "10X98765432"

// NormalizeID is the canonical form of an ID number, the one KeyedHash and
// the validators work on: surrounding white space removed and letters
// upper-cased, so "11010119900307002x " and "11010119900307002X" are the
// same number whether read from a card or typed on a keypad.
// It is center/api's definition, so device and center cannot drift apart.
func NormalizeID(id string) string { return api.NormalizeID(id) }

// CheckDigit computes the check character of the first 17 digits of a
// resident ID number (GB 11643, ISO 7064 MOD 11-2).
func CheckDigit(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("check digit of %d characters (want 17): %w", len(first17), ErrIDFormat)
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("character %d is not a digit: %w", i+1, ErrIDFormat)
		}
		sum += int(c-'0') * checkWeights[i]
	}
	return checkChars[sum%11], nil
}

// ValidateID checks an 18-character ID number (resident, Hong Kong/Macau/
// Taiwan residence permit, or the 2023 foreign permanent-resident card):
// digits, check character, and a real birth date at characters 7-14. It
// normalises first, so a keypad's lower-case x is accepted. The error never
// contains the number.
func ValidateID(id string) error {
	id = NormalizeID(id)
	if len(id) != 18 {
		return fmt.Errorf("ID number of %d characters (want 18): %w", len(id), ErrIDFormat)
	}
	want, err := CheckDigit(id[:17])
	if err != nil {
		return err
	}
	if id[17] != want {
		return ErrIDCheckDigit
	}
	if _, err := time.Parse("20060102", id[6:14]); err != nil {
		return fmt.Errorf("birth date in ID number is not a date: %w", ErrIDBirth)
	}
	return nil
}

// MaskID shows the first 3 and last 4 characters of an ID number and stars
// the rest (G6: masked on screen and paper). A value of 7 characters or
// fewer is starred entirely, since showing 7 of them would show it all.
func MaskID(id string) string {
	r := []rune(NormalizeID(id))
	if len(r) <= 7 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}

// KeyedHash is how devices and the center match an ID number to a booking
// without storing it (G6): lower-case hex of HMAC-SHA256 keyed with the
// hall secret over the UTF-8 bytes of NormalizeID(id). The ledger and the
// center compute the same value from a number typed on a keypad. An empty
// secret is refused by callers' configuration, not here, so tests can show
// the algorithm with any key. The hash itself is center/api's KeyedIDHash:
// one definition for both ends of the wire.
func KeyedHash(secret []byte, id string) string { return api.KeyedIDHash(secret, id) }
