// Package printer drives the kiosk's ESC/POS thermal printer: a small
// document model (text, rules, feeds, QR codes, cuts) rendered to the
// printer's byte stream for 58 mm and 80 mm paper, live status read from the
// printer itself (DLE EOT), print jobs that report exactly what happened, and
// the ticket layouts a citizen takes away.
//
// The driver talks to a platform.Port, never to a device node, so tests put
// the virtual printer of package printertest on the far end of a
// pseudo-terminal and check the bytes, the status answers and the rendered
// paper.
//
// Known shortcomings are marked BUG(hallkiosk) where they live.
package printer
