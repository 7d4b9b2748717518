package platform

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"hallkiosk/platform/atomicfile"
)

// Files in the data directory that hold the device's credentials, each
// mode 0600 and written atomically.
const (
	TokenFile   = "token"    // the device token from enrolment
	HallKeyFile = "hall.key" // the hall secret for keyed ID hashes (kiosks)
)

// ErrFingerprintMismatch means the center presented a certificate other
// than the one pinned at provisioning: a wrong address, a replaced center,
// or someone in between.
var ErrFingerprintMismatch = errors.New("center certificate does not match the pinned fingerprint")

// NormalizeFingerprint lower-cases a SHA-256 fingerprint and drops colons
// and spaces, so "AB:CD…" as shown by openssl compares equal.
func NormalizeFingerprint(fp string) string {
	return strings.NewReplacer(":", "", " ", "").Replace(strings.ToLower(strings.TrimSpace(fp)))
}

// CertFingerprint is the hex SHA-256 of a certificate's DER bytes.
func CertFingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// CenterClient returns the HTTP client every device component uses to
// reach the center. With a fingerprint, TLS trusts exactly the pinned
// certificate (centers usually run on a self-signed certificate inside the
// hall network, so there is no CA to ask); without one it uses the system
// roots. Plain http is refused except to loopback.
func CenterClient(cfg CenterConfig, timeout time.Duration) (*http.Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("center url %q: %w", cfg.URL, err)
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("center url %q: plain http is allowed only to this machine; use https", cfg.URL)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if fp := NormalizeFingerprint(cfg.Fingerprint); fp != "" {
		tr.TLSClientConfig = &tls.Config{
			MinVersion: tls.VersionTLS12,
			// The pin replaces chain verification; VerifyPeerCertificate
			// still runs and refuses any other certificate.
			InsecureSkipVerify:    true,
			VerifyPeerCertificate: pinVerifier(fp),
		}
	}
	return &http.Client{Transport: tr, Timeout: timeout}, nil
}

func pinVerifier(fp string) func([][]byte, [][]*x509.Certificate) error {
	return func(raw [][]byte, _ [][]*x509.Certificate) error {
		if len(raw) == 0 {
			return fmt.Errorf("%w: no certificate presented", ErrFingerprintMismatch)
		}
		if got := CertFingerprint(raw[0]); got != fp {
			return fmt.Errorf("%w: got %s", ErrFingerprintMismatch, got)
		}
		return nil
	}
}

// FetchFingerprint connects to an https center without trusting it and
// returns its certificate's fingerprint, for the technician to compare with
// the one the center's admin page shows before pinning it.
func FetchFingerprint(ctx context.Context, centerURL string) (string, error) {
	u, err := url.Parse(centerURL)
	if err != nil || u.Scheme != "https" {
		return "", fmt.Errorf("fetch fingerprint: %q is not an https url", centerURL)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "443")
	}
	d := tls.Dialer{NetDialer: &net.Dialer{Timeout: 5 * time.Second},
		Config: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}}
	c, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return "", fmt.Errorf("fetch fingerprint from %s: %w", host, err)
	}
	defer c.Close()
	certs := c.(*tls.Conn).ConnectionState().PeerCertificates
	if len(certs) == 0 {
		return "", fmt.Errorf("fetch fingerprint from %s: no certificate", host)
	}
	return CertFingerprint(certs[0].Raw), nil
}

// SaveSecret writes one credential file into dataDir, mode 0600.
func SaveSecret(dataDir, name, value string) error {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("save %s: %w", name, err)
	}
	return atomicfile.Write(filepath.Join(dataDir, name), []byte(value+"\n"), 0o600)
}

// LoadSecret reads one credential file from dataDir. It refuses a file
// others can read: a leaked device token lets anyone issue tickets.
func LoadSecret(dataDir, name string) (string, error) {
	p := filepath.Join(dataDir, name)
	fi, err := os.Stat(p)
	if err != nil {
		return "", fmt.Errorf("load %s: %w (provision the device: hallkiosk provision)", name, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("load %s: mode %v lets others read it; chmod 600 %s", name, fi.Mode().Perm(), p)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("load %s: %w", name, err)
	}
	return string(bytes.TrimSpace(b)), nil
}
