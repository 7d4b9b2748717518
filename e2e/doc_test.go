// Package e2e proves that the parts make a hall: journeys that go from the
// kiosk's touchscreen through the ledger, the center and the console to
// the hall display and its voice, and a fault suite that kills, cuts and
// fills what a real hall would. The package holds tests only; the parts are
// the real ones (the center in process or as the shipped binary, the
// virtual printer and ID-card reader on pseudo-terminals, the real ledger).
//
// The heavier fault tests run only with HALLKIOSK_SLOW=1 (`make test` sets
// it); docs/e2e.md lists what each test proves and the figures it logs.
package e2e
