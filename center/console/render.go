package console

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"hallkiosk/center"
)

// page is what every template receives.
type page struct {
	Title  string
	S      *Session // nil on the login, ticket and some error pages
	Center string   // the hall's name
	Now    time.Time
	D      any // the page's own data
}

var funcs = template.FuncMap{
	// key is a fresh idempotency key for one rendered action: the engine
	// acts once per key, so a double click makes one call.
	"key": func() string { return "c-" + randomToken()[:30] },
	"hm":  func(t time.Time) string { return t.Format("15:04") },
	"pct": func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
}

// render executes a page into a buffer first, so a template error never
// sends half a page.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string,
	se *Session, title string, data any) {
	p := page{Title: title, S: se, Now: c.now(), D: data}
	if h := c.eng.CurrentHall(); h != nil {
		p.Center = h.Center
		p.Now = p.Now.In(h.Location())
	}
	var buf bytes.Buffer
	if err := c.pages[name].Execute(&buf, p); err != nil {
		c.log.Error("render", "page", name, "err", err)
		http.Error(w, "console page failed to render", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// hallNow is the hall in force and the time in its zone; nil hall means
// none is loaded yet.
func (c *Console) hallNow() (*center.Hall, time.Time) {
	h := c.eng.CurrentHall()
	if h == nil {
		return nil, c.now()
	}
	return h, c.now().In(h.Location())
}

// refusalText turns an engine error into the message staff read: the
// rule's own text for a refusal, a generic line otherwise.
func refusalText(err error) (string, bool) {
	ref, ok := center.AsRefusal(err)
	if !ok {
		return "", false
	}
	msg := ref.Err.Message
	if ref.Err.Citizen != nil && ref.Err.Citizen.ZH != "" {
		msg = ref.Err.Citizen.ZH + " — " + msg
	}
	return msg, true
}
