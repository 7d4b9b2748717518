package knowledge

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Tier says why an entry matched; results come tier by tier, best first.
type Tier int

// Tiers, best first.
const (
	TierExact     Tier = iota // the whole name, or the whole code
	TierPrefix                // the name starts with the query, or the code does
	TierPinyin                // pinyin initials or full pinyin of part of the name
	TierSubstring             // a Chinese fragment of the name
	TierOther                 // department, review points, guide, FAQ, maintainer
)

// Span is a range to highlight, in bytes of Hit.Text.
type Span struct{ Start, End int }

// Hit is one search result.
type Hit struct {
	Code       string
	Name       string
	Department string
	Tier       Tier
	Field      string // which element matched (Field* constants)
	Text       string // that element's text; Spans index into it
	Spans      []Span
}

// perTier caps the candidates read from the index per tier. Within a tier
// candidates are ranked in Go (match position, then shorter names), so the
// cap trades perfect order deep inside a huge tier for a bounded query.
const perTier = 64

// row is an entry as read for ranking.
type row struct {
	id                     int64
	code, dept, name, norm string
	items                  []item
}

// Search finds entries for what a citizen typed. Any input is acceptable:
// quotes, FTS operators, SQL, emoji and very long strings yield results or
// none, and an error only when the database itself fails.
func Search(ctx context.Context, db Querier, query string, limit int) ([]Hit, error) {
	return search(ctx, db, nil, query, limit)
}

// Index searches one database with its statements prepared once: a
// search runs up to eight statements, and preparing them each time was a
// fifth of its cost (T3).
type Index struct {
	db    *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// NewIndex returns an Index over db (the ledger's reader pool).
func NewIndex(db *sql.DB) *Index { return &Index{db: db, stmts: map[string]*sql.Stmt{}} }

// Search is the package's Search with prepared statements.
func (x *Index) Search(ctx context.Context, query string, limit int) ([]Hit, error) {
	return search(ctx, x.db, x.stmt, query, limit)
}

// Close releases the prepared statements.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	var errs []error
	for k, st := range x.stmts {
		errs = append(errs, st.Close())
		delete(x.stmts, k)
	}
	return errors.Join(errs...)
}

// stmt returns the prepared statement for query, preparing it once.
func (x *Index) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if st, ok := x.stmts[query]; ok {
		return st, nil
	}
	st, err := x.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	x.stmts[query] = st
	return st, nil
}

func search(ctx context.Context, db Querier, prep preparer, query string,
	limit int) ([]Hit, error) {
	q := normalize(query).runes
	if len(q) > MaxQuery {
		q = q[:MaxQuery]
	}
	if len(q) == 0 || limit <= 0 {
		return nil, nil
	}
	s := &searcher{ctx: ctx, db: db, prep: prep, q: q, limit: limit, seen: map[int64]bool{}}
	for _, tier := range []func() error{s.exact, s.prefix, s.pinyin, s.substring, s.other} {
		if len(s.hits) >= limit {
			break
		}
		if err := tier(); err != nil {
			return nil, err
		}
	}
	if len(s.hits) > limit {
		s.hits = s.hits[:limit]
	}
	return s.hits, nil
}

// preparer returns a prepared statement for a query text.
type preparer func(context.Context, string) (*sql.Stmt, error)

type searcher struct {
	ctx   context.Context
	db    Querier
	prep  preparer // nil: run statements unprepared
	q     []rune
	limit int
	seen  map[int64]bool
	hits  []Hit
}

// add appends ranked hits of one tier, skipping entries already found.
func (s *searcher) add(hs []rankedHit) {
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].less(hs[j]) })
	for _, h := range hs {
		if !s.seen[h.id] {
			s.seen[h.id] = true
			s.hits = append(s.hits, h.Hit)
		}
	}
}

// rankedHit orders hits inside a tier.
type rankedHit struct {
	Hit
	id      int64
	field   int // order of the element
	pos     int // where the match starts, in characters
	nameLen int
}

func (a rankedHit) less(b rankedHit) bool {
	if a.field != b.field {
		return a.field < b.field
	}
	if a.pos != b.pos {
		return a.pos < b.pos
	}
	if a.nameLen != b.nameLen {
		return a.nameLen < b.nameLen
	}
	return a.Code < b.Code
}

// rowCols reads what ranking needs; items (the long elements) are read
// only for the last tier, the one that searches them.
const rowCols = "SELECT id, code, department, name, norm_name, '' FROM knowledge "

const rowColsItems = "SELECT id, code, department, name, norm_name, items FROM knowledge "

