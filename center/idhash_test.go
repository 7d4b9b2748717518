package center_test

import (
	"testing"

	"hallkiosk/center/api"
	"hallkiosk/idcard"
)

// TestKeyedHashAgreesWithIDCard: the center's api.KeyedIDHash and the
// reader's idcard.KeyedHash give the same value, so a booking made by
// phone matches the card read at the kiosk (G6).
func TestKeyedHashAgreesWithIDCard(t *testing.T) {
	for _, id := range []string{"31011719851122106X", " 11010519491231002x", idNumber(7), ""} {
		for _, key := range [][]byte{[]byte("hall-secret"), {0, 1, 2}} {
			if a, b := api.KeyedIDHash(key, id), idcard.KeyedHash(key, id); a != b {
				t.Errorf("%q: center %s, idcard %s", id, a, b)
			}
		}
	}
}
