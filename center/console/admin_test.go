package console

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/demo"
)

// upload posts a file in a multipart form, as the admin page does.
func (b *browser) upload(path, csrf string, file []byte) string {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", "upload.json")
	fw.Write(file)
	mw.Close()
	resp, err := b.c.Post(b.base+path, mw.FormDataContentType(), &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	return b.flash(resp.Header.Get("Location"))
}

func adminCSRF(t *testing.T, b *browser) string {
	_, page := b.get("/admin")
	return csrfRE.FindStringSubmatch(page)[1]
}

// K1 shape on import, K2 review before publish, K3 the published version.
func TestKnowledgeImportReviewPublish(t *testing.T) {
	e := start(t)
	b := e.browser(t)
	b.login("chen")
	csrf := adminCSRF(t, b)
	before, _, _, _ := e.Engine.KnowledgeVersion(ctx)

	kb, _ := center.ParseKnowledge(demo.Knowledge)
	var first map[string]any
	json.Unmarshal(kb.Entries[0], &first)
	delete(first, "maintainer")
	broken, _ := json.Marshal(map[string]any{"center": "x", "entries": []any{first}})
	if page := b.upload("/admin/knowledge-import", csrf, broken); !strings.Contains(page,
		"maintainer is missing") {
		t.Fatalf("K1: missing maintainer not reported: %s", excerpt(page))
	}
	if page := b.upload("/admin/knowledge-import", csrf, []byte("{not json")); !strings.Contains(
		page, "flash err") {
		t.Fatalf("garbage import not refused: %s", excerpt(page))
	}
	if ds, _ := e.Engine.KnowledgeDrafts(ctx); len(ds) != 0 {
		t.Fatalf("a refused import stored a draft")
	}

	page := b.upload("/admin/knowledge-import", csrf, demo.Knowledge)
	ds, _ := e.Engine.KnowledgeDrafts(ctx)
	if len(ds) != 1 || !strings.Contains(page, "imported") {
		t.Fatalf("import: %d drafts; %s", len(ds), excerpt(page))
	}
	draft := url.Values{"csrf": {csrf}, "draft": {"1"}}
	_, loc := b.post("/admin/knowledge-publish", draft)
	if page := b.flash(loc); !strings.Contains(page, "K2") {
		t.Fatalf("publishing an unreviewed draft: %s", excerpt(page))
	}
	if v, _, _, _ := e.Engine.KnowledgeVersion(ctx); v != before {
		t.Fatalf("unreviewed draft was published")
	}
	b.post("/admin/knowledge-review", draft)
	_, loc = b.post("/admin/knowledge-publish", draft)
	b.flash(loc)
	v, n, _, _ := e.Engine.KnowledgeVersion(ctx)
	if v != before+1 || n != len(kb.Entries) {
		t.Fatalf("after review and publish: version %d (%d entries), want %d", v, n, before+1)
	}
	if pull, _ := e.Engine.PullKnowledge(ctx, before); pull.Cursor != v {
		t.Fatalf("kiosks would not get version %d (K3)", v)
	}
}

func TestHallLoadBadFileChangesNothing(t *testing.T) {
	e := start(t)
	b := e.browser(t)
	b.login("chen")
	csrf := adminCSRF(t, b)
	before := e.Engine.CurrentHall().Version
	page := b.upload("/admin/hall", csrf, []byte(`{"center": "x", "unknown_field": 1}`))
	if !strings.Contains(page, "Hall file refused") {
		t.Fatalf("bad hall file: %s", excerpt(page))
	}
	if e.Engine.CurrentHall().Version != before {
		t.Fatalf("a refused hall file changed the hall")
	}
	page = b.upload("/admin/hall", csrf, demo.Hall)
	if e.Engine.CurrentHall().Version != before+1 || !strings.Contains(page, "published") {
		t.Fatalf("good hall file not loaded: %s", excerpt(page))
	}
}

func TestAdminDevicesEnrolNotice(t *testing.T) {
	e := start(t)
	_, err := e.Engine.Heartbeat(ctx, e.kiosk, api.Heartbeat{Version: "1.2.3",
		Health: map[string]string{"printer": "paper near end", "ledger": "ok"}})
	if err != nil {
		t.Fatal(err)
	}
	e.Engine.NoteDeviceState(ctx, e.kiosk.ID, 1, 42)
	fb := api.KnowledgeFeedback{ID: "fb-00000001", Code: e.Matter("A"), Kind: api.FeedbackWrong,
		Text: "材料清单已过时"}
	if err := e.Engine.AddKnowledgeFeedback(ctx, e.kiosk, fb); err != nil {
		t.Fatal(err)
	}
	b := e.browser(t)
	b.login("chen")
	_, page := b.get("/admin")
	for _, s := range []string{"kiosk-1", "1.2.3", "paper near end", "online",
		"<td>42</td>", "材料清单已过时", `id="alerts"`, "printer: paper near end"} {
		if !strings.Contains(page, s) {
			t.Errorf("devices table lacks %q", s)
		}
	}
	csrf := csrfRE.FindStringSubmatch(page)[1]
	_, loc := b.post("/admin/enrol-code", url.Values{"csrf": {csrf}, "role": {"display"},
		"name": {"screen-2"}})
	if page := b.flash(loc); !strings.Contains(page, "Enrolment code") {
		t.Fatalf("enrol code: %s", excerpt(page))
	}
	_, loc = b.post("/admin/enrol-code", url.Values{"csrf": {csrf}, "role": {"toaster"},
		"name": {"x"}})
	if page := b.flash(loc); !strings.Contains(page, "flash err") {
		t.Fatalf("bad role accepted: %s", excerpt(page))
	}
	_, loc = b.post("/admin/notice", url.Values{"csrf": {csrf}, "zh": {"午休"}, "en": {"Lunch"},
		"hours": {"2"}})
	b.flash(loc)
	if n, _ := e.Engine.PullNotices(ctx, 0); len(n.Notices) != 1 || n.Notices[0].Text.ZH != "午休" {
		t.Fatalf("notice not published: %+v", n)
	}
	_, loc = b.post("/admin/notice", url.Values{"csrf": {csrf}, "hours": {"0"}})
	if page := b.flash(loc); !strings.Contains(page, "flash err") {
		t.Fatalf("bad notice accepted: %s", excerpt(page))
	}
}

func TestAdminCreatesAccount(t *testing.T) {
	e := start(t)
	b := e.browser(t)
	b.login("chen")
	csrf := adminCSRF(t, b)
	for _, tc := range []struct {
		name, role, pw string
		ok             bool
	}{
		{"sun", RoleStaff, "long-enough-1", true},
		{"sun", RoleStaff, "long-enough-1", false}, // exists
		{"zhou", "root", "long-enough-1", false},
		{"wu", RoleLeader, "short", false},
		{"名字", RoleStaff, "long-enough-1", false},
	} {
		_, loc := b.post("/admin/user", url.Values{"csrf": {csrf}, "name": {tc.name},
			"role": {tc.role}, "password": {tc.pw}})
		page := b.flash(loc)
		if got := !strings.Contains(page, "flash err"); got != tc.ok {
			t.Errorf("%s/%s: ok=%v, want %v: %s", tc.name, tc.role, got, tc.ok, excerpt(page))
		}
	}
	nb := e.browser(t)
	if st, _ := nb.tryLogin("sun", "long-enough-1"); st != http.StatusSeeOther {
		t.Fatalf("new account cannot log in: %d", st)
	}
}

func TestAdminRevokesDevice(t *testing.T) {
	e := start(t)
	enr := e.Enrol(api.RoleDisplay, "screen-1")
	b := e.browser(t)
	b.login("chen")
	csrf := adminCSRF(t, b)
	_, loc := b.post("/admin/revoke", url.Values{"csrf": {csrf}, "device": {"dev-nope"}})
	if page := b.flash(loc); !strings.Contains(page, "not found") {
		t.Fatalf("unknown device: %s", excerpt(page))
	}
	_, loc = b.post("/admin/revoke", url.Values{"csrf": {csrf}, "device": {enr.DeviceID}})
	if page := b.flash(loc); !strings.Contains(page, "revoked") {
		t.Fatalf("revoke: %s", excerpt(page))
	}
	if _, err := e.Engine.Authenticate(ctx, enr.Token); err == nil {
		t.Fatal("a revoked device still authenticates")
	}
}

// K2: the reviewer reads the draft against the published version.
func TestDraftComparedWithPublished(t *testing.T) {
	e := start(t)
	kb, _ := center.ParseKnowledge(demo.Knowledge)
	var changed, added map[string]any
	json.Unmarshal(kb.Entries[0], &changed)
	changed["name"] = "有限责任公司设立登记（新）"
	json.Unmarshal(kb.Entries[1], &added)
	added["code"] = "1131000000DEMO0199999999999999999"
	entries := []any{changed, added}
	for _, raw := range kb.Entries[2:] {
		entries = append(entries, raw)
	}
	entries = entries[:len(entries)-1] // drops the last; with entry 1 recoded, 2 removed
	file, _ := json.Marshal(map[string]any{"center": "x", "entries": entries})
	if _, err := e.Engine.ImportKnowledgeDraft(ctx, file, "chen"); err != nil {
		t.Fatal(err)
	}
	b := e.browser(t)
	b.login("chen")
	st, page := b.get("/admin/drafts/1")
	if st != http.StatusOK {
		t.Fatalf("draft page: %d", st)
	}
	same := len(kb.Entries) - 3
	for _, want := range []string{"added <b>1</b>", "changed <b>1</b>", "removed <b>2</b>",
		"same <b>" + strconv.Itoa(same) + "</b>", "有限责任公司设立登记（新）"} {
		if !strings.Contains(page, want) {
			t.Errorf("draft page lacks %q", want)
		}
	}
	if st, _ := b.get("/admin/drafts/99"); st != http.StatusNotFound {
		t.Errorf("unknown draft: %d, want 404", st)
	}
}
