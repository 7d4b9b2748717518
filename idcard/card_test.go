package idcard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// G6: full ID numbers are never logged or printed. A Card handed to fmt
// with any verb, to slog, or to encoding/json shows neither the name nor
// the number.
func TestCardLeaksNothingByAccident(t *testing.T) {
	c, err := DecodeText(cardText(t, "resident-x"), today)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T"} {
		out = append(out, fmt.Sprintf(verb, c), fmt.Sprintf(verb, *c))
	}
	var logBuf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logBuf, nil))
	log.Info("card", "card", c, "value", *c)
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("card", "card", c)
	js, err := json.Marshal(map[string]any{"p": c, "v": *c})
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, logBuf.String(), string(js))
	for _, s := range out {
		for _, secret := range []string{"李春花", "31011719851122106X", "19851122", "样板街道"} {
			if strings.Contains(s, secret) {
				t.Errorf("%q leaks %q", s, secret)
			}
		}
	}
}

func TestCardMaskAndHash(t *testing.T) {
	c, err := DecodeText(cardText(t, "resident-x"), today)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.MaskedID(); got != "310***********106X" {
		t.Errorf("masked %q", got)
	}
	secret := []byte("hall-secret")
	if c.IDHash(secret) != KeyedHash(secret, "31011719851122106x") {
		t.Error("card hash differs from the hash of the keypad-typed number")
	}
}
