package center

import (
	"net/http"

	"hallkiosk/center/api"
)

// knowledgeFeedback takes a citizen's feedback on a knowledge entry from a
// kiosk (POST /api/v1/knowledge/feedback). K4: it is collected for the
// department that maintains the entry; the admin console shows it.
func (s *Server) knowledgeFeedback(w http.ResponseWriter, r *http.Request, dev Device) {
	var req api.KnowledgeFeedback
	if !decode(w, r, &req, false) {
		return
	}
	err := s.eng.AddKnowledgeFeedback(r.Context(), dev, req)
	s.reply(w, r, map[string]string{"status": "ok"}, err)
}
