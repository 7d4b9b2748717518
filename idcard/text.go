package idcard

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// TextLen is the size of the card text in a read reply: 128 UTF-16LE code
// units, each field padded with spaces.
const TextLen = 256

// field is one span of the text, in bytes.
type field struct {
	name     string
	off, len int
}

// The resident card layout (GA 490). The Hong Kong/Macau/Taiwan residence
// permit ('J') shares it, with no nation and a pass number in the reserved
// tail.
var (
	resName      = field{"name", 0, 30}
	resGender    = field{"gender", 30, 2}
	resNation    = field{"nation", 32, 4}
	resBirth     = field{"birth date", 36, 16}
	resAddress   = field{"address", 52, 70}
	resID        = field{"ID number", 122, 36}
	resAuthority = field{"issuing authority", 158, 30}
	resFrom      = field{"valid from", 188, 16}
	resTo        = field{"valid to", 204, 16}
)

// The foreign permanent-resident card layout (card type 'I').
var (
	forNameEN      = field{"English name", 0, 120}
	forGender      = field{"gender", 120, 2}
	forNumber      = field{"permanent-residence number", 122, 30}
	forNationality = field{"nationality", 152, 6}
	forNameZH      = field{"Chinese name", 158, 30}
	forFrom        = field{"valid from", 188, 16}
	forTo          = field{"valid to", 204, 16}
	forBirth       = field{"birth date", 220, 16}
	forVersion     = field{"card version", 236, 4}
	forAuthority   = field{"authority code", 240, 8}
)

// typeField holds the card type character: 'I' foreign permanent resident,
// 'J' Hong Kong/Macau/Taiwan residence permit, space or NUL a resident card.
var typeField = field{"card type", 248, 2}

// longTerm is what a card valid without end says in its valid-to field.
const longTerm = "长期"

// DecodeText decodes the 256 bytes of card text of a read reply. now is
// the kiosk's time, used only to decide whether the card has expired.
// Errors name the field that is wrong, never its content.
func DecodeText(text []byte, now time.Time) (*Card, error) {
	if len(text) != TextLen {
		return nil, fmt.Errorf("card text of %d bytes (want %d): %w", len(text), TextLen, ErrText)
	}
	kind, err := str(text, typeField)
	if err != nil {
		return nil, err
	}
	var c *Card
	switch kind {
	case "":
		c, err = decodeResident(text, TypeResident)
	case "J":
		c, err = decodeResident(text, TypePermit)
	case "I":
		c, err = decodeForeign(text)
	default:
		// BUG(hallkiosk): the 2023 foreign permanent-resident card (type
		// 'Y', 18-digit number) is refused; its layout was not at hand.
		return nil, fmt.Errorf("card type %q not supported: %w", kind, ErrText)
	}
	if err != nil {
		return nil, err
	}
	c.expired = c.validTo != longTerm && now.Format("20060102") > c.validTo
	return c, nil
}

func decodeResident(text []byte, t CardType) (*Card, error) {
	c := &Card{cardType: t}
	d := decoder{text: text}
	c.name = d.required(resName)
	c.gender = d.code(resGender, genders)
	if t == TypeResident {
		c.nation = d.code(resNation, nations)
	}
	c.birth = d.date(resBirth)
	c.address = d.str(resAddress)
	c.id = NormalizeID(d.required(resID))
	c.authority = d.str(resAuthority)
	c.validFrom = d.date(resFrom)
	c.validTo = d.validTo(resTo)
	if d.err != nil {
		return nil, d.err
	}
	c.idErr = checkResidentID(c.id, c.birth)
	return c, nil
}

func decodeForeign(text []byte) (*Card, error) {
	c := &Card{cardType: TypeForeign}
	d := decoder{text: text}
	c.nameEN = d.required(forNameEN)
	c.gender = d.code(forGender, genders)
	c.id = NormalizeID(d.required(forNumber))
	c.nationality = d.str(forNationality)
	c.name = d.str(forNameZH)
	c.validFrom = d.date(forFrom)
	c.validTo = d.date(forTo)
	c.birth = d.date(forBirth)
	d.str(forVersion)
	c.authority = d.str(forAuthority)
	if d.err != nil {
		return nil, d.err
	}
	c.idErr = checkForeignID(c.id, c.birth)
	return c, nil
}

// checkResidentID checks the check digit and that the number's birth date
// is the card's.
func checkResidentID(id, birth string) error {
	if err := ValidateID(id); err != nil {
		return err
	}
	if id[6:14] != birth {
		return fmt.Errorf("ID number and card disagree on the birth date: %w", ErrIDBirth)
	}
	return nil
}

// checkForeignID checks a 15-character permanent-residence number (three
// letters of nationality, then digits with the birth date as YYMMDD at
// characters 8-13).
func checkForeignID(id, birth string) error {
	if len(id) != 15 || !isUpper(id[:3]) || !isDigits(id[3:]) {
		return fmt.Errorf("permanent-residence number shape: %w", ErrIDFormat)
	}
	if id[7:13] != birth[2:] {
		return fmt.Errorf("number and card disagree on the birth date: %w", ErrIDBirth)
	}
	// TODO: verify the 15th character; the check algorithm of the 2004
	// permanent-residence number is not implemented, so such a number is
	// reported as not verifiable rather than valid.
	return ErrIDNotVerifiable
}

func isUpper(s string) bool {
	return strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
}

func isDigits(s string) bool { return strings.Trim(s, "0123456789") == "" }

// decoder reads fields and keeps the first error, so a layout reads as a
// list of fields.
type decoder struct {
	text []byte
	err  error
}

func (d *decoder) str(f field) string {
	s, err := str(d.text, f)
	if err != nil && d.err == nil {
		d.err = err
	}
	return s
}

func (d *decoder) fail(f field, why string) {
	if d.err == nil {
		d.err = fmt.Errorf("%s field %s: %w", f.name, why, ErrText)
	}
}

func (d *decoder) required(f field) string {
	s := d.str(f)
	if s == "" {
		d.fail(f, "is empty")
	}
	return s
}

func (d *decoder) code(f field, table map[string]string) string {
	s := d.str(f)
	if _, ok := table[s]; !ok {
		d.fail(f, "holds an unknown code")
	}
	return s
}

func (d *decoder) date(f field) string {
	s := d.str(f)
	if _, err := time.Parse("20060102", s); err != nil {
		d.fail(f, "is not a date")
	}
	return s
}

func (d *decoder) validTo(f field) string {
	if s := d.str(f); s == longTerm {
		return s
	}
	return d.date(f)
}

// str decodes one field from UTF-16LE and trims the space and NUL padding.
// Unpaired surrogates are refused rather than turned into U+FFFD, so a
// corrupt name is an error and not a wrong name.
func str(text []byte, f field) (string, error) {
	b := text[f.off : f.off+f.len]
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	var sb strings.Builder
	for _, r := range utf16.Decode(u) {
		if r == utf8.RuneError {
			return "", fmt.Errorf("%s field is not valid UTF-16: %w", f.name, ErrText)
		}
		sb.WriteRune(r)
	}
	return strings.Trim(sb.String(), " \x00"), nil
}
