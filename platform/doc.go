// Package platform is the firmware's contact with the machine it runs on:
// serial ports, GPIO lines, the device configuration file, atomic file
// writes and logging. Drivers in printer and idcard talk to a Port, never to
// a device node directly, so tests can put a pseudo-terminal with a virtual
// device on the other end.
package platform
