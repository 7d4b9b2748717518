package center

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"hallkiosk/center/api"
	"hallkiosk/platform/atomicfile"
	"hallkiosk/platform/logging"
)

// ServeOptions configure ListenAndServe.
type ServeOptions struct {
	Listen   string // host:port
	CertFile string // TLS certificate; required unless Listen is loopback
	KeyFile  string
	// Ready, if set, is called with the bound address once listening.
	Ready func(addr string)
	// Console, if set, serves every path outside the device API (the staff
	// console and the citizens' ticket pages; see WithConsole).
	Console http.Handler
}

// CheckListen refuses plain HTTP anywhere but loopback: device tokens and
// citizens' data must not cross the hall network in clear text.
func CheckListen(addr string, tls bool) error {
	if tls {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("listen %s: plain HTTP only on loopback; give --tls-cert and --tls-key", addr)
}

// ListenAndServe serves the API until ctx ends, then shuts down gracefully.
// It also runs the timed rules (R8, R12) and the SMS outbox.
func (s *Server) ListenAndServe(ctx context.Context, opts ServeOptions) error {
	useTLS := opts.CertFile != "" || opts.KeyFile != ""
	if err := CheckListen(opts.Listen, useTLS); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", opts.Listen, err)
	}
	handler := s.Handler()
	if opts.Console != nil {
		handler = WithConsole(handler, opts.Console)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	go s.eng.RunTimers(ctx, 5*time.Second)
	errc := make(chan error, 1)
	go func() {
		if useTLS {
			errc <- srv.ServeTLS(ln, opts.CertFile, opts.KeyFile)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	s.log.Info("serving", "addr", ln.Addr().String(), "tls", useTLS)
	if opts.Ready != nil {
		opts.Ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.eng.hub.close() // end streams so Shutdown does not wait on them
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// RunTimers runs Sweep (R8 wait alerts, R12 no-shows), the SMS outbox and
// the device alerts every interval until ctx ends.
func (e *Engine) RunTimers(ctx context.Context, every time.Duration) {
	for {
		if err := e.Sweep(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("sweep failed", logging.KeyErr, err)
		}
		if err := e.flushHeartbeats(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("heartbeat flush failed", logging.KeyErr, err)
		}
		if _, err := e.DeliverSMS(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("sms outbox failed", logging.KeyErr, err)
		}
		if err := e.watchAlerts(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("device alert check failed", logging.KeyErr, err)
		}
		select {
		case <-ctx.Done():
			return
		case <-e.clk.After(every):
		}
	}
}

// KnowledgeFile is the knowledge base file shape: entries with the seven
// elements of K1; the center reads code, name and department.
type KnowledgeFile struct {
	Center  string            `json:"center"`
	Note    string            `json:"note,omitempty"`
	Entries []json.RawMessage `json:"entries"`
}

// ParseKnowledge decodes a knowledge file.
func ParseKnowledge(data []byte) (KnowledgeFile, error) {
	var f KnowledgeFile
	if err := DecodeStrict(data, &f); err != nil {
		return f, fmt.Errorf("knowledge file: %w", err)
	}
	if len(f.Entries) == 0 {
		return f, errors.New("knowledge file: entries: none")
	}
	return f, nil
}

// MattersFrom lists the matters of knowledge entries (code, name,
// department), for a hall file that does not list its matters.
func MattersFrom(f KnowledgeFile) ([]api.Matter, error) {
	var out []api.Matter
	for i, raw := range f.Entries {
		var m api.Matter
		var probe struct {
			Code, Name, Department string
		}
		if err := json.Unmarshal(raw, &probe); err != nil {
			return nil, fmt.Errorf("knowledge entries[%d]: %w", i, err)
		}
		m.Code, m.Name, m.Department = probe.Code, probe.Name, probe.Department
		out = append(out, m)
	}
	return out, nil
}

// LoadFiles loads a hall file and, if given, a knowledge file. A hall file
// that lists no matters takes them from the knowledge entries. It returns
// the new hall version and knowledge version (0 when not loaded).
func (e *Engine) LoadFiles(ctx context.Context, hallData,
	knowledgeData []byte) (int64, int64, error) {
	h, err := ParseHall(hallData)
	if err != nil {
		return 0, 0, err
	}
	wire := h.Hall
	var kb KnowledgeFile
	if knowledgeData != nil {
		if kb, err = ParseKnowledge(knowledgeData); err != nil {
			return 0, 0, err
		}
		if len(wire.Matters) == 0 {
			if wire.Matters, err = MattersFrom(kb); err != nil {
				return 0, 0, err
			}
		}
	}
	hv, err := e.LoadHall(ctx, wire)
	if err != nil || knowledgeData == nil {
		return hv, 0, err
	}
	kv, err := e.LoadKnowledge(ctx, kb.Entries)
	return hv, kv, err
}

// AdminToken reads the admin token from path, creating a random one (mode
// 0600) on first start.
func AdminToken(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err == nil && len(bytes.TrimSpace(data)) >= 16 {
		return string(bytes.TrimSpace(data)), nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("admin token %s: %w", path, err)
	}
	tok := randomHex(24)
	if err := atomicfile.Write(path, []byte(tok+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("admin token: %w", err)
	}
	return tok, nil
}

// ShiftedClock is the wall clock moved to start at a chosen time, for demos
// outside the hall's hours (`serve --demo --demo-time ...`): time runs at
// the normal rate from Start.
type ShiftedClock struct {
	offset time.Duration
}

// NewShiftedClock returns a clock that reads start now.
func NewShiftedClock(start time.Time) *ShiftedClock {
	return &ShiftedClock{offset: time.Until(start)}
}

// Now is the shifted time.
func (c *ShiftedClock) Now() time.Time { return time.Now().Add(c.offset) }

// After behaves like time.After.
func (c *ShiftedClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
