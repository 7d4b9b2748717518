package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"hallkiosk/center"
	"hallkiosk/center/api"
)

// onlineWithin is how recent a heartbeat must be for a device to count as
// online; devices beat about once a minute.
const onlineWithin = 3 * time.Minute

// maxUpload bounds a hall or knowledge file upload.
const maxUpload = 4 << 20

type deviceRow struct {
	center.DeviceHealth
	Online   bool
	Seen     string
	Up       string // uptime, "3d 4h"
	Printer  string // its state, paper included
	Reader   string
	Synced   string // last successful sync, hall time; "—" if none since start
	Disk     string // free disk, "4.8 GiB"; "?" when not reported
	Other    string
	Backlog  string
	KBHeld   string
	KBBehind bool
	// Warn names the columns an alert is about ("behind", "disk"), so the
	// cell is marked where the admin looks.
	Warn map[string]bool
}

type adminData struct {
	Alerts    []center.DeviceAlert // silent, out of paper, behind
	Devices   []deviceRow
	HallVer   int64
	KBVer     int64
	KBEntries int
	KBAt      time.Time
	Drafts    []center.KnowledgeDraft
	Feedback  []feedbackRow
	Notices   []api.Notice
	Users     []User
}

type feedbackRow struct {
	center.FeedbackSummary
	Name string
	Dept string
}

func (c *Console) adminPage(w http.ResponseWriter, r *http.Request, se *Session) {
	d, err := c.adminData(r.Context())
	if err != nil {
		c.internal(w, r, se, err)
		return
	}
	c.render(w, r, http.StatusOK, "admin", se, "管理 Admin", d)
}

func (c *Console) adminData(ctx context.Context) (adminData, error) {
	var d adminData
	var err error
	h, now := c.hallNow()
	if h != nil {
		d.HallVer = h.Version
	}
	if d.KBVer, d.KBEntries, d.KBAt, err = c.eng.KnowledgeVersion(ctx); err != nil {
		return d, err
	}
	if d.Alerts, err = c.eng.DeviceAlerts(ctx, center.AlertLimits{}); err != nil {
		return d, err
	}
	if d.Devices, err = c.deviceRows(ctx, now, d.KBVer, d.Alerts); err != nil {
		return d, err
	}
	if d.Drafts, err = c.eng.KnowledgeDrafts(ctx); err != nil {
		return d, err
	}
	if d.Feedback, err = c.feedbackRows(ctx, h); err != nil {
		return d, err
	}
	notices, err := c.eng.PullNotices(ctx, 0)
	if err != nil {
		return d, err
	}
	d.Notices = notices.Notices
	d.Users, err = c.store.Users(ctx)
	d.local(now.Location())
	return d, err
}

// local puts the page's times on the hall's clock.
func (d *adminData) local(loc *time.Location) {
	d.KBAt = d.KBAt.In(loc)
	for i := range d.Drafts {
		d.Drafts[i].ImportedAt = d.Drafts[i].ImportedAt.In(loc)
		d.Drafts[i].ReviewedAt = d.Drafts[i].ReviewedAt.In(loc)
	}
	for i := range d.Notices {
		d.Notices[i].Until = d.Notices[i].Until.In(loc)
	}
}

// deviceRows shows each device's last heartbeat: online, version, uptime,
// the printer's state with its paper, the reader, the last successful
// sync, free disk, the journal backlog and the knowledge version it holds
// (K3). Cells an alert is about are marked.
func (c *Console) deviceRows(ctx context.Context, now time.Time, kb int64,
	alerts []center.DeviceAlert) ([]deviceRow, error) {
	devs, err := c.eng.Devices(ctx)
	if err != nil {
		return nil, err
	}
	notes, err := c.eng.DeviceNotes(ctx)
	if err != nil {
		return nil, err
	}
	var out []deviceRow
	for _, dv := range devs {
		dr := deviceRowOf(dv, notes, now, kb)
		for _, a := range alerts {
			if a.DeviceID == dv.ID {
				dr.Warn[a.Kind] = true
			}
		}
		out = append(out, dr)
	}
	return out, nil
}

