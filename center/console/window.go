package console

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/platform/logging"
)

// row is a ticket as the console lists it.
type row struct {
	center.TicketRecord
	MatterName string
	Dept       string
	Booked     bool
	WaitMin    int  // minutes waited so far, or until called
	Late       bool // R8: past its class's waiting target
	OverMin    int  // minutes past the target
}

func (c *Console) rowOf(h *center.Hall, now time.Time, t center.TicketRecord) row {
	loc := h.Location() // staff read times on the hall's clock
	t.IssuedAt, t.CalledAt = t.IssuedAt.In(loc), t.CalledAt.In(loc)
	t.MissedAt, t.FinishedAt = t.MissedAt.In(loc), t.FinishedAt.In(loc)
	r := row{TicketRecord: t, Booked: t.Kind == api.KindBooked}
	if m := h.Matter(t.Matter); m != nil {
		r.MatterName = m.Name
	}
	if d := h.Dept(t.Queue); d != nil {
		r.Dept = d.Name
	}
	end := now
	if t.Status != api.TicketWaiting && !t.CalledAt.IsZero() {
		end = t.CalledAt
	}
	r.WaitMin = int(end.Sub(t.IssuedAt) / time.Minute)
	if t.Status == api.TicketWaiting && t.TargetMin > 0 {
		over := now.Sub(t.IssuedAt) - time.Duration(t.TargetMin)*time.Minute
		r.Late, r.OverMin = over >= 0, int(over/time.Minute)
	}
	return r
}

// byCallOrder sorts waiting tickets in the order CallNext takes them.
// R10: booked tickets are called before walk-ins; then by issue time.
func byCallOrder(a, b row) int {
	if a.Booked != b.Booked {
		if a.Booked {
			return -1
		}
		return 1
	}
	return cmp.Or(a.IssuedAt.Compare(b.IssuedAt), cmp.Compare(a.Number, b.Number))
}

// maxListed bounds the waiting list on a window's page: staff need the next
// few, and a long list would make every live refresh slow.
const maxListed = 50

type windowData struct {
	Windows []api.Window
	Window  int
	Queues  string
	Current *row
	Waiting []row            // the first maxListed in call order
	Total   int              // all waiting for the window
	Targets []api.Department // transfer destinations
}

func (c *Console) windowPage(w http.ResponseWriter, r *http.Request, se *Session) {
	h, now := c.hallNow()
	if h == nil {
		c.fail(w, r, se, http.StatusServiceUnavailable, "未加载大厅配置 No hall",
			center.ErrNoHall.Error())
		return
	}
	d := windowData{Windows: h.Windows, Window: se.Window, Targets: h.Departments}
	if se.Window != 0 {
		if err := c.fillWindow(r.Context(), h, now, se.Window, &d); err != nil {
			c.internal(w, r, se, err)
			return
		}
	}
	c.render(w, r, http.StatusOK, "window", se, fmt.Sprintf("窗口 Window %d", se.Window), d)
}

func (c *Console) fillWindow(ctx context.Context, h *center.Hall, now time.Time, win int,
	d *windowData) error {
	queues := h.WindowQueues(win)
	d.Queues = strings.Join(queues, " ")
	day := h.Day(now)
	recs, err := c.eng.TicketRecords(ctx, day, day)
	if err != nil {
		return err
	}
	for _, t := range recs {
		switch {
		case t.Status == api.TicketCalled && t.Window == win:
			cur := c.rowOf(h, now, t)
			d.Current = &cur
		case t.Status == api.TicketWaiting && slices.Contains(queues, t.Queue):
			d.Waiting = append(d.Waiting, c.rowOf(h, now, t))
		}
	}
	slices.SortFunc(d.Waiting, byCallOrder)
	d.Total = len(d.Waiting)
	d.Waiting = d.Waiting[:min(d.Total, maxListed)]
	return nil
}

