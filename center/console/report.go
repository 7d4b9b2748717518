package console

import (
	"context"
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"hallkiosk/center"
	"hallkiosk/center/api"
)

// Report is the figures of a day or a range of days.
type Report struct {
	From, To string
	Queues   []QueueFigures
	Classes  []ClassFigures
	Staff    []StaffFigures
	Bookings int // bookings for the days
	NoShows  int // R12 no-shows, including those cleared
	Cleared  int // R14 cleared after force majeure
	Missed   int // tickets marked missed (过号) at least once
	Ratings  Ratings
	Days     []DayFigures // one per day of the range, in order
}

// DayFigures are one day of a range.
type DayFigures struct {
	Day      string
	Issued   int
	Finished int
	Missed   int
	NoShows  int
	Waits    int     // tickets whose wait counts against R8
	Within   int     // of them, called within their class's target
	Share    float64 // Within / Waits
}

// QueueFigures are one queue's tickets.
type QueueFigures struct {
	Dept, Queue                     string
	Issued, Booked, WalkIn          int
	Called, Finished, Missed, Still int // Still: waiting at the end
	Ratings                         Ratings
}

// ClassFigures compare waits with the R8 target of a class (general 10,
// complex 30, special 60 minutes). A ticket still waiting past its target
// counts as not within.
type ClassFigures struct {
	Class         string
	Target        int
	Tickets       int
	Within        int
	Share         float64 // Within / Tickets
	MeanWaitMin   float64
	LongestWaitMn int
}

// StaffFigures are S2's per-staff figures: calls, service time, misses,
// ratings of the tickets the staff member called.
type StaffFigures struct {
	User        string
	Calls       int
	Recalls     int
	Misses      int
	Finished    int
	ServiceMin  float64 // total minutes from call to finish
	MeanService float64
	Ratings     Ratings
}

// Ratings counts R15 ratings.
type Ratings struct{ Good, Fair, Bad, None int }

func (r *Ratings) add(s string) {
	switch s {
	case api.RatingGood:
		r.Good++
	case api.RatingFair:
		r.Fair++
	case api.RatingBad:
		r.Bad++
	default:
		r.None++
	}
}

// BuildReport computes the figures for days from..to from the engine's
// tickets and bookings and the console's staff log.
func BuildReport(ctx context.Context, eng *center.Engine, store *Store, h *center.Hall,
	now time.Time, from, to string) (Report, error) {
	rep := Report{From: from, To: to}
	recs, err := eng.TicketRecords(ctx, from, to)
	if err != nil {
		return rep, err
	}
	bookings, err := eng.BookingsBetween(ctx, from, to)
	if err != nil {
		return rep, err
	}
	start, end, err := dayBounds(h, from, to)
	if err != nil {
		return rep, err
	}
	log, err := store.StaffLog(ctx, start, end)
	if err != nil {
		return rep, err
	}
	rep.queues(h, recs)
	rep.classes(h, now, recs)
	rep.staff(log, recs)
	rep.bookings(bookings)
	rep.days(h, now, start, end, recs, bookings)
	return rep, nil
}

func dayBounds(h *center.Hall, from, to string) (time.Time, time.Time, error) {
	start, err := time.ParseInLocation(api.DayLayout, from, h.Location())
	if err != nil {
		return start, start, fmt.Errorf("from: %w", err)
	}
	last, err := time.ParseInLocation(api.DayLayout, to, h.Location())
	if err != nil {
		return start, start, fmt.Errorf("to: %w", err)
	}
	return start, last.AddDate(0, 0, 1), nil
}

func (rep *Report) queues(h *center.Hall, recs []center.TicketRecord) {
	idx := map[string]int{}
	for _, d := range h.Departments {
		idx[d.QueuePrefix] = len(rep.Queues)
		rep.Queues = append(rep.Queues, QueueFigures{Dept: d.Name, Queue: d.QueuePrefix})
	}
	for _, t := range recs {
		i, ok := idx[t.Queue]
		if !ok { // a queue the current hall no longer has
			i = len(rep.Queues)
			idx[t.Queue] = i
			rep.Queues = append(rep.Queues, QueueFigures{Dept: "?", Queue: t.Queue})
		}
		rep.Queues[i].add(t)
		if !t.MissedAt.IsZero() {
			rep.Missed++
		}
		if t.Status == api.TicketFinished {
			rep.Ratings.add(t.Rating)
		}
	}
}

