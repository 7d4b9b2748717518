// Command hallcenter is the reference center the hall's devices reconcile
// with: the device API, the call stream and the staff console. Each command
// lives in its own file and registers itself with app.
package main

import "hallkiosk/internal/cli"

var app = &cli.App{
	Name:    "hallcenter",
	Summary: "reference center for the service hall: device API, call stream, staff console",
}

func main() { app.Main() }
