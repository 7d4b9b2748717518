package center_test

import (
	"context"
	"net/http"
	"testing"

	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
)

// K4 over the device API: kiosks send feedback, other roles may not, bad
// bodies are refused; heartbeats and knowledge pulls are noted for the
// admin (backlog, K3).
func TestKnowledgeFeedbackAPI(t *testing.T) {
	env := centertest.Start(t)
	kiosk := env.Client(env.Enrol(api.RoleKiosk, "k1").Token)
	display := env.Client(env.Enrol(api.RoleDisplay, "d1").Token)
	fb := api.KnowledgeFeedback{ID: "fb-00000001", Code: env.Matter("A"),
		Kind: api.FeedbackHelpful}
	cases := []struct {
		name   string
		c      *centertest.Client
		body   any
		status int
	}{
		{"kiosk", kiosk, fb, http.StatusOK},
		{"repeat", kiosk, fb, http.StatusOK},
		{"display", display, fb, http.StatusForbidden},
		{"no token", env.Client(""), fb, http.StatusUnauthorized},
		{"unknown field", kiosk, []byte(`{"id":"fb-00000002","code":"x","kind":"wrong","x":1}`),
			http.StatusBadRequest},
		{"bad kind", kiosk, api.KnowledgeFeedback{ID: "fb-00000003", Code: fb.Code, Kind: "meh"},
			http.StatusBadRequest},
	}
	for _, tc := range cases {
		if st, _ := tc.c.DoStatus("POST", "/knowledge/feedback", tc.body, nil); st != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, st, tc.status)
		}
	}
	ctx := context.Background()
	sums, _ := env.Engine.KnowledgeFeedbackSummary(ctx)
	if len(sums) != 1 || sums[0].Counts[api.FeedbackHelpful] != 1 {
		t.Fatalf("feedback stored: %+v, want one helpful", sums)
	}

	kioskID := env.Enrol(api.RoleKiosk, "k2")
	k2 := env.Client(kioskID.Token)
	if e := k2.Do("POST", "/heartbeat", api.Heartbeat{Version: "1", Pending: 12,
		Health: map[string]string{}}, nil); e != nil {
		t.Fatal(e)
	}
	var pull api.KnowledgePull
	if e := k2.Do("GET", "/knowledge?cursor=0", nil, &pull); e != nil {
		t.Fatal(e)
	}
	notes, _ := env.Engine.DeviceNotes(ctx)
	if n := notes[kioskID.DeviceID]; n.JournalPending != 12 || n.KnowledgeVersion != pull.Cursor {
		t.Fatalf("device note %+v, want backlog 12 and version %d", n, pull.Cursor)
	}
}
