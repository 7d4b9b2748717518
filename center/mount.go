package center

import (
	"net/http"
	"strings"

	"hallkiosk/center/api"
)

// WithConsole serves the device API (/api/v1/..., /healthz) from device
// and every other path from console, so one listener carries both: the
// hall's browsers reach the staff console and the citizens' ticket pages
// at the same address the devices use.
func WithConsole(device, console http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if p == "/healthz" || p == api.Prefix || strings.HasPrefix(p, api.Prefix+"/") {
			device.ServeHTTP(w, r)
			return
		}
		console.ServeHTTP(w, r)
	})
}
