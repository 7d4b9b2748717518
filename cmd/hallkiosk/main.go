// Command hallkiosk is the firmware of the hall's devices: the ticket kiosk
// and the calling display, with the technician's commands (provision,
// selftest, doctor, config, ledger). Each command lives in its own file and
// registers itself with app; the work is done in the packages.
package main

import "hallkiosk/internal/cli"

var app = &cli.App{
	Name:    "hallkiosk",
	Summary: "firmware for the service hall's ticket kiosks and calling displays",
}

func main() { app.Main() }
