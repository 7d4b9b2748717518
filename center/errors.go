package center

import (
	"errors"
	"fmt"
	"net/http"

	"hallkiosk/center/api"
)

// Sentinels for internal failures the HTTP layer maps to status codes.
var (
	ErrNotFound     = errors.New("not found")
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	ErrNoHall       = errors.New("no hall loaded: run 'hallcenter hall load FILE' or serve --demo")
)

// Refusal is a request the rules refuse. It carries the wire error (code,
// operator message and the citizen's text in zh and en) and the HTTP status.
// The engine returns it; the HTTP layer sends it as is.
type Refusal struct {
	Status int
	Err    api.Error
}

func (r *Refusal) Error() string { return r.Err.Code + ": " + r.Err.Message }

// refuse builds a Refusal with citizen text.
func refuse(status int, code, msg, zh, en string) *Refusal {
	return &Refusal{Status: status, Err: api.Error{
		Code: code, Message: msg, Citizen: &api.Text{ZH: zh, EN: en},
	}}
}

// badRequest is a Refusal for malformed input, with no citizen text.
func badRequest(format string, a ...any) *Refusal {
	return &Refusal{Status: http.StatusBadRequest, Err: api.Error{
		Code: api.ErrCodeBadRequest, Message: fmt.Sprintf(format, a...),
	}}
}

// conflict is a Refusal for an action the state does not allow.
func conflict(code, format string, a ...any) *Refusal {
	return &Refusal{Status: http.StatusConflict, Err: api.Error{
		Code: code, Message: fmt.Sprintf(format, a...),
	}}
}

// notFound is a Refusal for an unknown object.
func notFound(what string) *Refusal {
	return &Refusal{Status: http.StatusNotFound, Err: api.Error{
		Code: api.ErrCodeNotFound, Message: what + " not found",
		Citizen: &api.Text{ZH: "未找到相关记录", EN: "No matching record was found."},
	}}
}

// AsRefusal returns the Refusal in err's chain, if any.
func AsRefusal(err error) (*Refusal, bool) {
	var r *Refusal
	ok := errors.As(err, &r)
	return r, ok
}
