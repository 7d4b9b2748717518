// Package logging sets up log/slog the same way for every binary: text on
// stderr by default, JSON when a collector reads the logs. Attribute keys
// used across packages are defined here once so logs can be searched.
package logging

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// Attribute keys shared across subsystems.
const (
	KeySubsystem = "subsystem"
	KeyDevice    = "device"
	KeyPort      = "port"
	KeyErr       = "err"
	KeyTicket    = "ticket"
	KeyQueue     = "queue"
	KeySeq       = "seq"
)

// New returns a logger writing to w in format "text" or "json" at level
// "debug", "info", "warn" or "error".
func New(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	default:
		return nil, fmt.Errorf("log format %q: want text or json", format)
	}
}

// For returns a child logger for one subsystem.
func For(l *slog.Logger, subsystem string) *slog.Logger {
	if l == nil {
		l = slog.Default()
	}
	return l.With(KeySubsystem, subsystem)
}
