package center

import (
	"net/http"

	"hallkiosk/center/api"
	"hallkiosk/platform/logging"
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

// note records what a device reported (knowledge version pulled, journal
// backlog) for the admin console. A failure is logged, not returned: the
// device's own request succeeded.
func (s *Server) note(r *http.Request, dev Device, kbVersion, pending int64) {
	if err := s.eng.NoteDeviceState(r.Context(), dev.ID, kbVersion, pending); err != nil {
		s.log.Warn("note device state", "device", dev.ID, logging.KeyErr, err)
	}
}

// pullKnowledgeNoted is the knowledge pull that also notes the version the
// device now holds, so the admin sees what each kiosk has (K3).
func (s *Server) pullKnowledgeNoted(w http.ResponseWriter, r *http.Request, dev Device) {
	cur, ok := queryInt(w, r, "cursor")
	if !ok {
		return
	}
	out, err := s.eng.PullKnowledge(r.Context(), cur)
	if err == nil {
		s.note(r, dev, out.Cursor, -1)
	}
	s.reply(w, r, out, err)
}
