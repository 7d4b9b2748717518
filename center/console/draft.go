package console

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"

	"hallkiosk/center"
)

// draftEntry is one entry of a draft as the reviewer sees it, compared
// with the published version.
type draftEntry struct {
	Code, Name, Department, Maintainer string
	ReviewPoints                       []string
	Change                             string // added, changed, same or removed
}

type draftData struct {
	ID      int64
	Draft   center.KnowledgeDraft
	Entries []draftEntry
	Counts  map[string]int
}

// draftPage shows a draft's entries and what differs from the published
// knowledge base, so the review (K2) is of the actual content.
func (c *Console) draftPage(w http.ResponseWriter, r *http.Request, se *Session) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	entries, err := c.eng.KnowledgeDraftEntries(r.Context(), id)
	if err != nil {
		if msg, ok := refusalText(err); ok {
			c.fail(w, r, se, http.StatusNotFound, "没有这个草稿 No such draft", msg)
			return
		}
		c.internal(w, r, se, err)
		return
	}
	pub, err := c.eng.PullKnowledge(r.Context(), 0)
	if err != nil {
		c.internal(w, r, se, err)
		return
	}
	d := draftData{ID: id, Entries: compareKnowledge(entries, pub.Entries), Counts: map[string]int{}}
	for _, e := range d.Entries {
		d.Counts[e.Change]++
	}
	drafts, err := c.eng.KnowledgeDrafts(r.Context())
	if err != nil {
		c.internal(w, r, se, err)
		return
	}
	for _, dr := range drafts {
		if dr.ID == id {
			d.Draft = dr
		}
	}
	c.render(w, r, http.StatusOK, "draft", se, "知识库草稿 Knowledge draft", d)
}

// compareKnowledge lists the draft's entries marked against the published
// ones by business code, then the published entries the draft drops.
func compareKnowledge(draft, published []json.RawMessage) []draftEntry {
	old := map[string]json.RawMessage{}
	for _, raw := range published {
		old[entryOf(raw).Code] = raw
	}
	var out []draftEntry
	seen := map[string]bool{}
	for _, raw := range draft {
		e := entryOf(raw)
		seen[e.Code] = true
		prev, ok := old[e.Code]
		switch {
		case !ok:
			e.Change = "added"
		case !sameJSON(prev, raw):
			e.Change = "changed"
		default:
			e.Change = "same"
		}
		out = append(out, e)
	}
	var gone []draftEntry
	for code, raw := range old {
		if !seen[code] {
			e := entryOf(raw)
			e.Change = "removed"
			gone = append(gone, e)
		}
	}
	sort.Slice(gone, func(i, j int) bool { return gone[i].Code < gone[j].Code })
	return append(out, gone...)
}

func entryOf(raw json.RawMessage) draftEntry {
	var e struct {
		Code, Name, Department, Maintainer string
		ReviewPoints                       []string `json:"review_points"`
	}
	json.Unmarshal(raw, &e)
	return draftEntry{Code: e.Code, Name: e.Name, Department: e.Department,
		Maintainer: e.Maintainer, ReviewPoints: e.ReviewPoints}
}

// sameJSON compares two entries ignoring whitespace.
func sameJSON(a, b json.RawMessage) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return false
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}
