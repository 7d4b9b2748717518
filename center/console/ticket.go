package console

import (
	"context"
	"net/http"
	"slices"
	"time"

	"hallkiosk/center"
	"hallkiosk/center/api"
)

// TicketPath is the path of a ticket's status page; the printed ticket's QR
// code encodes the center's public base URL followed by it, e.g.
// https://hall.example.cn/t/4f0c…  The ticket id is the kiosk's random
// 32-hex-digit id, so the page needs no login and reveals nothing personal.
func TicketPath(ticketID string) string { return "/t/" + ticketID }

// defaultServiceMin is the service time assumed before a queue has finished
// a ticket today.
const defaultServiceMin = 6

type ticketData struct {
	Found      bool
	Number     string
	Dept       string
	Matter     string
	Status     string
	Window     int
	Ahead      int
	EstMin     int
	IssuedAt   time.Time
	MissedOver bool // R13 grace passed: take a new ticket
}

// ticketPage is the citizens' status page: number, people ahead, an
// estimated wait, and whether it was called, in Chinese and English.
func (c *Console) ticketPage(w http.ResponseWriter, r *http.Request) {
	h, now := c.hallNow()
	rec, err := c.eng.TicketRecordByID(r.Context(), r.PathValue("id"))
	if h == nil || err != nil {
		c.render(w, r, http.StatusNotFound, "ticket", nil, "排队查询 Ticket", ticketData{})
		return
	}
	d, err := c.ticketData(r.Context(), h, now, rec)
	if err != nil {
		c.internal(w, r, nil, err)
		return
	}
	c.render(w, r, http.StatusOK, "ticket", nil, d.Number+" 排队查询 Ticket", d)
}

func (c *Console) ticketData(ctx context.Context, h *center.Hall, now time.Time,
	t center.TicketRecord) (ticketData, error) {
	d := ticketData{Found: true, Number: t.Number, Status: t.Status, Window: t.Window,
		IssuedAt: t.IssuedAt.In(h.Location())}
	if dep := h.Dept(t.Queue); dep != nil {
		d.Dept = dep.Name
	}
	if m := h.Matter(t.Matter); m != nil {
		d.Matter = m.Name
	}
	grace := time.Duration(h.Booking.MissedGraceMinutes) * time.Minute
	d.MissedOver = t.Status == api.TicketMissed && now.Sub(t.MissedAt) > grace
	if t.Status != api.TicketWaiting {
		return d, nil
	}
	recs, err := c.eng.TicketRecords(ctx, t.Day, t.Day)
	if err != nil {
		return d, err
	}
	d.Ahead, d.EstMin = estimate(h, now, t, recs)
	return d, nil
}

// estimate counts the tickets CallNext would take before t (R10: booked
// before walk-in, then issue order) and guesses the wait: the people ahead
// times today's mean service time of the queue, shared by the windows
// serving it.
func estimate(h *center.Hall, now time.Time, t center.TicketRecord,
	recs []center.TicketRecord) (int, int) {
	me := row{TicketRecord: t, Booked: t.Kind == api.KindBooked}
	var ahead, served int
	var busy time.Duration
	for _, o := range recs {
		if o.Queue != t.Queue {
			continue
		}
		if o.Status == api.TicketFinished && !o.CalledAt.IsZero() {
			served++
			busy += o.FinishedAt.Sub(o.CalledAt)
		}
		other := row{TicketRecord: o, Booked: o.Kind == api.KindBooked}
		if o.Status == api.TicketWaiting && o.ID != t.ID && byCallOrder(other, me) < 0 {
			ahead++
		}
	}
	per := float64(defaultServiceMin)
	if served > 0 {
		per = busy.Minutes() / float64(served)
	}
	windows := 0
	for _, win := range h.Windows {
		if slices.Contains(win.Queues, t.Queue) {
			windows++
		}
	}
	return ahead, int(float64(ahead+1)*per/float64(max(windows, 1)) + 0.5)
}
