package api

// KnowledgeFeedback is a citizen's feedback on one knowledge base entry,
// sent by a kiosk (POST /api/v1/knowledge/feedback). K4: feedback is
// collected and sent back to the department that maintains the entry.
type KnowledgeFeedback struct {
	// ID is the kiosk's idempotency key: the same ID is stored once.
	ID   string `json:"id"`
	Code string `json:"code"` // the entry's 33-character business code
	// Kind is FeedbackHelpful, FeedbackUnclear, FeedbackWrong or
	// FeedbackNotFound (searched for and did not find).
	Kind string `json:"kind"`
	// Text is optional free text, at most 200 characters. Kiosks must not
	// put names or ID numbers in it.
	Text string `json:"text,omitempty"`
	// Query is the search text that led to the entry, if any.
	Query string `json:"query,omitempty"`
}

// Feedback kinds (K4).
const (
	FeedbackHelpful  = "helpful"
	FeedbackUnclear  = "unclear"
	FeedbackWrong    = "wrong"
	FeedbackNotFound = "not_found"
)

// EventKnowledgeFeedback is the journal event of feedback a kiosk took
// while it could not reach the center: its payload is a KnowledgeFeedback,
// and the center records it as it records POST /knowledge/feedback, once
// per ID (K4, G3), so nothing a citizen said offline is lost.
const EventKnowledgeFeedback = "knowledge.feedback"
