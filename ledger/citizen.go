package ledger

import (
	"errors"

	"hallkiosk/center/api"
)

// Citizen returns what a kiosk may tell the citizen about an error from
// Issue or CheckIn, in Chinese and English, kept apart from the internal
// error that goes to the log. A center refusal carries its own text. ok is
// false for errors that are not the citizen's business (a damaged file, a
// bug): the kiosk then shows its general "please ask the staff" screen.
func Citizen(err error) (text api.Text, ok bool) {
	var ref *Refusal
	if errors.As(err, &ref) && ref.Err.Citizen != nil {
		return *ref.Err.Citizen, true
	}
	for _, c := range citizenTexts {
		if errors.Is(err, c.err) {
			return c.text, true
		}
	}
	return api.Text{}, false
}

var citizenTexts = []struct {
	err  error
	text api.Text
}{
	{ErrOutsidePickup, api.Text{
		// R7's windows as the regulations state them; a hall config with
		// other windows should bring its own text.
		ZH: "现在不是预约取号时间。取号时间为工作日 8:20–11:20、13:00–16:30。",
		EN: "Check-in is only possible on workdays, 8:20–11:20 and 13:00–16:30."}},
	{ErrBookingVoid, api.Text{
		ZH: "您的预约已超过取号时间，预约已失效。请现场取号或重新预约。",
		EN: "The check-in time for your booking has passed and it is no longer valid. " +
			"Please take a walk-in ticket or book again."}},
	{ErrNoBooking, api.Text{
		ZH: "未找到您今天的预约，请核对预约码或身份证。",
		EN: "No booking for today was found. Please check the booking code or ID card."}},
	{ErrSeveralBookings, api.Text{
		ZH: "您今天有多个预约，请选择要办理的事项。",
		EN: "You have several bookings today. Please choose the one to check in."}},
	{ErrNoNumbers, api.Text{
		ZH: "暂时无法取号，请到咨询台由工作人员协助。",
		EN: "Tickets cannot be issued right now. Please ask at the information desk."}},
}
