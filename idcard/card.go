package idcard

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
)

// CardType says which layout a card's text uses.
type CardType string

// Card types.
const (
	// TypeResident is the resident ID card (居民身份证).
	TypeResident CardType = "resident"
	// TypeForeign is the foreign permanent-resident ID card (外国人永久
	// 居留身份证, type 'I').
	TypeForeign CardType = "foreign"
	// TypePermit is the residence permit for Hong Kong, Macau and Taiwan
	// residents (港澳台居民居住证, type 'J').
	TypePermit CardType = "permit"
)

// Card is a card's decoded text. Its fields are unexported on purpose
// (G6: full ID numbers are never stored, logged or printed): the ID number
// comes out masked (MaskedID), as a keyed hash for matching bookings
// (IDHash), or raw only through RevealIDNumberForOnSiteBooking. A Card
// prints, logs and marshals as its type and expiry only, so passing one to
// a logger or fmt by mistake leaks nothing. The photo is never kept.
type Card struct {
	cardType    CardType
	name        string
	nameEN      string
	gender      string // GB/T 2261.1 code
	nation      string // GB/T 3304 code; empty on foreign cards and permits
	nationality string // ISO 3166 alpha-3, foreign cards only
	birth       string // YYYYMMDD
	address     string
	id          string // normalised
	authority   string
	validFrom   string // YYYYMMDD
	validTo     string // YYYYMMDD or 长期
	expired     bool
	idErr       error
}

// Type is the card's layout.
func (c *Card) Type() CardType { return c.cardType }

// Name is the holder's name in Chinese; on a foreign card without a
// Chinese name, the English name. Show it; never log it.
func (c *Card) Name() string {
	if c.name == "" {
		return c.nameEN
	}
	return c.name
}

// NameEN is the English name of a foreign card holder, else "".
func (c *Card) NameEN() string { return c.nameEN }

// GenderCode is the GB/T 2261.1 code: 1 male, 2 female.
func (c *Card) GenderCode() string { return c.gender }

// Gender is the gender as printed on the card (男, 女).
func (c *Card) Gender() string { return genders[c.gender] }

// NationCode is the GB/T 3304 code ("01"), empty where the card has none.
func (c *Card) NationCode() string { return c.nation }

// Nation is the ethnic group as printed on the card (汉), empty where the
// card has none.
func (c *Card) Nation() string { return nations[c.nation] }

// Nationality is a foreign card holder's ISO 3166 alpha-3 nationality.
func (c *Card) Nationality() string { return c.nationality }

// Birth is the birth date as YYYYMMDD.
func (c *Card) Birth() string { return c.birth }

// Address is the registered address (empty on foreign cards).
func (c *Card) Address() string { return c.address }

// Authority is the issuing authority (a code on foreign cards).
func (c *Card) Authority() string { return c.authority }

// ValidFrom is the first day of validity as YYYYMMDD.
func (c *Card) ValidFrom() string { return c.validFrom }

// ValidTo is the last day of validity as YYYYMMDD, or 长期 (no end).
func (c *Card) ValidTo() string { return c.validTo }

// LongTerm reports a card valid without end (长期).
func (c *Card) LongTerm() bool { return c.validTo == longTerm }

// Expired reports a card whose last valid day was before the day it was
// read, by the kiosk's clock.
func (c *Card) Expired() bool { return c.expired }

// IDCheck is the result of checking the ID number against its check
// character and the card's birth date: nil when it passed, else
// ErrIDCheckDigit, ErrIDBirth, ErrIDFormat or ErrIDNotVerifiable.
func (c *Card) IDCheck() error { return c.idErr }

// MaskedID is the ID number with all but the first 3 and last 4
// characters starred, for screens and paper.
func (c *Card) MaskedID() string { return MaskID(c.id) }

// IDHash is KeyedHash(secret, number): what the ledger and the center
// store and match bookings by.
func (c *Card) IDHash(secret []byte) string { return KeyedHash(secret, c.id) }

// RevealIDNumberForOnSiteBooking returns the full ID number. Its one
// legitimate caller is on-site booking (R3: bookings made at the kiosk),
// which sends the number to the center; nothing may store, log or print
// what it returns. The long name is so that every use stands out in review.
func (c *Card) RevealIDNumberForOnSiteBooking() string { return c.id }

// String describes the card without personal data.
func (c Card) String() string {
	return fmt.Sprintf("idcard.Card{type=%s expired=%t}", c.cardType, c.expired)
}

// GoString is String, so %#v leaks nothing either.
func (c Card) GoString() string { return c.String() }

// Format makes every fmt verb print String, so no verb (%d, %x, %+v)
// reaches the fields.
func (c Card) Format(f fmt.State, _ rune) { io.WriteString(f, c.String()) }

// LogValue makes slog log the card's type and expiry only.
func (c Card) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", string(c.cardType)), slog.Bool("expired", c.expired))
}

// MarshalJSON writes the card's type and expiry only; a report that needs
// the text builds it explicitly (see NewReport).
func (c Card) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Type    CardType `json:"type"`
		Expired bool     `json:"expired"`
	}{c.cardType, c.expired})
}