func deviceRowOf(dv center.DeviceHealth, notes map[string]center.DeviceNote, now time.Time,
	kb int64) deviceRow {
	dr := deviceRow{DeviceHealth: dv, Seen: "—", Synced: "—", Disk: "?", Backlog: "?",
		KBHeld: "?", Warn: map[string]bool{}}
	if dv.LastSeen.Unix() > 0 {
		dr.Online = now.Sub(dv.LastSeen) < onlineWithin && !dv.Revoked
		dr.Seen = dv.LastSeen.In(now.Location()).Format("01-02 15:04:05")
		dr.Up = fmtUptime(time.Duration(dv.Uptime) * time.Second)
	}
	if !dv.LastSync.IsZero() {
		dr.Synced = dv.LastSync.In(now.Location()).Format("01-02 15:04:05")
	}
	if dv.DiskFree != nil {
		dr.Disk = fmtBytes(*dv.DiskFree)
	}
	var other []string
	for k, v := range dv.Health {
		switch k {
		case api.HealthPrinter:
			dr.Printer = v
		case api.HealthReader:
			dr.Reader = v
		default:
			other = append(other, k+": "+v)
		}
	}
	slices.Sort(other)
	dr.Other = strings.Join(other, ", ")
	if n, ok := notes[dv.ID]; ok {
		if n.JournalPending >= 0 {
			dr.Backlog = strconv.FormatInt(n.JournalPending, 10)
		}
		if n.KnowledgeVersion >= 0 {
			dr.KBHeld = strconv.FormatInt(n.KnowledgeVersion, 10)
			dr.KBBehind = n.KnowledgeVersion < kb
		}
	}
	return dr
}

// fmtUptime shows an uptime to the unit that matters: days and hours,
// hours and minutes, or minutes.
func fmtUptime(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd %dh", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	case d >= time.Hour:
		return fmt.Sprintf("%dh %dm", d/time.Hour, d%time.Hour/time.Minute)
	default:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
}

// fmtBytes shows a free-disk figure in MiB below a GiB, else in GiB.
func fmtBytes(n int64) string {
	if n < 1<<30 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
}

func (c *Console) feedbackRows(ctx context.Context, h *center.Hall) ([]feedbackRow, error) {
	sums, err := c.eng.KnowledgeFeedbackSummary(ctx)
	if err != nil {
		return nil, err
	}
	var out []feedbackRow
	for _, s := range sums {
		fr := feedbackRow{FeedbackSummary: s}
		if h != nil {
			if m := h.Matter(s.Code); m != nil {
				fr.Name, fr.Dept = m.Name, m.Department
			}
		}
		out = append(out, fr)
	}
	return out, nil
}

// adminActions are the admin's POST actions by path name.
var adminActions = map[string]func(*Console, *http.Request, *Session) (string, error){
	"enrol-code":       (*Console).enrolCode,
	"hall":             (*Console).loadHall,
	"knowledge-import": (*Console).importKnowledge,
	"knowledge-review": (*Console).reviewKnowledge,
	"knowledge-publish": func(c *Console, r *http.Request, se *Session) (string, error) {
		id, _ := strconv.ParseInt(r.PostFormValue("draft"), 10, 64)
		v, err := c.eng.PublishKnowledgeDraft(r.Context(), id)
		return fmt.Sprintf("已发布知识库版本 %d Published knowledge version %d", v, v), err
	},
	"revoke": func(c *Console, r *http.Request, se *Session) (string, error) {
		id := r.PostFormValue("device")
		if err := c.eng.RevokeDevice(r.Context(), id); err != nil {
			return "", err
		}
		return "设备已注销 Device revoked: " + id, nil
	},
	"notice": (*Console).addNotice,
	"user":   (*Console).addUser,
}

