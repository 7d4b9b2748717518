package stream

import (
	"reflect"
	"strings"
	"testing"
)

func TestReadSSE(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []message
	}{
		{"event with id", "id: 7\nevent: call\ndata: {\"id\":7}\n\n",
			[]message{{ID: "7", HasID: true, Event: "call", Data: `{"id":7}`}}},
		{"comment is a heartbeat", ": heartbeat\n\n", []message{{Heartbeat: true}}},
		{"heartbeat event", "event: heartbeat\ndata: {}\n\n", []message{{Heartbeat: true}}},
		{"multi-line data joined", "data: a\ndata: b\n\n", []message{{Data: "a\nb"}}},
		{"no space after colon", "id:3\ndata:x\n\n", []message{{ID: "3", HasID: true, Data: "x"}}},
		{"unfinished event is not dispatched", "id: 1\ndata: x\n", nil},
		{"unknown fields ignored", "retry: 100\nfoo: bar\ndata: x\n\n", []message{{Data: "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []message
			if err := readSSE(strings.NewReader(tt.in), func(m message) { got = append(got, m) }); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// FuzzReadSSE: whatever the center (or a broken proxy) sends, the parser
// returns without panicking, and every message is either a heartbeat or
// carries data (G8: bad input gets an error or is ignored, never a crash).
func FuzzReadSSE(f *testing.F) {
	f.Add("id: 1\nevent: call\ndata: {}\n\n: hb\n\n")
	f.Add("data\n\n\n:\nid\n")
	f.Fuzz(func(t *testing.T, in string) {
		readSSE(strings.NewReader(in), func(m message) {
			if !m.Heartbeat && m.Data == "" && !strings.Contains(in, "data") {
				t.Fatalf("message without data: %+v", m)
			}
		})
	})
}
