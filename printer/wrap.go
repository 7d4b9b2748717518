package printer

// wrap breaks cells into lines of at most cols columns. Latin words move to
// the next line whole unless they are longer than a line; Chinese breaks
// between any two characters; spaces at a break are dropped. A line never
// starts with closing punctuation when the previous character can move down
// with it.
//
// Lines after the first are narrower by hang columns: the caller indents
// them, so a numbered item's continuation lines up under its text.
func wrap(cs []cell, cols, hang int) [][]cell {
	var lines [][]cell
	for len(cs) > 0 {
		w := cols
		if len(lines) > 0 {
			w = max(cols-hang, 1)
		}
		n := fit(cs, w)
		lines = append(lines, trimSpace(cs[:n]))
		cs = cs[n:]
		for len(cs) > 0 && cs[0].space {
			cs = cs[1:]
		}
	}
	return lines
}

// fit returns how many leading cells go on one line (at least one, so a
// cell wider than the line still makes progress).
func fit(cs []cell, cols int) int {
	w, n := 0, 0
	for n < len(cs) && w+cs[n].cols <= cols {
		w += cs[n].cols
		n++
	}
	if n == len(cs) || n == 0 {
		return max(n, 1)
	}
	if cs[n].space {
		return n
	}
	if b := breakBefore(cs, n); b > 0 {
		return b
	}
	return n
}

// breakBefore finds a better break at or before n: not inside a Latin word
// and not before closing punctuation. 0 means no better break exists.
func breakBefore(cs []cell, n int) int {
	b := n
	for b > 0 && cs[b].word && cs[b-1].word {
		b--
	}
	if b > 0 && isCloser(cs[b]) {
		b--
	}
	if b == 0 {
		return 0
	}
	return b
}

// closers are the GB18030 codes of ，。、；：！？）》」 and their half-width
// forms; a line starting with one looks broken.
var closers = map[string]bool{
	"\xa3\xac": true, "\xa1\xa3": true, "\xa1\xa2": true, "\xa3\xbb": true,
	"\xa3\xba": true, "\xa3\xa1": true, "\xa3\xbf": true, "\xa3\xa9": true,
	"\xa1\xb7": true, "\xa1\xb9": true,
	",": true, ".": true, ";": true, ":": true, "!": true, "?": true, ")": true,
}

func isCloser(c cell) bool { return closers[string(c.b)] }

func trimSpace(cs []cell) []cell {
	for len(cs) > 0 && cs[len(cs)-1].space {
		cs = cs[:len(cs)-1]
	}
	return cs
}
