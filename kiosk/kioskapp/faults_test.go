package kioskapp_test

import (
	"context"
	"testing"

	"hallkiosk/center/api"
	"hallkiosk/kiosk"
	"hallkiosk/printer/printertest"
)

// Printer faults on the virtual printer, as the real driver reports them:
// the issued number stays on screen when the paper runs out mid-way,
// ticket actions stop, search goes on; a closed cover and paper back bring
// tickets back.
func TestPrinterFaultsOnRealParts(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	poll := func() kiosk.PrinterState {
		st, _ := w.parts.Printer.State(ctx)
		w.m.PrinterChanged(st)
		return st
	}

	w.dev.SetState(printertest.State{PaperEnd: true})
	code := w.env.Matter("A")
	mt, _ := w.parts.Store.Matter(ctx, code)
	w.m.StartWalkIn()
	w.m.PickDepartment(mt.Department)
	w.m.PickMatter(code)
	w.m.ConfirmTicket()
	w.settle()
	n := w.m.State().Notice
	if n.Title != "ticket.misprint" || w.m.State().Printer != kiosk.PrinterPaperOut {
		t.Fatalf("paper out while printing: %+v, printer %v", n, w.m.State().Printer)
	}

	for _, tc := range []struct {
		st   printertest.State
		want kiosk.PrinterState
	}{
		{printertest.State{CoverOpen: true}, kiosk.PrinterCoverOpen},
		{printertest.State{PaperNearEnd: true}, kiosk.PrinterPaperLow},
		{printertest.State{NoReply: true}, kiosk.PrinterOffline},
		{printertest.State{}, kiosk.PrinterOK},
	} {
		w.dev.SetState(tc.st)
		if got := poll(); got != tc.want {
			t.Fatalf("%+v: state %v, want %v", tc.st, got, tc.want)
		}
		w.centerSees(tc.want.String())
		w.m.Home()
		w.m.StartWalkIn()
		walkIn := w.m.State().Screen == kiosk.ScreenDepartments
		if walkIn != tc.want.CanPrint() {
			t.Fatalf("%v: walk-in offered = %v", tc.want, walkIn)
		}
		w.m.Home()
		w.m.StartSearch() // search never needs the printer
		if w.m.State().Screen != kiosk.ScreenSearch {
			t.Fatalf("%v: no search", tc.want)
		}
	}
}

// Search on the ledger's index of the center's knowledge base: pinyin
// initials find the matter, the detail has the seven elements (K1).
func TestSearchOnRealLedger(t *testing.T) {
	w := newWorld(t)
	code := w.env.Matter("A")
	mt, _ := w.parts.Store.Matter(context.Background(), code)
	w.m.StartSearch()
	for _, c := range code[:8] {
		w.m.SearchKey(c)
	}
	hits := w.m.State().Hits
	if len(hits) == 0 || hits[0].Code[:8] != code[:8] {
		t.Fatalf("code prefix %s: %+v", code[:8], hits)
	}
	w.m.SearchClear()
	w.m.SearchFilter(mt.Department)
	if len(w.m.State().Hits) == 0 {
		t.Fatal("department filter lists nothing")
	}
	w.m.OpenEntry(code)
	e := w.m.State().Entry
	if e == nil || e.Name != mt.Name || e.Department == "" || len(e.Code) != 33 {
		t.Fatalf("entry %+v", e)
	}
	// K4: the citizen's "not helpful" reaches the center.
	w.m.Feedback(false)
	w.settle()
	if r := w.m.State().Reply; r != "detail.thanks" {
		t.Fatalf("feedback reply %q", r)
	}
	centerHasFeedback(t, w, code, api.FeedbackUnclear)
}

// centerSees checks the center's device health shows the printer state,
// carried by the next heartbeat (paper low: "the center is told").
func (w *world) centerSees(state string) {
	w.t.Helper()
	ctx := context.Background()
	must(w.t, w.parts.Syncer.SyncOnce(ctx))
	devs, err := w.env.Engine.Devices(ctx)
	must(w.t, err)
	for _, d := range devs {
		if d.Health["printer"] == state {
			return
		}
	}
	w.t.Fatalf("center does not see printer %q: %+v", state, devs)
}