func (q *QueueFigures) add(t center.TicketRecord) {
	q.Issued++
	if t.Kind == api.KindBooked {
		q.Booked++
	} else {
		q.WalkIn++
	}
	if !t.CalledAt.IsZero() {
		q.Called++
	}
	if !t.MissedAt.IsZero() {
		q.Missed++
	}
	switch t.Status {
	case api.TicketFinished:
		q.Finished++
		q.Ratings.add(t.Rating)
	case api.TicketWaiting:
		q.Still++
	}
}

// classes applies R8 per class. The wait is issue to (last) call; a ticket
// never called waits until now, or until the end of its day for past days.
func (rep *Report) classes(h *center.Hall, now time.Time, recs []center.TicketRecord) {
	names := map[int]string{}
	for class, min := range h.WaitTargets {
		names[min] = class
	}
	byTarget := map[int]*ClassFigures{}
	var sum = map[int]time.Duration{}
	for _, t := range recs {
		if !counted(t) {
			continue
		}
		cf := byTarget[t.TargetMin]
		if cf == nil {
			cf = &ClassFigures{Class: names[t.TargetMin], Target: t.TargetMin}
			byTarget[t.TargetMin] = cf
		}
		wait := waitOf(h, now, t)
		cf.Tickets++
		sum[t.TargetMin] += wait
		if wait <= time.Duration(t.TargetMin)*time.Minute {
			cf.Within++
		}
		cf.LongestWaitMn = max(cf.LongestWaitMn, int(wait/time.Minute))
	}
	for target, cf := range byTarget {
		cf.Share = float64(cf.Within) / float64(cf.Tickets)
		cf.MeanWaitMin = sum[target].Minutes() / float64(cf.Tickets)
		rep.Classes = append(rep.Classes, *cf)
	}
	sort.Slice(rep.Classes, func(i, j int) bool {
		return rep.Classes[i].Target < rep.Classes[j].Target
	})
}

func waitOf(h *center.Hall, now time.Time, t center.TicketRecord) time.Duration {
	if !t.CalledAt.IsZero() {
		return t.CalledAt.Sub(t.IssuedAt)
	}
	end := now
	if _, dayEnd, err := dayBounds(h, t.Day, t.Day); err == nil && dayEnd.Before(now) {
		end = dayEnd
	}
	return end.Sub(t.IssuedAt)
}

// staff computes S2 from the staff log: calls, recalls and misses as
// logged; service time and rating of a finished ticket go to the staff
// member whose call was its last (a reinstated ticket is called twice).
func (rep *Report) staff(log []StaffAction, recs []center.TicketRecord) {
	byID := map[string]center.TicketRecord{}
	for _, t := range recs {
		byID[t.ID] = t
	}
	lastCall := map[string]int{}
	for i, a := range log {
		if a.Action == "call" {
			lastCall[a.TicketID] = i
		}
	}
	idx := map[string]int{}
	for i, a := range log {
		if a.Action != "call" && a.Action != "recall" && a.Action != "missed" {
			continue // leaders' reinstating and clearing are not window work
		}
		j, ok := idx[a.User]
		if !ok {
			j = len(rep.Staff)
			idx[a.User] = j
			rep.Staff = append(rep.Staff, StaffFigures{User: a.User})
		}
		rep.Staff[j].count(a, byID, lastCall[a.TicketID] == i)
	}
	for i := range rep.Staff {
		if s := &rep.Staff[i]; s.Finished > 0 {
			s.MeanService = s.ServiceMin / float64(s.Finished)
		}
	}
	sort.Slice(rep.Staff, func(i, j int) bool { return rep.Staff[i].User < rep.Staff[j].User })
}

func (s *StaffFigures) count(a StaffAction, byID map[string]center.TicketRecord, last bool) {
	switch a.Action {
	case "call":
		s.Calls++
		t, ok := byID[a.TicketID]
		if ok && last && t.Status == api.TicketFinished && t.Window == a.Window &&
			!t.CalledAt.IsZero() {
			s.Finished++
			s.ServiceMin += t.FinishedAt.Sub(t.CalledAt).Minutes()
			s.Ratings.add(t.Rating)
		}
	case "recall":
		s.Recalls++
	case "missed":
		s.Misses++
	}
}

func (rep *Report) bookings(bs []api.Booking) {
	rep.Bookings = len(bs)
	for _, b := range bs {
		switch b.Status {
		case api.BookingNoShow:
			rep.NoShows++
		case api.BookingCleared:
			rep.NoShows++
			rep.Cleared++
		}
	}
}

