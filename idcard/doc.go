// Package idcard drives the resident ID-card reader of a kiosk: a SAM
// (security access module) on a serial line that speaks the GA/T 467 frame
// protocol and hands out the card's text in the GA 490 layout.
//
// The package is in three layers, each usable on its own:
//
//   - frame.go: the frame codec, pure functions over bytes (Encode,
//     Split). It knows nothing about ports or cards.
//   - text.go: the text decoder, a pure function from the 256 bytes of
//     card text to a Card (resident, foreign permanent-resident and
//     Hong Kong/Macau/Taiwan residence-permit layouts).
//   - reader.go and poll.go: the driver. Reader does one command/response
//     exchange per call; Run is the poll loop (find, select, read) with
//     retries, backoff, SAM resets and placed/removed events.
//
// Privacy (G6: full ID numbers are never stored or logged on a device, nor
// printed) is built into Card: it gives out a masked number and a keyed
// hash; the raw number only through RevealIDNumberForOnSiteBooking. A Card
// formats, logs and marshals itself without personal data, and the photo is
// never kept. The driver logs frames by command and status only.
//
// The virtual reader that answers this protocol for tests and hallsim lives
// in idcard/idcardtest and builds its frames and text independently of this
// package, so a bug shared by encoder and decoder cannot hide.
package idcard
