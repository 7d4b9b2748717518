package platform

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCenterClientPinsTheCertificate(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	fp := CertFingerprint(srv.Certificate().Raw)

	got, err := FetchFingerprint(context.Background(), srv.URL)
	if err != nil || got != fp {
		t.Fatalf("FetchFingerprint = %q, %v; want %q", got, err, fp)
	}

	// The pin in the form openssl prints it: upper case with colons.
	var shown []string
	for i := 0; i < len(fp); i += 2 {
		shown = append(shown, strings.ToUpper(fp[i:i+2]))
	}
	c, err := CenterClient(CenterConfig{URL: srv.URL, Fingerprint: strings.Join(shown, ":")}, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatalf("pinned request failed: %v", err)
	}
	resp.Body.Close()

	other := strings.Repeat("ab", 32)
	c, _ = CenterClient(CenterConfig{URL: srv.URL, Fingerprint: other}, 5*time.Second)
	if _, err := c.Get(srv.URL); !errors.Is(err, ErrFingerprintMismatch) {
		t.Fatalf("got %v, want ErrFingerprintMismatch", err)
	}

	// Without a pin, the test server's certificate is not in the roots.
	c, _ = CenterClient(CenterConfig{URL: srv.URL}, 5*time.Second)
	if _, err := c.Get(srv.URL); err == nil {
		t.Fatal("unpinned client trusted a self-signed certificate")
	}
}

func TestCenterClientRefusesPlainHTTPOffMachine(t *testing.T) {
	if _, err := CenterClient(CenterConfig{URL: "http://10.1.2.3:8080"}, time.Second); err == nil {
		t.Fatal("accepted plain http to another machine")
	}
	if _, err := CenterClient(CenterConfig{URL: "http://127.0.0.1:8080"}, time.Second); err != nil {
		t.Fatal(err)
	}
}

func TestSecretsAreOwnerOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := SaveSecret(dir, TokenFile, "tok-123"); err != nil {
		t.Fatal(err)
	}
	got, err := LoadSecret(dir, TokenFile)
	if err != nil || got != "tok-123" {
		t.Fatalf("LoadSecret = %q, %v", got, err)
	}
	os.Chmod(filepath.Join(dir, TokenFile), 0o644)
	if _, err := LoadSecret(dir, TokenFile); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a world-readable token was accepted: %v", err)
	}
	if _, err := LoadSecret(dir, HallKeyFile); err == nil || !strings.Contains(err.Error(), "provision") {
		t.Fatalf("missing secret: %v", err)
	}
}
