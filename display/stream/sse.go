package stream

import (
	"bufio"
	"io"
	"strings"
)

// message is one server-sent event as the wire carries it. A comment line
// (": ...") or an event of type "heartbeat" is a heartbeat: it proves the
// link is alive and carries nothing else.
type message struct {
	ID        string
	HasID     bool
	Event     string
	Data      string
	Heartbeat bool
}

// maxLine bounds one SSE line, so a broken center cannot make the display
// buffer without limit.
const maxLine = 1 << 20

// readSSE parses the text/event-stream format (the WHATWG "server-sent
// events" rules that matter here: id, event, data, comments, dispatch on a
// blank line) and sends each message to out until r ends or fails.
func readSSE(r io.Reader, out func(message)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	var m message
	var data []string
	pending := false
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			if pending {
				dispatch(m, data, out)
			}
			m, data, pending = message{}, nil, false
			continue
		}
		if strings.HasPrefix(line, ":") {
			out(message{Heartbeat: true})
			continue
		}
		pending = true
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "id":
			m.ID, m.HasID = value, true
		case "event":
			m.Event = value
		case "data":
			data = append(data, value)
		}
	}
	return sc.Err()
}

func dispatch(m message, data []string, out func(message)) {
	// A field block without data (an id alone, an unknown field) still
	// proves the link is up.
	if m.Event == "heartbeat" || m.Event == "ping" || len(data) == 0 {
		out(message{Heartbeat: true})
		return
	}
	m.Data = strings.Join(data, "\n")
	out(m)
}