// adminAction runs one admin action and reports its outcome on the admin
// page. Bad input gets the reason and changes nothing.
func (c *Console) adminAction(w http.ResponseWriter, r *http.Request, se *Session) {
	act, ok := adminActions[r.PathValue("action")]
	if !ok {
		c.fail(w, r, se, http.StatusNotFound, "没有这个操作 Unknown action", r.PathValue("action"))
		return
	}
	msg, err := act(c, r, se)
	if err != nil {
		text, ok := refusalText(err)
		var bad *inputError
		if errors.As(err, &bad) {
			text, ok = bad.msg, true
		}
		if !ok {
			c.internal(w, r, se, err)
			return
		}
		c.done(w, r, se, "/admin", text, true)
		return
	}
	c.log.Info("admin action", "action", r.PathValue("action"))
	c.done(w, r, se, "/admin", msg, false)
}

// inputError is bad input in an admin form, shown as is.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

func badInput(format string, a ...any) error { return &inputError{fmt.Sprintf(format, a...)} }

func (c *Console) enrolCode(r *http.Request, se *Session) (string, error) {
	code, err := c.eng.NewEnrolCode(r.Context(), api.EnrolCodeRequest{
		Role: r.PostFormValue("role"), DeviceName: strings.TrimSpace(r.PostFormValue("name"))})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("注册码 Enrolment code %s (%s), valid until %s — shown once",
		code.Code, code.Role, code.ExpiresAt.Format("15:04")), nil
}

// upload reads a file field of a multipart form, bounded by maxUpload.
func upload(r *http.Request, field string) ([]byte, error) {
	f, _, err := r.FormFile(field)
	if err != nil {
		return nil, badInput("请选择文件 Choose a file to upload (%s).", field)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
	if err != nil || len(data) > maxUpload {
		return nil, badInput("文件过大 The file is over %d MiB or unreadable.", maxUpload>>20)
	}
	return data, nil
}

func (c *Console) loadHall(r *http.Request, se *Session) (string, error) {
	data, err := upload(r, "file")
	if err != nil {
		return "", err
	}
	v, _, err := c.eng.LoadFiles(r.Context(), data, nil)
	if err != nil {
		if _, ok := center.AsRefusal(err); !ok {
			return "", badInput("大厅配置无效 Hall file refused: %v", err)
		}
		return "", err
	}
	return fmt.Sprintf("已发布大厅配置版本 %d Hall version %d published", v, v), nil
}

func (c *Console) importKnowledge(r *http.Request, se *Session) (string, error) {
	data, err := upload(r, "file")
	if err != nil {
		return "", err
	}
	d, err := c.eng.ImportKnowledgeDraft(r.Context(), data, se.User.Name)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("已导入草稿 %d（%d 条），待审核 Draft %d imported (%d entries); "+
		"review it before publishing (K2)", d.ID, d.Entries, d.ID, d.Entries), nil
}

func (c *Console) reviewKnowledge(r *http.Request, se *Session) (string, error) {
	id, _ := strconv.ParseInt(r.PostFormValue("draft"), 10, 64)
	if err := c.eng.ReviewKnowledgeDraft(r.Context(), id, se.User.Name); err != nil {
		return "", err
	}
	return fmt.Sprintf("草稿 %d 已审核 Draft %d reviewed", id, id), nil
}

func (c *Console) addNotice(r *http.Request, se *Session) (string, error) {
	hours, err := strconv.Atoi(r.PostFormValue("hours"))
	if err != nil || hours < 1 || hours > 24*31 {
		return "", badInput("时长无效 Hours: want 1 to 744.")
	}
	n, err := c.eng.AddNotice(r.Context(), api.Notice{Text: api.Text{
		ZH: strings.TrimSpace(r.PostFormValue("zh")), EN: strings.TrimSpace(r.PostFormValue("en"))},
		Until: c.now().Add(time.Duration(hours) * time.Hour)})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("公告 %d 已发布 Notice %d published", n.ID, n.ID), nil
}

func (c *Console) addUser(r *http.Request, se *Session) (string, error) {
	name := strings.TrimSpace(r.PostFormValue("name"))
	err := c.store.AddUser(r.Context(), name, r.PostFormValue("role"),
		r.PostFormValue("password"), c.now())
	if err != nil {
		return "", badInput("账户未创建 Account not created: %v", err)
	}
	return "账户已创建 Account created: " + name, nil
}
