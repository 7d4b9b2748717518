// Command hallsim runs virtual hall devices on pseudo-terminals for
// development, the demo and tests: an ESC/POS thermal printer and a SAM
// ID-card reader that speak the real protocols byte for byte. Each device
// lives in its own file and registers itself with app.
package main

import "hallkiosk/internal/cli"

var app = &cli.App{
	Name:    "hallsim",
	Summary: "virtual printer and ID-card reader on pseudo-terminals",
}

func main() { app.Main() }
