// Package knowledge indexes and searches the hall's knowledge base on the
// kiosk. Each matter has the seven elements of K1 (department, business
// name, 33-character business code, review points, service guide, FAQ,
// maintainer); a citizen finds it by any fragment of its Chinese name, by
// full pinyin or pinyin initials (营业执照 → yyzz) typed on the kiosk's
// A–Z keypad, by the code or its prefix, or by department.
//
// SQLite's FTS5 has no Chinese tokenizer and modernc's build takes no
// custom ones, so the tokens are made here in Go and written as
// space-separated words that FTS5's unicode61 tokenizer keeps intact:
// single characters and overlapping pairs of characters for substring
// search (a query of n characters becomes a phrase of its n-1 pairs), and
// pinyin strings starting at every character for prefix search. Every
// reading of a multi-reading character is indexed (行 as xing, hang, heng).
// A candidate the index returns is checked again in Go, which also yields
// the spans to highlight.
package knowledge

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Entry is one matter with the seven elements of K1.
type Entry struct {
	Department   string   `json:"department"`
	Name         string   `json:"name"`
	Code         string   `json:"code"` // 33 characters
	ReviewPoints []string `json:"review_points"`
	Guide        Guide    `json:"guide"`
	FAQ          []QA     `json:"faq"`
	Maintainer   string   `json:"maintainer"`
}

// Guide is the service guide of a matter.
type Guide struct {
	Materials []string `json:"materials"`
	TimeLimit string   `json:"time_limit"`
	Fee       string   `json:"fee"`
	Window    string   `json:"window"`
	Basis     string   `json:"basis"`
}

// QA is one question of the FAQ with its answer.
type QA struct {
	Q string `json:"q"`
	A string `json:"a"`
}

// File is the knowledge base file the center publishes (and the sample in
// shared/data): a list of entries with a header.
type File struct {
	Center  string  `json:"center"`
	Entries []Entry `json:"entries"`
}

// CodeLen is the length of a business code (K1).
const CodeLen = 33

// Decode parses one published entry and checks the elements a search needs.
func Decode(raw []byte) (Entry, error) {
	var e Entry
	if err := json.Unmarshal(raw, &e); err != nil {
		return e, fmt.Errorf("knowledge: decode entry: %w", err)
	}
	if strings.TrimSpace(e.Name) == "" || strings.TrimSpace(e.Code) == "" {
		return e, fmt.Errorf("knowledge: entry %q without name or code", e.Code)
	}
	return e, nil
}

// Field names a searchable element; Hit.Field uses them.
const (
	FieldName       = "name"
	FieldCode       = "code"
	FieldDepartment = "department"
	FieldReview     = "review_points"
	FieldMaterials  = "guide.materials"
	FieldGuide      = "guide"
	FieldFAQ        = "faq"
	FieldMaintainer = "maintainer"
)

// item is one piece of text of an element, searched and highlighted alone.
type item struct {
	Field string `json:"f"`
	Text  string `json:"t"`
}

// others flattens the elements other than name, code and department, in
// the order hits in them are ranked.
func (e Entry) others() []item {
	var out []item
	add := func(field string, texts ...string) {
		for _, t := range texts {
			if strings.TrimSpace(t) != "" {
				out = append(out, item{field, t})
			}
		}
	}
	add(FieldReview, e.ReviewPoints...)
	add(FieldMaterials, e.Guide.Materials...)
	add(FieldGuide, e.Guide.TimeLimit, e.Guide.Fee, e.Guide.Window, e.Guide.Basis)
	for _, qa := range e.FAQ {
		add(FieldFAQ, qa.Q, qa.A)
	}
	add(FieldMaintainer, e.Maintainer)
	return out
}