func (c *Console) selectWindow(w http.ResponseWriter, r *http.Request, se *Session) {
	h, _ := c.hallNow()
	n, err := strconv.Atoi(r.PostFormValue("window"))
	if h == nil || err != nil || len(h.WindowQueues(n)) == 0 {
		c.done(w, r, se, "/window", "没有这个窗口 No such window.", true)
		return
	}
	if err := c.store.SetWindow(r.Context(), se, n); err != nil {
		c.internal(w, r, se, err)
		return
	}
	c.done(w, r, se, "/window", fmt.Sprintf("已登录 %d 号窗口 Working at window %d.", n, n), false)
}

// windowAction runs one staff action for the session's window. The form
// carries an idempotency key rendered with the page: a double click sends
// the same key twice and the engine acts once (S1, R10, R13 are the
// engine's to enforce).
func (c *Console) windowAction(w http.ResponseWriter, r *http.Request, se *Session) {
	if se.Window == 0 {
		c.done(w, r, se, "/window", "请先选择窗口 Choose your window first.", true)
		return
	}
	key, id := r.PostFormValue("key"), r.PostFormValue("ticket")
	action := r.PathValue("action")
	var t api.Ticket
	var err error
	switch action {
	case "call-next":
		t, err = c.eng.CallNext(r.Context(), se.Window, key)
	case "recall":
		t, err = c.eng.Recall(r.Context(), se.Window, key)
	case "missed", "transfer", "finish":
		t, err = c.ticketAction(r, se, action, id, key)
	default:
		c.fail(w, r, se, http.StatusNotFound, "没有这个操作 Unknown action", action)
		return
	}
	c.afterAction(w, r, se, "/window", action, t, err)
}

// ticketAction acts on the ticket the window is serving; staff cannot
// touch a ticket another window called.
func (c *Console) ticketAction(r *http.Request, se *Session, action, id,
	key string) (api.Ticket, error) {
	rec, err := c.eng.TicketRecordByID(r.Context(), id)
	if err != nil {
		return api.Ticket{}, err
	}
	if rec.Window != se.Window {
		return api.Ticket{}, errNotYours
	}
	switch action {
	case "missed":
		return c.eng.Missed(r.Context(), id, key)
	case "transfer":
		return c.eng.Transfer(r.Context(), id, r.PostFormValue("queue"), key)
	}
	return c.eng.Finish(r.Context(), id, r.PostFormValue("rating"),
		strings.TrimSpace(r.PostFormValue("comment")), key)
}

// errNotYours refuses an action on a ticket another window serves.
var errNotYours = &center.Refusal{Status: http.StatusForbidden, Err: api.Error{
	Code: api.ErrCodeForbidden, Message: "this ticket is not at your window"}}

// actionDone are the messages after a successful action.
var actionDone = map[string]string{
	"call-next": "已叫号 Called %s", "recall": "已重呼 Recalled %s",
	"missed": "已过号 Marked %s missed", "transfer": "已转移 Transferred %s",
	"finish": "已办结 Finished %s", "reinstate": "已恢复 Reinstated %s",
}

// afterAction logs a successful action for S2 and tells the user what
// happened; a refusal is shown as the rule's message and changed nothing.
//
// TODO: the staff log lives in console.db, apart from the engine's commit
// of the action: if writing it fails the action stands (and the page says
// it was done) but S2 does not count it. One store, or the user's name
// passed into the engine's transaction, would close that gap.
func (c *Console) afterAction(w http.ResponseWriter, r *http.Request, se *Session, to,
	action string, t api.Ticket, err error) {
	if err != nil {
		msg, ok := refusalText(err)
		if !ok {
			c.internal(w, r, se, err)
			return
		}
		c.done(w, r, se, to, msg, true)
		return
	}
	a := StaffAction{At: c.now(), User: se.User.Name, Window: se.Window,
		Action: strings.TrimSuffix(action, "-next"), TicketID: t.ID,
		Key: r.PostFormValue("key")}
	if err := c.store.LogAction(r.Context(), a); err != nil {
		// The action stands: say so, rather than "nothing was changed".
		c.log.Error("staff log", "action", a.Action, logging.KeyErr, err)
	}
	c.done(w, r, se, to, fmt.Sprintf(actionDone[action], t.Number), false)
}