// days splits the range by day, so a week or a month reads as a trend.
func (rep *Report) days(h *center.Hall, now, start, end time.Time, recs []center.TicketRecord,
	bookings []api.Booking) {
	idx := map[string]int{}
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		idx[h.Day(d)] = len(rep.Days)
		rep.Days = append(rep.Days, DayFigures{Day: h.Day(d)})
	}
	for _, t := range recs {
		i, ok := idx[t.Day]
		if !ok {
			continue
		}
		df := &rep.Days[i]
		df.Issued++
		if t.Status == api.TicketFinished {
			df.Finished++
		}
		if !t.MissedAt.IsZero() {
			df.Missed++
		}
		if counted(t) {
			df.Waits++
			if waitOf(h, now, t) <= time.Duration(t.TargetMin)*time.Minute {
				df.Within++
			}
		}
	}
	for _, b := range bookings {
		if i, ok := idx[b.Day]; ok && (b.Status == api.BookingNoShow ||
			b.Status == api.BookingCleared) {
			rep.Days[i].NoShows++
		}
	}
	for i := range rep.Days {
		if d := &rep.Days[i]; d.Waits > 0 {
			d.Share = float64(d.Within) / float64(d.Waits)
		}
	}
}

// counted says whether a ticket's wait counts against R8: all but those
// missed without ever being called (which cannot happen today, but a
// journal from a device might say so).
func counted(t center.TicketRecord) bool {
	return !(t.Status == api.TicketMissed && t.CalledAt.IsZero())
}

// reportRange reads from/to (default today), at most 92 days apart.
func reportRange(r *http.Request, h *center.Hall, now time.Time) (string, string, error) {
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	if from == "" {
		from = h.Day(now)
	}
	if to == "" {
		to = from
	}
	start, end, err := dayBounds(h, from, to)
	if err != nil {
		return from, to, fmt.Errorf("dates: want YYYY-MM-DD")
	}
	if !end.After(start) || end.Sub(start) > 92*24*time.Hour {
		return from, to, fmt.Errorf("dates: 'to' must be on or after 'from', at most 92 days")
	}
	return from, to, nil
}

type reportsData struct {
	Report
	Error  string
	Charts []template.HTML
}

func (c *Console) reportsPage(w http.ResponseWriter, r *http.Request, se *Session) {
	h, now := c.hallNow()
	if h == nil {
		c.fail(w, r, se, http.StatusServiceUnavailable, "未加载大厅配置 No hall",
			center.ErrNoHall.Error())
		return
	}
	from, to, err := reportRange(r, h, now)
	d := reportsData{Report: Report{From: from, To: to}}
	if err != nil {
		d.Error = err.Error()
		c.render(w, r, http.StatusBadRequest, "reports", se, "报表 Reports", d)
		return
	}
	if d.Report, err = BuildReport(r.Context(), c.eng, c.store, h, now, from, to); err != nil {
		c.internal(w, r, se, err)
		return
	}
	d.Charts = charts(d.Report)
	c.render(w, r, http.StatusOK, "reports", se, "报表 Reports", d)
}

