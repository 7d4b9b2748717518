// Package kiosk is the citizen's side of the hall: the journeys of the
// touchscreen kiosk (check in a booking, take a walk-in ticket, book or
// cancel on site, find a service) as a pure-Go state machine, and the narrow
// ports through which it reaches the ledger, the center, the printer, the
// ID-card reader and the speaker.
//
// The machine knows nothing of fyne: package kiosk/ui draws the State it
// exposes and feeds taps back as method calls, so every journey and every
// error state can be driven from a plain Go test with an injected clock.
// Package kiosk/kiosktest holds in-memory fakes of the ports for those tests;
// package kiosk/adapt binds the ports to the real ledger, printer and reader.
//
// Rules cited here come from the hall's regulations (DESIGN.md §2): R1
// walk-in-only departments, R5 cancel one day ahead, R6 book workdays at
// least one day ahead, R7 pick-up windows, R8 wait targets 10/30/60 minutes,
// R9 walk-in quota, R11 restriction list, R12 lapsed bookings, K1 the seven
// elements of a matter, K4 citizens' feedback; and the guarantees G4
// (offline issuing), G5 (one tap, one ticket) and G6 (nothing personal kept).
package kiosk
