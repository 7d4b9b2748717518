// Package idcardtest is a virtual SAM ID-card reader that speaks GA/T 467
// byte for byte: tests put it on the master end of a pseudo-terminal (or
// on an in-memory line) and hallsim serves it to developers. Cards come
// from JSON card files; a control API places and removes them and injects
// faults.
//
// It builds its frames and card text itself, from the layout, without the
// idcard package's codec, so a bug shared by an encoder and a decoder
// cannot hide: each side checks the other.
package idcardtest

import (
	"encoding/json"
	"fmt"
	"os"
	"unicode/utf16"
)

// CardFile is the JSON shape of a card file (see docs/idcard.md). Codes
// are as stored on the card: gender "1" male, "2" female; nation "01"-"56",
// "97", "98". Dates are YYYYMMDD; valid_to may be "长期" on resident cards.
type CardFile struct {
	// Type is "resident" (default), "foreign" (permanent resident, 'I')
	// or "permit" (Hong Kong/Macau/Taiwan residence permit, 'J').
	Type        string `json:"type,omitempty"`
	Name        string `json:"name"`
	NameEN      string `json:"name_en,omitempty"`
	Gender      string `json:"gender"`
	Nation      string `json:"nation,omitempty"`
	Nationality string `json:"nationality,omitempty"`
	Birth       string `json:"birth"`
	Address     string `json:"address,omitempty"`
	ID          string `json:"id"`
	Authority   string `json:"authority"`
	ValidFrom   string `json:"valid_from"`
	ValidTo     string `json:"valid_to"`
	// CardVersion is the foreign card's version, "01" if empty.
	CardVersion string `json:"card_version,omitempty"`
	// PassNumber and IssueCount are the permit's extra fields.
	PassNumber string `json:"pass_number,omitempty"`
	IssueCount string `json:"issue_count,omitempty"`
}

// LoadCard reads a card file.
func LoadCard(path string) (CardFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return CardFile{}, fmt.Errorf("card file: %w", err)
	}
	var c CardFile
	if err := json.Unmarshal(b, &c); err != nil {
		return CardFile{}, fmt.Errorf("card file %s: %w", path, err)
	}
	return c, nil
}

// span is one field of the layout: its text and its width in UTF-16 code
// units.
type span struct {
	name  string
	text  string
	width int
}

// Text lays the card out as the 256 bytes a SAM returns: UTF-16LE, each
// field padded with spaces to its width. The layouts are written here as
// sequences of widths, not offsets, independently of the decoder.
func (c CardFile) Text() ([]byte, error) {
	var spans []span
	switch c.Type {
	case "", "resident":
		spans = c.resident("", "", "")
	case "permit":
		spans = c.resident(c.PassNumber, c.IssueCount, "J")
	case "foreign":
		spans = c.foreign()
	default:
		return nil, fmt.Errorf("card type %q: want resident, foreign or permit", c.Type)
	}
	return encode(spans)
}

func (c CardFile) resident(pass, count, kind string) []span {
	nation := c.Nation
	if kind == "J" {
		nation = ""
	}
	return []span{
		{"name", c.Name, 15}, {"gender", c.Gender, 1}, {"nation", nation, 2},
		{"birth", c.Birth, 8}, {"address", c.Address, 35}, {"id", c.ID, 18},
		{"authority", c.Authority, 15}, {"valid_from", c.ValidFrom, 8},
		{"valid_to", c.ValidTo, 8}, {"pass_number", pass, 9},
		{"issue_count", count, 2}, {"reserved", "", 3}, {"type", kind, 1},
		{"reserved", "", 3},
	}
}

func (c CardFile) foreign() []span {
	version := c.CardVersion
	if version == "" {
		version = "01"
	}
	return []span{
		{"name_en", c.NameEN, 60}, {"gender", c.Gender, 1}, {"id", c.ID, 15},
		{"nationality", c.Nationality, 3}, {"name", c.Name, 15},
		{"valid_from", c.ValidFrom, 8}, {"valid_to", c.ValidTo, 8},
		{"birth", c.Birth, 8}, {"card_version", version, 2},
		{"authority", c.Authority, 4}, {"type", "I", 1}, {"reserved", "", 3},
	}
}

func encode(spans []span) ([]byte, error) {
	out := make([]byte, 0, 256)
	for _, s := range spans {
		u := utf16.Encode([]rune(s.text))
		if len(u) > s.width {
			return nil, fmt.Errorf("card field %s: %d characters, room for %d", s.name, len(u), s.width)
		}
		for len(u) < s.width {
			u = append(u, ' ')
		}
		for _, x := range u {
			out = append(out, byte(x), byte(x>>8))
		}
	}
	if len(out) != 256 {
		panic(fmt.Sprintf("idcardtest: layout is %d bytes, not 256", len(out)))
	}
	return out, nil
}

// Frame builds a reply frame: preamble, big-endian length of what follows
// it, SW1 SW2 SW3, data, and the XOR of the length bytes onwards.
func Frame(sw3 byte, data []byte) []byte {
	n := 3 + len(data) + 1
	f := []byte{0xAA, 0xAA, 0xAA, 0x96, 0x69, byte(n >> 8), byte(n), 0, 0, sw3}
	f = append(f, data...)
	var x byte
	for _, b := range f[5:] {
		x ^= b
	}
	return append(f, x)
}

// Request builds a request frame as the kiosk sends it.
func Request(cmd, para byte) []byte {
	f := []byte{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0, 3, cmd, para}
	return append(f, 0^3^cmd^para)
}

// ReadReply builds the data of a 30 01 reply around text: lengths, text and
// a photo of photoLen bytes. With withFP it is a 30 10 reply, with a
// fingerprint length field and fp bytes of fingerprint.
func ReadReply(text []byte, photoLen, fp int, withFP bool) []byte {
	d := []byte{byte(len(text) >> 8), byte(len(text)), byte(photoLen >> 8), byte(photoLen)}
	if withFP {
		d = append(d, byte(fp>>8), byte(fp))
	}
	d = append(d, text...)
	d = append(d, photo(photoLen)...)
	if withFP {
		d = append(d, photo(fp)...)
	}
	return d
}

// photo stands in for the WLT-compressed photo: a fixed pattern, since the
// driver drops it unread.
func photo(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i*7 + 0x57)
	}
	return p
}
