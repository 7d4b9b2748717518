package center_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"hallkiosk/center"
)

// WithConsole sends the device API and /healthz to the API, the rest to
// the console.
func TestWithConsole(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "api") })
	con := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "console") })
	h := center.WithConsole(api, con)
	for path, want := range map[string]string{
		"/healthz": "api", "/api/v1": "api", "/api/v1/hall": "api",
		"/": "console", "/login": "console", "/t/abc": "console", "/api/v10": "console",
		"/apiv1": "console", "/healthz/x": "console",
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Body.String() != want {
			t.Errorf("%s went to %s, want %s", path, rec.Body.String(), want)
		}
	}
}
