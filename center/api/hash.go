package api

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// EventHash is the journal's hash chain link, computed the same way by the
// device and the center:
//
//	hex(SHA-256(prev_hash "|" seq "|" time "|" kind "|" payload))
//
// where seq is decimal, time is t.UTC() in RFC 3339 with nanoseconds
// (time.RFC3339Nano, trailing zeros dropped), and payload is the compact
// JSON (json.Compact) of the payload, so re-encoding an event does not
// change its hash. An empty or null payload hashes as "null".
func EventHash(prevHash string, seq int64, t time.Time, kind string, payload []byte) string {
	var buf bytes.Buffer
	buf.WriteString(prevHash)
	buf.WriteByte('|')
	buf.WriteString(strconv.FormatInt(seq, 10))
	buf.WriteByte('|')
	buf.WriteString(t.UTC().Format(time.RFC3339Nano))
	buf.WriteByte('|')
	buf.WriteString(kind)
	buf.WriteByte('|')
	buf.Write(compactPayload(payload))
	sum := sha256.Sum256(buf.Bytes())
	return hex.EncodeToString(sum[:])
}

// Seal sets e.PrevHash to prev and e.Hash to the event's EventHash.
func (e *Event) Seal(prev string) {
	e.PrevHash = prev
	e.Hash = EventHash(prev, e.Seq, e.Time, e.Kind, e.Payload)
}

// Valid reports whether e.Hash matches its fields and follows prev.
func (e *Event) Valid(prev string) bool {
	return e.PrevHash == prev && e.Hash == EventHash(prev, e.Seq, e.Time, e.Kind, e.Payload)
}

func compactPayload(p []byte) []byte {
	if len(bytes.TrimSpace(p)) == 0 {
		return []byte("null")
	}
	var out bytes.Buffer
	if err := json.Compact(&out, p); err != nil {
		// Not JSON: hash the raw bytes; the center rejects such an event
		// anyway because a payload must be JSON.
		return p
	}
	return out.Bytes()
}

// KeyedIDHash is the keyed hash by which bookings name their applicant
// without the ID number (G6): hex(HMAC-SHA256(secret, id)) where id is the
// 18-character number with spaces trimmed and a trailing check letter in
// upper case ("x" → "X"). Kiosks and the center must agree on it byte for
// byte; TestKeyedIDHashVector pins the value.
func KeyedIDHash(secret []byte, id string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(NormalizeID(id)))
	return hex.EncodeToString(m.Sum(nil))
}

// NormalizeID trims spaces and upper-cases the check letter of an ID number.
func NormalizeID(id string) string { return strings.ToUpper(strings.TrimSpace(id)) }

// MaskName keeps the first character of a name and masks the rest with '*'
// ("张三丰" → "张**"); a one-character name becomes "*".
func MaskName(name string) string {
	name = strings.TrimSpace(name)
	n := utf8.RuneCountInString(name)
	if n <= 1 {
		return strings.Repeat("*", n)
	}
	first, _ := utf8.DecodeRuneInString(name)
	return string(first) + strings.Repeat("*", n-1)
}
