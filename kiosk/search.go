package kiosk

import (
	"context"
)

// searchLimit caps the results shown as the citizen types.
const searchLimit = 30

// StartSearch opens the knowledge search; it works offline and without a
// printer.
func (m *Machine) StartSearch() {
	if m.st.Busy {
		return
	}
	m.touched()
	m.st.Journey = JourneySearch
	m.st.Query, m.st.Hits, m.st.Entry = "", nil, nil
	m.show(ScreenSearch)
}

// SearchKey types a letter or digit; results follow every key.
func (m *Machine) SearchKey(r rune) {
	if m.st.Screen != ScreenSearch || len(m.st.Query) >= 40 {
		return
	}
	m.touched()
	m.st.Query += string(r)
	m.refresh()
}

// SearchBackspace deletes the last character of the query.
func (m *Machine) SearchBackspace() {
	if m.st.Screen != ScreenSearch || m.st.Query == "" {
		return
	}
	m.touched()
	m.st.Query = m.st.Query[:len(m.st.Query)-1]
	m.refresh()
}

// SearchClear empties the query.
func (m *Machine) SearchClear() {
	m.touched()
	m.st.Query = ""
	m.refresh()
}

// SearchDigits switches the keyboard between letters and digits.
func (m *Machine) SearchDigits(on bool) {
	m.touched()
	m.st.Digits = on
	m.changed()
}

// SearchFilter limits results to one department ("" for all).
func (m *Machine) SearchFilter(dept string) {
	m.touched()
	m.st.Filter = dept
	m.refresh()
}

// refresh queries the local index. It runs on the UI thread: the index is
// local SQLite and answers in milliseconds (T3), and results must follow
// the keys in order.
func (m *Machine) refresh() {
	m.st.Hits = nil
	if m.st.Query != "" || m.st.Filter != "" {
		hits, err := m.ports.Search.Query(context.Background(), m.st.Query, m.st.Filter, searchLimit)
		if err != nil {
			m.log.Warn("search", "err", err)
		}
		m.st.Hits = hits
	}
	m.changed()
}

// OpenEntry shows the seven elements of a matter (K1).
func (m *Machine) OpenEntry(code string) {
	if m.st.Busy || m.st.Screen != ScreenSearch {
		return
	}
	m.touched()
	e, err := m.ports.Search.Entry(context.Background(), code)
	if err != nil {
		m.failed(err)
		return
	}
	m.st.Entry, m.st.Reply = &e, ""
	m.show(ScreenDetail)
}

// PrintGuide prints the guide of the open entry.
func (m *Machine) PrintGuide() {
	if m.st.Busy || m.st.Entry == nil || !m.st.Printer.CanPrint() {
		return
	}
	m.touched()
	e, lang := *m.st.Entry, m.st.Lang
	m.call(func(ctx context.Context) func() {
		err := m.ports.Printer.Print(ctx, PrintJob{Guide: &e, Lang: lang})
		return func() {
			if err != nil {
				m.PrinterChanged(StateOf(err))
				m.st.Reply = PrinterMsg(m.st.Printer)
				return
			}
			m.st.Reply = "detail.printed"
		}
	})
}

// Feedback sends "was this helpful?" for the open entry to the center (K4),
// once per visit to the entry. Offline it is kept for the next sync and
// the citizen is told so.
func (m *Machine) Feedback(helpful bool) {
	if m.st.Busy || m.st.Entry == nil || m.st.Reply == "detail.thanks" ||
		m.st.Reply == "detail.queued" {
		return
	}
	m.touched()
	code := m.st.Entry.Code
	m.call(func(ctx context.Context) func() {
		queued, err := m.ports.Search.Feedback(ctx, code, helpful)
		return func() {
			switch {
			case err != nil:
				m.log.Warn("feedback lost", "err", err)
				m.st.Reply = "detail.unsent"
			case queued:
				m.st.Reply = "detail.queued"
			default:
				m.st.Reply = "detail.thanks"
			}
		}
	})
}
