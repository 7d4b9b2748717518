package knowledge

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

// MaxQuery is the number of significant characters of a query that are
// searched; the rest is ignored (nobody types more on a kiosk, and a
// pasted essay must not become a thousand-token phrase).
const MaxQuery = 40

// norm is a text reduced to the characters search looks at (letters,
// digits and Han characters, lower-cased, full-width folded), with the
// byte offset of each in the original so hits map back for highlighting.
type norm struct {
	runes []rune
	start []int // byte offset in the original of runes[i]
	end   []int // byte offset just after it
}

// normalize reduces s. Punctuation, spaces, emoji and the like are dropped.
func normalize(s string) norm {
	var n norm
	for i, r := range s {
		w := utf8.RuneLen(r)
		if r == utf8.RuneError {
			w = 1
		}
		r = fold(r)
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			continue
		}
		n.runes = append(n.runes, r)
		n.start = append(n.start, i)
		n.end = append(n.end, i+w)
	}
	return n
}

// fold maps full-width ASCII to ASCII and lower-cases.
func fold(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFEE0
	}
	return unicode.ToLower(r)
}

func (n norm) String() string { return string(n.runes) }

// index returns the rune index of the first occurrence of q in n, from
// rune position from, or -1.
func (n norm) index(q []rune, from int) int {
	for i := from; i+len(q) <= len(n.runes); i++ {
		if equalRunes(n.runes[i:i+len(q)], q) {
			return i
		}
	}
	return -1
}

func equalRunes(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// unigrams returns the text's characters as words.
func unigrams(n norm) string {
	var b strings.Builder
	for i, r := range n.runes {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// bigrams returns the overlapping pairs of characters as words, in order,
// so a run of n characters is a phrase of n-1 consecutive words.
func bigrams(n norm) string {
	var b strings.Builder
	for i := 0; i+1 < len(n.runes); i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(n.runes[i])
		b.WriteRune(n.runes[i+1])
	}
	return b.String()
}

var (
	readingsMu sync.Mutex
	readingsOf = map[rune][]string{}
	pyArgs     = func() pinyin.Args {
		a := pinyin.NewArgs()
		a.Heteronym = true // every reading of 行, 长, 重 …
		a.Fallback = func(rune, pinyin.Args) []string { return nil }
		return a
	}()
)

// readings returns the toneless pinyin readings of a character, most
// common first; a letter or digit reads as itself.
func readings(r rune) []string {
	readingsMu.Lock()
	defer readingsMu.Unlock()
	if rs, ok := readingsOf[r]; ok {
		return rs
	}
	rs := pinyin.SinglePinyin(r, pyArgs)
	if len(rs) == 0 {
		rs = []string{string(r)}
	}
	readingsOf[r] = rs
	return rs
}

// spellings makes the pinyin words of a name: for every start character,
// the readings of the characters from there to the end, joined. The first
// word of a start uses each character's first reading; then, for each
// character with more readings, one word per other reading with the rest
// at their first. That indexes every reading of every character in a
// number of words linear in the name's length (the full product of
// readings grows too fast for names with several multi-reading
// characters). initial picks the first letter of each reading instead.
func spellings(n norm, initial bool) string {
	rs := make([][]string, len(n.runes))
	for i, r := range n.runes {
		rs[i] = readings(r)
		if initial {
			rs[i] = initials(rs[i])
		}
	}
	seen := map[string]bool{}
	var words []string
	for start := range rs {
		for j := start; j < min(len(rs), start+altReach); j++ {
			for k := range rs[j] {
				if k == 0 && j > start {
					continue // the all-first word is made once, at j == start
				}
				w := spell(rs[start:], j-start, k)
				if !seen[w] {
					seen[w] = true
					words = append(words, w)
				}
			}
		}
	}
	return strings.Join(words, " ")
}

// altReach is how far into a word other readings are varied: a word
// varies the readings of its first altReach characters only. Every reading
// of every character still starts words and is found in the first three
// characters typed; what is lost is a query that needs a character's other
// reading further into what it spells (rare: citizens type the first
// syllables of a matter). Varying every position made the pinyin index
// about ten times larger and prefix queries on it too slow for T3.
const altReach = 3

// spell joins first readings, using reading k at position alt.
func spell(rs [][]string, alt, k int) string {
	var b strings.Builder
	for i, r := range rs {
		if i == alt {
			b.WriteString(r[k])
			continue
		}
		b.WriteString(r[0])
	}
	return b.String()
}

// initials returns the distinct first letters of readings.
func initials(rs []string) []string {
	var out []string
	for _, r := range rs {
		s := r[:1]
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// quote makes one FTS5 string token from a word: the only way user text
// ever reaches MATCH. Double quotes inside are doubled, so operators,
// column filters and parentheses in the text stay plain characters.
func quote(w string) string {
	return `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
}

// phrase returns the MATCH expression for a Chinese (or mixed) substring:
// the character itself when it is one, else the phrase of its pairs.
func phrase(q []rune) (column string, expr string) {
	if len(q) == 1 {
		return "uni", quote(string(q))
	}
	words := make([]string, 0, len(q)-1)
	for i := 0; i+1 < len(q); i++ {
		words = append(words, string(q[i:i+2]))
	}
	return "bi", quote(strings.Join(words, " "))
}

// isASCIIWord reports whether q is letters and digits of ASCII only: a
// candidate for pinyin or a code.
func isASCIIWord(q []rune) bool {
	for _, r := range q {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return len(q) > 0
}

// hasLetter reports whether q has an ASCII letter (pinyin needs one).
func hasLetter(q []rune) bool {
	for _, r := range q {
		if r >= 'a' && r <= 'z' {
			return true
		}
	}
	return false
}
