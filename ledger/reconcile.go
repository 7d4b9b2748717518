package ledger

import (
	"context"
	"fmt"
	"strings"

	"hallkiosk/center/api"
)

// DayCount is one side's view of a day of the journal.
type DayCount struct {
	Count    int
	FirstSeq int64
	LastSeq  int64
	HeadHash string
}

// Reconciliation is the per-day report of G3: the device's and the
// center's counts and chain heads for the day, what was resent, and
// whether they now agree.
type Reconciliation struct {
	Day     string
	Local   DayCount
	Center  DayCount
	Resent  []api.SeqRange // ranges the center lacked and was sent again
	Match   bool
	Problem string // why they still differ, when Match is false
}

// String is a one-line summary for logs and the technician's screen.
func (r Reconciliation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "day %s: device %d events (seq %d-%d), center %d", r.Day, r.Local.Count,
		r.Local.FirstSeq, r.Local.LastSeq, r.Center.Count)
	if len(r.Resent) > 0 {
		fmt.Fprintf(&b, ", resent %v", r.Resent)
	}
	if r.Match {
		b.WriteString(": match")
	} else {
		b.WriteString(": MISMATCH: " + r.Problem)
	}
	return b.String()
}

// LocalDay counts the device's events of a hall day.
func (l *Ledger) LocalDay(ctx context.Context, day string) (DayCount, error) {
	var c DayCount
	err := l.r.QueryRowContext(ctx, `SELECT count(*), COALESCE(min(seq), 0),
		COALESCE(max(seq), 0) FROM journal WHERE day = ?`, day).
		Scan(&c.Count, &c.FirstSeq, &c.LastSeq)
	if err != nil {
		return c, fmt.Errorf("ledger: count day %s: %w", day, err)
	}
	if c.Count > 0 {
		err = l.r.QueryRowContext(ctx, "SELECT hash FROM journal WHERE seq = ?", c.LastSeq).
			Scan(&c.HeadHash)
	}
	return c, err
}

// Reconcile proves one hall day (G3): it pushes what is pending, compares
// the day's count and chain head with the center's, resends any range
// the center names as missing, and compares again. It works the same
// after a day or more offline (G4): the pending events simply go first.
func (s *Syncer) Reconcile(ctx context.Context, day string) (Reconciliation, error) {
	rep := Reconciliation{Day: day}
	if err := s.Push(ctx); err != nil {
		return rep, err
	}
	for attempt := 0; attempt < 3; attempt++ {
		rc, err := s.compare(ctx, &rep)
		if err != nil || rep.Match {
			return rep, err
		}
		if len(rc.Missing) == 0 {
			return rep, nil
		}
		if err := s.resend(ctx, rc.Missing); err != nil {
			return rep, err
		}
		rep.Resent = append(rep.Resent, rc.Missing...)
	}
	return rep, nil
}

// compare fills in both sides and says whether they agree.
func (s *Syncer) compare(ctx context.Context, rep *Reconciliation) (api.Reconcile, error) {
	var err error
	if rep.Local, err = s.l.LocalDay(ctx, rep.Day); err != nil {
		return api.Reconcile{}, err
	}
	head, _, err := s.l.Head(ctx)
	if err != nil {
		return api.Reconcile{}, err
	}
	rc, err := s.c.Reconcile(ctx, rep.Day, head)
	if err != nil {
		return rc, fmt.Errorf("reconcile %s: %w", rep.Day, err)
	}
	rep.Center = DayCount{Count: rc.Count, FirstSeq: rc.FirstSeq, LastSeq: rc.LastSeq,
		HeadHash: rc.HeadHash}
	rep.Match, rep.Problem = rep.Local == rep.Center && len(rc.Missing) == 0, ""
	if !rep.Match {
		rep.Problem = describeGap(rep.Local, rep.Center, rc.Missing)
	}
	return rc, nil
}

// describeGap says in a line how the two sides differ.
func describeGap(local, center DayCount, missing []api.SeqRange) string {
	switch {
	case len(missing) > 0:
		return fmt.Sprintf("center lacks %v", missing)
	case local.Count != center.Count:
		return fmt.Sprintf("counts differ: device %d, center %d", local.Count, center.Count)
	default:
		return fmt.Sprintf("chain heads differ: device %.12s, center %.12s",
			local.HeadHash, center.HeadHash)
	}
}

// resend pushes the named ranges again, in order and in batches.
func (s *Syncer) resend(ctx context.Context, ranges []api.SeqRange) error {
	s.push.Lock()
	defer s.push.Unlock()
	for _, r := range ranges {
		for from := r.From; from <= r.To; {
			last, err := s.resendFrom(ctx, from, r.To)
			if err != nil {
				return err
			}
			from = last + 1
		}
	}
	return nil
}

// resendFrom pushes one batch starting at seq from (up to to) and returns
// the last seq it sent.
func (s *Syncer) resendFrom(ctx context.Context, from, to int64) (int64, error) {
	es, err := s.l.EventRange(ctx, from, min(to, from+int64(s.opts.Batch)-1))
	if err != nil {
		return 0, err
	}
	if len(es) == 0 {
		return 0, fmt.Errorf("reconcile: center asks for seq %d-%d, device has none", from, to)
	}
	es = fitBody(es)
	return es[len(es)-1].Seq, s.pushBatch(ctx, es)
}