// exact: the whole name or the whole code.
func (s *searcher) exact() error {
	qs := string(s.q)
	rows, err := s.rows(rowCols+"WHERE norm_name = ? OR norm_code = ? LIMIT ?", qs, qs, perTier)
	if err != nil {
		return err
	}
	var hs []rankedHit
	for _, r := range rows {
		if r.norm == qs {
			hs = append(hs, r.whole(TierExact, FieldName, r.name, 0))
		} else {
			hs = append(hs, r.whole(TierExact, FieldCode, r.code, 1))
		}
	}
	s.add(hs)
	return nil
}

// prefix: the name or the code starts with the query. Both use the
// ordinary indexes on the normalised columns as a range scan.
func (s *searcher) prefix() error {
	lo := string(s.q)
	hi := lo + string(utf8.MaxRune)
	// Index order, ranked by length in Go: ordering the whole range in
	// SQL reads every row of a one-character prefix.
	rows, err := s.rows(rowCols+`WHERE norm_name >= ? AND norm_name < ? LIMIT ?`,
		lo, hi, perTier)
	if err != nil {
		return err
	}
	var hs []rankedHit
	for _, r := range rows {
		hs = append(hs, r.span(TierPrefix, FieldName, r.name, 0, 0, len(s.q)))
	}
	if isASCIIWord(s.q) {
		rows, err = s.rows(rowCols+`WHERE norm_code >= ? AND norm_code < ?
			ORDER BY norm_code LIMIT ?`, lo, hi, perTier)
		if err != nil {
			return err
		}
		for _, r := range rows {
			hs = append(hs, r.span(TierPrefix, FieldCode, r.code, 1, 0, len(s.q)))
		}
	}
	s.add(hs)
	return nil
}

// pinyin: initials or full pinyin of a run of the name's characters.
func (s *searcher) pinyin() error {
	if !isASCIIWord(s.q) || !hasLetter(s.q) {
		return nil
	}
	// Names that start with what was typed come first: with one or two
	// letters typed, matches anywhere are in the thousands and the first
	// candidates the index returns would crowd them out. ^ anchors the
	// word spelled from the name's first character.
	cols, word := "{name_py name_ini} : ", quote(string(s.q))+"*"
	for _, expr := range []string{cols + "^" + word, cols + word} {
		if len(s.hits) >= s.limit {
			return nil
		}
		if err := s.pinyinQuery(expr); err != nil {
			return err
		}
	}
	return nil
}

// pinyinQuery adds the verified hits of one pinyin MATCH.
func (s *searcher) pinyinQuery(expr string) error {
	rows, err := s.ftsRows("knowledge_py", expr, false)
	if err != nil {
		return err
	}
	var hs []rankedHit
	for _, r := range rows {
		n := normalize(r.name)
		if from, to, ok := matchPinyin(n, string(s.q)); ok {
			hs = append(hs, r.span(TierPinyin, FieldName, r.name, 0, from, to-from))
		}
	}
	s.add(hs)
	return nil
}

// substring: a fragment of the name, checked again in Go because pairs
// can line up across dropped punctuation.
func (s *searcher) substring() error {
	col, expr := phrase(s.q)
	rows, err := s.ftsRows("knowledge_zh", "{name_"+col+"} : "+expr, false)
	if err != nil {
		return err
	}
	var hs []rankedHit
	for _, r := range rows {
		if pos := normalize(r.name).index(s.q, 0); pos >= 0 {
			hs = append(hs, r.span(TierSubstring, FieldName, r.name, 0, pos, len(s.q)))
		}
	}
	s.add(hs)
	return nil
}

// other: department (characters, or initials), then the other elements.
func (s *searcher) other() error {
	col, expr := phrase(s.q)
	full := fmt.Sprintf("{dept_%s other_%s} : %s", col, col, expr)
	rows, err := s.ftsRows("knowledge_zh", full, true)
	if err != nil {
		return err
	}
	if isASCIIWord(s.q) && hasLetter(s.q) {
		more, err := s.ftsRows("knowledge_py", "{dept_ini} : "+quote(string(s.q))+"*", true)
		if err != nil {
			return err
		}
		rows = append(rows, more...)
	}
	var hs []rankedHit
	for _, r := range rows {
		if h, ok := s.inOthers(r); ok {
			hs = append(hs, h)
		}
	}
	s.add(hs)
	return nil
}

// inOthers finds the first element of r containing the query.
func (s *searcher) inOthers(r row) (rankedHit, bool) {
	dn := normalize(r.dept)
	if pos := dn.index(s.q, 0); pos >= 0 {
		return r.span(TierOther, FieldDepartment, r.dept, 0, pos, len(s.q)), true
	}
	if isASCIIWord(s.q) {
		if from, to, ok := matchPinyin(dn, string(s.q)); ok {
			return r.span(TierOther, FieldDepartment, r.dept, 0, from, to-from), true
		}
	}
	for i, it := range r.items {
		if pos := normalize(it.Text).index(s.q, 0); pos >= 0 {
			return r.span(TierOther, it.Field, it.Text, 1+i, pos, len(s.q)), true
		}
	}
	return rankedHit{}, false
}

