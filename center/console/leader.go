package console

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/platform/logging"
)

// deptRow is one department in the leader's queue overview.
type deptRow struct {
	Dept     api.Department
	Waiting  int
	Late     int
	Longest  int // minutes the longest-waiting ticket has waited
	Target   int
	Finished int
	Serving  []string // "3: A004" for each window serving this queue
}

// missedRow is a missed ticket and whether R13 still lets it back.
type missedRow struct {
	row
	AgoMin     int
	Reinstate  bool // within the grace minutes
	LeftMin    int
	MissedWhen time.Time
}

type leaderData struct {
	Depts   []deptRow
	Late    []row
	Missed  []missedRow
	NoShows []noShowRow
	Days    []string // days with no-shows, for clearing a whole day (R14)
	Grace   int
}

type noShowRow struct {
	api.Booking
	MatterName string
}

func (c *Console) leaderPage(w http.ResponseWriter, r *http.Request, se *Session) {
	h, now := c.hallNow()
	if h == nil {
		c.fail(w, r, se, http.StatusServiceUnavailable, "未加载大厅配置 No hall",
			center.ErrNoHall.Error())
		return
	}
	d, err := c.leaderData(r.Context(), h, now)
	if err != nil {
		c.internal(w, r, se, err)
		return
	}
	c.render(w, r, http.StatusOK, "leader", se, "组长 Group leader", d)
}

func (c *Console) leaderData(ctx context.Context, h *center.Hall,
	now time.Time) (leaderData, error) {
	d := leaderData{Grace: h.Booking.MissedGraceMinutes}
	day := h.Day(now)
	recs, err := c.eng.TicketRecords(ctx, day, day)
	if err != nil {
		return d, err
	}
	byQueue := map[string]*deptRow{}
	for _, dep := range h.Departments {
		d.Depts = append(d.Depts, deptRow{Dept: dep, Target: h.WaitTarget(dep.QueuePrefix, "")})
	}
	for i := range d.Depts {
		byQueue[d.Depts[i].Dept.QueuePrefix] = &d.Depts[i]
	}
	for _, t := range recs {
		c.tally(h, now, t, byQueue[t.Queue], &d)
	}
	slices.SortFunc(d.Late, func(a, b row) int { return b.OverMin - a.OverMin })
	d.NoShows, err = c.noShows(ctx, h, now)
	for _, ns := range d.NoShows {
		if !slices.Contains(d.Days, ns.Day) {
			d.Days = append(d.Days, ns.Day)
		}
	}
	return d, err
}

// tally adds one of today's tickets to the overview, the R8 late list and
// the R13 missed list.
func (c *Console) tally(h *center.Hall, now time.Time, t center.TicketRecord, dr *deptRow,
	d *leaderData) {
	rw := c.rowOf(h, now, t)
	switch t.Status {
	case api.TicketWaiting:
		if dr != nil {
			dr.Waiting++
			dr.Longest = max(dr.Longest, rw.WaitMin)
		}
		if rw.Late {
			d.Late = append(d.Late, rw)
			if dr != nil {
				dr.Late++
			}
		}
	case api.TicketCalled:
		if dr != nil {
			dr.Serving = append(dr.Serving, fmt.Sprintf("%d: %s", t.Window, t.Number))
		}
	case api.TicketFinished:
		if dr != nil {
			dr.Finished++
		}
	case api.TicketMissed:
		grace := time.Duration(d.Grace) * time.Minute
		ago := now.Sub(t.MissedAt)
		d.Missed = append(d.Missed, missedRow{row: rw, AgoMin: int(ago / time.Minute),
			Reinstate: ago <= grace, LeftMin: int((grace - ago + time.Minute - 1) / time.Minute),
			MissedWhen: t.MissedAt.In(h.Location())})
	}
}

// noShows lists the last week's no-show bookings (R12) a leader may clear
// after force majeure (R14).
func (c *Console) noShows(ctx context.Context, h *center.Hall,
	now time.Time) ([]noShowRow, error) {
	bs, err := c.eng.BookingsBetween(ctx, h.Day(now.AddDate(0, 0, -7)), h.Day(now))
	if err != nil {
		return nil, err
	}
	var out []noShowRow
	for _, b := range bs {
		if b.Status != api.BookingNoShow {
			continue
		}
		nr := noShowRow{Booking: b}
		if m := h.Matter(b.Matter); m != nil {
			nr.MatterName = m.Name
		}
		out = append(out, nr)
	}
	return out, nil
}

// reinstate puts a missed ticket back (R13: only within the grace minutes;
// the engine refuses later ones with the rule's message).
func (c *Console) reinstate(w http.ResponseWriter, r *http.Request, se *Session) {
	t, err := c.eng.Reinstate(r.Context(), r.PostFormValue("ticket"), r.PostFormValue("key"))
	c.afterAction(w, r, se, "/leader", "reinstate", t, err)
}

// clearNoShow applies R14 with the leader's reason.
func (c *Console) clearNoShow(w http.ResponseWriter, r *http.Request, se *Session) {
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	b, err := c.eng.ClearNoShow(r.Context(), api.NoShowClearRequest{
		BookingID: r.PostFormValue("booking"), Reason: reason})
	if err != nil {
		msg, ok := refusalText(err)
		if !ok {
			c.internal(w, r, se, err)
			return
		}
		c.done(w, r, se, "/leader", msg, true)
		return
	}
	c.logAction(r, StaffAction{At: c.now(), User: se.User.Name, Action: "clear",
		TicketID: b.ID})
	c.done(w, r, se, "/leader", "已清除爽约记录 No-show cleared for booking "+b.Code, false)
}

// clearNoShowDay applies R14 to every no-show of one day at once: a storm
// or a system failure keeps everyone booked for that day away.
func (c *Console) clearNoShowDay(w http.ResponseWriter, r *http.Request, se *Session) {
	day, reason := r.PostFormValue("day"), strings.TrimSpace(r.PostFormValue("reason"))
	if reason == "" {
		c.done(w, r, se, "/leader", "请填写原因 Give a reason for clearing (R14).", true)
		return
	}
	bs, err := c.eng.BookingsBetween(r.Context(), day, day)
	if err != nil {
		c.internal(w, r, se, err)
		return
	}
	n := 0
	for _, b := range bs {
		if b.Status != api.BookingNoShow {
			continue
		}
		if _, err := c.eng.ClearNoShow(r.Context(), api.NoShowClearRequest{BookingID: b.ID,
			Reason: reason}); err != nil {
			c.internal(w, r, se, err)
			return
		}
		c.logAction(r, StaffAction{At: c.now(), User: se.User.Name, Action: "clear",
			TicketID: b.ID})
		n++
	}
	c.done(w, r, se, "/leader", fmt.Sprintf("已清除 %s 的 %d 条爽约记录 Cleared %d no-shows of %s",
		day, n, n, day), n == 0)
}

// logAction notes who cleared a no-show. The clearing itself is committed
// and its reason kept by the engine, so a failed note is logged, not shown.
func (c *Console) logAction(r *http.Request, a StaffAction) {
	if err := c.store.LogAction(r.Context(), a); err != nil {
		c.log.Warn("staff log", "action", a.Action, logging.KeyErr, err)
	}
}
