package printer

import (
	"context"
	"time"

	"hallkiosk/platform/clock"
)

// StatusSource is what Watch polls; *Driver is one.
type StatusSource interface {
	Status(ctx context.Context) (Status, error)
}

// Change is a status that differs from the one reported before it.
type Change struct {
	Status Status
	Err    error // the status could not be read (garbage, closed port)
	At     time.Time
}

func (c Change) same(o Change) bool {
	return c.Status == o.Status && errText(c.Err) == errText(o.Err)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// Watch polls src every interval and sends the first status and then each
// change, so the kiosk can stop offering tickets the moment the paper runs
// out and the center sees device health. The channel is closed when ctx
// ends. A slow receiver delays polling rather than losing a change.
func Watch(ctx context.Context, src StatusSource, every time.Duration,
	clk clock.Clock) <-chan Change {
	out := make(chan Change)
	go func() {
		defer close(out)
		var last *Change
		for {
			st, err := src.Status(ctx)
			c := Change{Status: st, Err: err, At: clk.Now()}
			if ctx.Err() != nil {
				return
			}
			if last == nil || !c.same(*last) {
				select {
				case out <- c:
				case <-ctx.Done():
					return
				}
				last = &c
			}
			select {
			case <-clk.After(every):
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
