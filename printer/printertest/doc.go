// Package printertest is a virtual ESC/POS thermal printer, byte for byte:
// a pure decoder (Decode, Parse, Decoder) that tests can fuzz, a Machine that
// applies commands to paper and answers DLE EOT from a switchable State, a
// Renderer that draws each cut page as the print head would, and a Device
// that runs all of it on a pseudo-terminal, paced like a serial line, with
// a small HTTP control endpoint. hallsim and the driver's tests use it.
//
// BUG(hallkiosk): pages are drawn with a TTF (the CJK font, and Go Mono for
// ASCII), not the printer's own bitmap font: glyph shapes differ from real
// paper, while cell sizes, wrapping, alignment and scaling are the printer's.
package printertest
