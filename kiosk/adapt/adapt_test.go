package adapt

import (
	"errors"
	"testing"

	"hallkiosk/center/api"
	"hallkiosk/kiosk"
	"hallkiosk/printer"
)

func TestStateOf(t *testing.T) {
	tests := []struct {
		st   printer.Status
		want kiosk.PrinterState
	}{
		{printer.Status{}, kiosk.PrinterOK},
		{printer.Status{PaperNearEnd: true}, kiosk.PrinterPaperLow},
		{printer.Status{PaperLow: true}, kiosk.PrinterPaperLow},
		{printer.Status{PaperEnd: true, PaperNearEnd: true}, kiosk.PrinterPaperOut},
		{printer.Status{CoverOpen: true}, kiosk.PrinterCoverOpen},
		{printer.Status{Offline: true}, kiosk.PrinterOffline},
		{printer.Status{NoReply: true}, kiosk.PrinterOffline},
		{printer.Status{CutterError: true}, kiosk.PrinterOffline},
	}
	for _, tc := range tests {
		if got := StateOf(tc.st); got != tc.want {
			t.Errorf("%+v: %v, want %v", tc.st, got, tc.want)
		}
	}
}

// A rule refusal reaches the machine as *api.Error (worded for the
// citizen); anything that is not the API's answer counts as offline.
func TestDecodeReply(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		code    string
		offline bool
	}{
		{"ok", 200, `{"code":"123456"}`, "", false},
		{"refusal", 409, `{"code":"r11_restricted","message":"barred"}`, api.ErrCodeRestricted, false},
		{"server error", 500, `{"code":"internal","message":"x"}`, "", true},
		{"proxy page", 502, `<html>bad gateway</html>`, "", true},
		{"garbage reply", 200, `{not json`, "", true},
	}
	for _, tc := range tests {
		var out api.Booking
		err := decodeReply("/bookings", tc.status, []byte(tc.body), &out)
		var ae *api.Error
		switch {
		case tc.offline && !errors.Is(err, kiosk.ErrOffline):
			t.Errorf("%s: %v, want offline", tc.name, err)
		case tc.code != "" && (!errors.As(err, &ae) || ae.Code != tc.code):
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		case tc.code == "" && !tc.offline && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
