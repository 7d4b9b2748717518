package ledger

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"
)

// FileName is the ledger's file name inside the device's data directory.
const FileName = "ledger.db"

// DefaultPath returns the ledger's path in a data directory.
func DefaultPath(dataDir string) string { return filepath.Join(dataDir, FileName) }

// VerifyFile opens the ledger at path read-only and verifies it (the
// `hallkiosk ledger verify` command). A file too damaged to open returns
// an error wrapping ErrCorrupt.
func VerifyFile(ctx context.Context, path string) (Report, error) {
	l, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		return Report{}, err
	}
	defer l.Close()
	return l.Verify(ctx)
}

// ExportFile writes one hall day of the ledger at path as JSON (the
// `hallkiosk ledger export` command), without personal data.
func ExportFile(ctx context.Context, path, day string, w io.Writer) error {
	if _, err := time.Parse(dayFormat, day); err != nil {
		return fmt.Errorf("%w: day %q: want YYYY-MM-DD", ErrBadRequest, day)
	}
	l, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer l.Close()
	x, err := l.ExportDay(ctx, day)
	if err != nil {
		return err
	}
	return x.WriteJSON(w)
}