// ftsRows runs one MATCH (expr is built only from quoted words) and loads
// the matching entries, with their long elements when items is set.
func (s *searcher) ftsRows(table, expr string, items bool) ([]row, error) {
	// The last tier only fills up the list, and reads the long elements,
	// so it takes just what is missing.
	n := perTier
	if items {
		n = s.limit - len(s.hits) + 8
	}
	rs, err := s.query("SELECT rowid FROM "+table+" WHERE "+table+" MATCH ? LIMIT ?", expr, n)
	if err != nil {
		return nil, fmt.Errorf("knowledge: search: %w", err)
	}
	var ids []int64
	for rs.Next() {
		var id int64
		if err := rs.Scan(&id); err != nil {
			rs.Close()
			return nil, fmt.Errorf("knowledge: search: %w", err)
		}
		if !s.seen[id] {
			ids = append(ids, id)
		}
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("knowledge: search: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	cols := rowCols
	if items {
		cols = rowColsItems
	}
	list, _ := json.Marshal(ids)
	return s.rows(cols+"WHERE id IN (SELECT value FROM json_each(?))", string(list))
}

// query runs a statement, prepared when the searcher has a preparer.
func (s *searcher) query(query string, args ...any) (*sql.Rows, error) {
	if s.prep == nil {
		return s.db.QueryContext(s.ctx, query, args...)
	}
	st, err := s.prep(s.ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(s.ctx, args...)
}

// rows loads entries.
func (s *searcher) rows(query string, args ...any) ([]row, error) {
	rs, err := s.query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("knowledge: search: %w", err)
	}
	defer rs.Close()
	var out []row
	for rs.Next() {
		var r row
		var items string
		if err := rs.Scan(&r.id, &r.code, &r.dept, &r.name, &r.norm, &items); err != nil {
			return nil, fmt.Errorf("knowledge: search: %w", err)
		}
		if items == "" {
			out = append(out, r)
			continue
		}
		if err := json.Unmarshal([]byte(items), &r.items); err != nil {
			return nil, fmt.Errorf("knowledge: entry %s: %w", r.code, err)
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

// whole is a hit on the whole of text.
func (r row) whole(t Tier, field, text string, order int) rankedHit {
	return r.hit(t, field, text, order, 0, []Span{{0, len(text)}})
}

// span is a hit on n normalised characters from pos of text.
func (r row) span(t Tier, field, text string, order, pos, n int) rankedHit {
	tn := normalize(text)
	var spans []Span
	if n > 0 && pos+n <= len(tn.runes) {
		spans = []Span{{tn.start[pos], tn.end[pos+n-1]}}
	}
	return r.hit(t, field, text, order, pos, spans)
}

func (r row) hit(t Tier, field, text string, order, pos int, spans []Span) rankedHit {
	return rankedHit{
		Hit: Hit{Code: r.code, Name: r.name, Department: r.dept, Tier: t, Field: field,
			Text: text, Spans: spans},
		id: r.id, field: order, pos: pos, nameLen: utf8.RuneCountInString(r.name),
	}
}

// matchPinyin finds the first run of characters of n whose pinyin the query
// spells: either one initial per character ("yyzz"), or full readings
// joined, the last one possibly cut short ("yingyezh"). It returns the
// run as character positions [from, to).
func matchPinyin(n norm, q string) (from, to int, ok bool) {
	ini, full := map[spellAt]int{}, map[spellAt]int{}
	for i := range n.runes {
		if j, ok := spellFrom(n, i, q, true, ini); ok {
			return i, j, true
		}
		if j, ok := spellFrom(n, i, q, false, full); ok {
			return i, j, true
		}
	}
	return 0, 0, false
}

// spellAt is a state of the match: character i of the name with rest bytes
// of the query still to spell.
type spellAt struct{ i, rest int }

// spellFrom matches q against the readings of the characters from i on.
// Several readings of one character can fit the same keys (和 reads he, hu
// and huo: three "h" initials), so the search branches; memo keeps the
// outcome of each state (the end position, or -1), so a name of such
// characters costs its length times the query's, not three to the power
// of its length.
func spellFrom(n norm, i int, q string, initial bool, memo map[spellAt]int) (int, bool) {
	if q == "" {
		return i, true
	}
	if i >= len(n.runes) {
		return 0, false
	}
	at := spellAt{i, len(q)}
	if j, ok := memo[at]; ok {
		return j, j >= 0
	}
	j := -1
	for _, r := range readings(n.runes[i]) {
		if initial {
			r = r[:1]
		}
		if strings.HasPrefix(q, r) {
			if end, ok := spellFrom(n, i+1, q[len(r):], initial, memo); ok {
				j = end
				break
			}
		} else if !initial && strings.HasPrefix(r, q) {
			j = i + 1
			break
		}
	}
	memo[at] = j
	return j, j >= 0
}
