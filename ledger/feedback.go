package ledger

import (
	"context"
	"fmt"
	"unicode/utf8"

	"hallkiosk/center/api"
)

// QueueFeedback journals a citizen's feedback on a knowledge entry (K4)
// that could not be sent to the center, so the next push delivers it: a
// kiosk offline for a day loses nothing a citizen said. The center files
// it once per fb.ID (G3), so feedback that did reach the center before its
// reply was lost is not counted twice.
//
// Free text must hold nothing personal: the journal keeps it for as long
// as the ledger lives (G6). The kiosk's own feedback has none.
func (l *Ledger) QueueFeedback(ctx context.Context, fb api.KnowledgeFeedback) error {
	if l.opts.ReadOnly {
		return ErrReadOnly
	}
	if fb.ID == "" || fb.Kind == "" || utf8.RuneCountInString(fb.Text) > 200 {
		return fmt.Errorf("%w: feedback needs an id and a kind, text at most 200 characters",
			ErrBadRequest)
	}
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ledger: begin: %w", err)
	}
	defer tx.Rollback()
	if _, err := l.append(ctx, tx, KindFeedback, fb); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("ledger: queue feedback: %w", err)
	}
	return nil
}
