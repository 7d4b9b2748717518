package console

import (
	"encoding/json"
	"errors"
	"net/http"

	"hallkiosk/center"
)

// GuidePath is the path of a matter's public service guide; the QR code
// on a printed guide and on a booking slip encodes the center's public base
// URL followed by it, so the citizen has the materials list on the phone.
func GuidePath(code string) string { return "/g/" + code }

// guideEntry is the citizen-facing part of a knowledge entry (K1). The
// maintainer, a department's contact for staff, is left off the public page.
type guideEntry struct {
	Department   string   `json:"department"`
	Name         string   `json:"name"`
	Code         string   `json:"code"`
	ReviewPoints []string `json:"review_points"`
	Guide        struct {
		Materials []string `json:"materials"`
		TimeLimit string   `json:"time_limit"`
		Fee       string   `json:"fee"`
		Window    string   `json:"window"`
		Basis     string   `json:"basis"`
	} `json:"guide"`
	FAQ []struct {
		Q string `json:"q"`
		A string `json:"a"`
	} `json:"faq"`
}

type guideData struct {
	Found    bool
	E        guideEntry
	Version  int64
	WaitMin  int    // R8 waiting target of the matter's class; 0 if not in the hall
	WalkIn   bool   // R1: walk-in only, no booking
	InHall   bool   // the hall model lists the matter
	Phone    string // the center's phone, for booking by phone (R3)
	QueueFor string // the queue letter, shown so a citizen knows the screen's prefix
}

// guidePage shows a matter's service guide from the published knowledge
// base: materials, time limit, fee, window, legal basis, what is checked
// and the FAQ, with whether it can be booked (R1) and its waiting target
// (R8). No login, nothing personal.
func (c *Console) guidePage(w http.ResponseWriter, r *http.Request) {
	raw, version, err := c.eng.PublishedEntry(r.Context(), r.PathValue("code"))
	if errors.Is(err, center.ErrNoEntry) {
		c.render(w, r, http.StatusNotFound, "guide", nil, "办事指南 Service guide", guideData{})
		return
	}
	if err != nil {
		c.internal(w, r, nil, err)
		return
	}
	d := guideData{Found: true, Version: version}
	if err := json.Unmarshal(raw, &d.E); err != nil {
		c.internal(w, r, nil, err)
		return
	}
	if h := c.eng.CurrentHall(); h != nil {
		d.Phone = h.Phone
		if m := h.Matter(d.E.Code); m != nil {
			d.InHall = true
			d.QueueFor = h.MatterQueue(m)
			d.WaitMin = h.WaitTarget(d.QueueFor, m.Code)
			if dep := h.Dept(d.QueueFor); dep != nil {
				d.WalkIn = !dep.Bookable
			}
		}
	}
	c.render(w, r, http.StatusOK, "guide", nil, d.E.Name+" 办事指南 Service guide", d)
}