// reportsCSV exports one table of the report (table=queues|waits|staff|days).
func (c *Console) reportsCSV(w http.ResponseWriter, r *http.Request, se *Session) {
	h, now := c.hallNow()
	if h == nil {
		http.Error(w, center.ErrNoHall.Error(), http.StatusServiceUnavailable)
		return
	}
	from, to, err := reportRange(r, h, now)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rep, err := BuildReport(r.Context(), c.eng, c.store, h, now, from, to)
	if err != nil {
		c.internal(w, r, se, err)
		return
	}
	table := r.URL.Query().Get("table")
	rows, ok := csvTables[table]
	if !ok {
		http.Error(w, "table: want queues, waits, staff or days", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition",
		fmt.Sprintf("attachment; filename=hall-%s-%s-%s.csv", table, from, to))
	w.Write([]byte("\ufeff")) // BOM: spreadsheet programs then read the Chinese as UTF-8
	cw := csv.NewWriter(w)
	cw.WriteAll(rows(rep))
}

var csvTables = map[string]func(Report) [][]string{
	"queues": queueCSV, "waits": waitCSV, "staff": staffCSV, "days": dayCSV,
}

func dayCSV(rep Report) [][]string {
	out := [][]string{{"day", "issued", "finished", "missed", "no_shows", "waits",
		"within_target", "share_within"}}
	for _, d := range rep.Days {
		out = append(out, []string{d.Day, itoa(d.Issued), itoa(d.Finished), itoa(d.Missed),
			itoa(d.NoShows), itoa(d.Waits), itoa(d.Within),
			strconv.FormatFloat(d.Share, 'f', 3, 64)})
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

func queueCSV(rep Report) [][]string {
	out := [][]string{{"from", "to", "department", "queue", "issued", "booked", "walk_in",
		"called", "finished", "missed", "still_waiting", "good", "fair", "bad", "unrated"}}
	for _, q := range rep.Queues {
		out = append(out, []string{rep.From, rep.To, q.Dept, q.Queue, itoa(q.Issued),
			itoa(q.Booked), itoa(q.WalkIn), itoa(q.Called), itoa(q.Finished), itoa(q.Missed),
			itoa(q.Still), itoa(q.Ratings.Good), itoa(q.Ratings.Fair), itoa(q.Ratings.Bad),
			itoa(q.Ratings.None)})
	}
	return out
}

func waitCSV(rep Report) [][]string {
	out := [][]string{{"from", "to", "class", "target_min", "tickets", "within_target",
		"share_within", "mean_wait_min", "longest_wait_min"}}
	for _, c := range rep.Classes {
		out = append(out, []string{rep.From, rep.To, c.Class, itoa(c.Target), itoa(c.Tickets),
			itoa(c.Within), strconv.FormatFloat(c.Share, 'f', 3, 64), ftoa(c.MeanWaitMin),
			itoa(c.LongestWaitMn)})
	}
	return out
}

func staffCSV(rep Report) [][]string {
	out := [][]string{{"from", "to", "user", "calls", "recalls", "misses", "finished",
		"service_min", "mean_service_min", "good", "fair", "bad", "unrated"}}
	for _, s := range rep.Staff {
		out = append(out, []string{rep.From, rep.To, s.User, itoa(s.Calls), itoa(s.Recalls),
			itoa(s.Misses), itoa(s.Finished), ftoa(s.ServiceMin), ftoa(s.MeanService),
			itoa(s.Ratings.Good), itoa(s.Ratings.Fair), itoa(s.Ratings.Bad),
			itoa(s.Ratings.None)})
	}
	return out
}

// charts draws the few figures a person would rather see than read:
// tickets per queue, the share within target per class, and ratings.
func charts(rep Report) []template.HTML {
	var q []bar
	for _, f := range rep.Queues {
		q = append(q, bar{Label: f.Queue + " " + f.Dept, Value: float64(f.Issued),
			Text: itoa(f.Issued)})
	}
	var w []bar
	for _, c := range rep.Classes {
		w = append(w, bar{Label: fmt.Sprintf("%s (≤%d min)", c.Class, c.Target),
			Value: c.Share * 100, Text: fmt.Sprintf("%.0f%%", c.Share*100), Max: 100})
	}
	r := rep.Ratings
	rt := []bar{{Label: "好评 good", Value: float64(r.Good), Text: itoa(r.Good)},
		{Label: "一般 fair", Value: float64(r.Fair), Text: itoa(r.Fair)},
		{Label: "差评 bad", Value: float64(r.Bad), Text: itoa(r.Bad)}}
	out := []template.HTML{
		barChart("取号量 Tickets per queue", q),
		barChart("等候达标率 Share within target (R8)", w),
		barChart("评价 Ratings (R15)", rt),
	}
	if len(rep.Days) > 1 {
		var d []bar
		for _, f := range rep.Days {
			d = append(d, bar{Label: f.Day, Value: float64(f.Issued),
				Text: fmt.Sprintf("%d · %.0f%% ≤ target", f.Issued, f.Share*100)})
		}
		out = append(out, barChart("每日取号与达标率 Tickets per day, share within target", d))
	}
	return out
}

type bar struct {
	Label string
	Value float64
	Text  string
	Max   float64 // scale; 0 means the largest value
}

// barChart renders horizontal bars as an SVG. Labels are escaped: they
// come from the hall file.
func barChart(title string, bars []bar) template.HTML {
	const rowH, labelW, barW = 26, 260, 300
	height := 30 + rowH*max(len(bars), 1)
	var b strings.Builder
	fmt.Fprintf(&b, `<figure class="chart"><svg role="img" aria-label="%s" width="%d" `+
		`height="%d" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">`,
		esc(title), labelW+barW+60, height, labelW+barW+60, height)
	fmt.Fprintf(&b, `<text x="0" y="16" class="t">%s</text>`, esc(title))
	scale := 0.0
	for _, br := range bars {
		scale = max(scale, br.Value, br.Max)
	}
	for i, br := range bars {
		y := 30 + i*rowH
		wd := 0.0
		if scale > 0 {
			wd = br.Value / scale * barW
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="l">%s</text>`, labelW-8, y+17, esc(br.Label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" class="b"/>`,
			labelW, y+4, wd, rowH-8)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="v">%s</text>`, float64(labelW)+wd+6,
			y+17, esc(br.Text))
	}
	b.WriteString(`</svg></figure>`)
	return template.HTML(b.String())
}

func esc(s string) string { return template.HTMLEscapeString(s) }
