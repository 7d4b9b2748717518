package center_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"hallkiosk/center"
	"hallkiosk/center/api"
	"hallkiosk/center/centertest"
	"hallkiosk/center/demo"
)

// K1: every entry needs the seven elements; each missing one is named.
func TestCheckKnowledge(t *testing.T) {
	kb, err := center.ParseKnowledge(demo.Knowledge)
	if err != nil {
		t.Fatal(err)
	}
	if probs := center.CheckKnowledge(kb); len(probs) != 0 {
		t.Fatalf("demo knowledge fails K1: %v", probs)
	}
	cases := []struct {
		name string
		edit func(m map[string]any)
		want string
	}{
		{"department", func(m map[string]any) { delete(m, "department") }, "department is missing"},
		{"name", func(m map[string]any) { m["name"] = " " }, "name is missing"},
		{"code", func(m map[string]any) { m["code"] = "123" }, "code must have 33"},
		{"review points", func(m map[string]any) { m["review_points"] = []string{} },
			"review_points is empty"},
		{"guide", func(m map[string]any) { delete(m, "guide") }, "guide is missing"},
		{"faq", func(m map[string]any) { delete(m, "faq") }, "faq is missing"},
		{"maintainer", func(m map[string]any) { delete(m, "maintainer") }, "maintainer is missing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var m map[string]any
			json.Unmarshal(kb.Entries[0], &m)
			tc.edit(m)
			raw, _ := json.Marshal(m)
			f := center.KnowledgeFile{Entries: []json.RawMessage{raw, kb.Entries[1]}}
			probs := center.CheckKnowledge(f)
			if len(probs) != 1 || !strings.Contains(probs[0], tc.want) {
				t.Fatalf("problems %v, want one naming %q", probs, tc.want)
			}
		})
	}
	dup := center.KnowledgeFile{Entries: []json.RawMessage{kb.Entries[0], kb.Entries[0]}}
	if probs := center.CheckKnowledge(dup); len(probs) != 1 || !strings.Contains(probs[0], "repeats") {
		t.Fatalf("duplicate code: %v", probs)
	}
}

// K4 feedback and device notes work on a center whose console never ran,
// and bad feedback is refused without being stored.
func TestFeedbackAndNotesWithoutConsole(t *testing.T) {
	env := centertest.Start(t)
	ctx := context.Background()
	dev := center.Device{ID: "dev-1", Role: api.RoleKiosk}
	code := env.Matter("A")
	good := api.KnowledgeFeedback{ID: "fb-00000001", Code: code, Kind: api.FeedbackUnclear,
		Text: "材料清单看不懂"}
	for range 2 { // the same id twice is stored once
		if err := env.Engine.AddKnowledgeFeedback(ctx, dev, good); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range []api.KnowledgeFeedback{
		{ID: "x", Code: code, Kind: api.FeedbackWrong},
		{ID: "fb-00000002", Code: "short", Kind: api.FeedbackWrong},
		{ID: "fb-00000003", Code: code, Kind: "angry"},
		{ID: "fb-00000004", Code: code, Kind: api.FeedbackWrong, Text: strings.Repeat("长", 201)},
	} {
		err := env.Engine.AddKnowledgeFeedback(ctx, dev, bad)
		if _, ok := center.AsRefusal(err); !ok {
			t.Errorf("%+v: err %v, want a refusal", bad, err)
		}
	}
	sums, err := env.Engine.KnowledgeFeedbackSummary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 1 || sums[0].Counts[api.FeedbackUnclear] != 1 || sums[0].Texts[0] != good.Text {
		t.Fatalf("summary %+v, want one unclear with its text", sums)
	}
	if err := env.Engine.NoteDeviceState(ctx, "dev-1", 3, -1); err != nil {
		t.Fatal(err)
	}
	if err := env.Engine.NoteDeviceState(ctx, "dev-1", -1, 7); err != nil {
		t.Fatal(err)
	}
	notes, _ := env.Engine.DeviceNotes(ctx)
	if n := notes["dev-1"]; n.KnowledgeVersion != 3 || n.JournalPending != 7 {
		t.Fatalf("notes %+v, want version 3 and backlog 7", n)
	}
}
