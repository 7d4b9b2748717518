package printer

// ESC/POS command bytes the driver sends. The virtual printer in printertest
// decodes the same commands from its own table, so a mistake here shows up as
// an unknown command there rather than being hidden by shared code.
const (
	esc = 0x1b
	gs  = 0x1d
	fs  = 0x1c
	dle = 0x10
	eot = 0x04
	lf  = 0x0a
)

// Real-time status requests (DLE EOT n).
const (
	statusPrinter = 1 // online/offline
	statusOffline = 2 // why offline: cover, paper end, error
	statusError   = 3 // which error: cutter, unrecoverable
	statusPaper   = 4 // roll paper sensor: near end, end
)

func cmdInit() []byte          { return []byte{esc, '@'} }
func cmdChineseOn() []byte     { return []byte{fs, '&'} }
func cmdBold(on bool) []byte   { return []byte{esc, 'E', b2i(on)} }
func cmdAlign(a Align) []byte  { return []byte{esc, 'a', byte(a)} }
func cmdFeed(lines int) []byte { return []byte{esc, 'd', byte(lines)} }
func cmdStatus(n byte) []byte  { return []byte{dle, eot, n} }

// cmdSize is GS ! n: the high nibble is the width multiplier minus one, the
// low nibble the height multiplier minus one. It scales Chinese glyphs too.
func cmdSize(s Size) []byte {
	return []byte{gs, '!', byte((s.w()-1)<<4 | (s.h() - 1))}
}

// cmdFeedCut is GS V 66 n: feed n dots, then a partial cut. Feeding first
// moves the last line past the blade, which sits above the print head.
func cmdFeedCut(dots int) []byte { return []byte{gs, 'V', 66, byte(dots)} }

// cmdPaperSensor is GS r 1: transmit the paper sensor status. Unlike DLE
// EOT it waits its turn in the buffer, so its reply means the job before it
// has been printed.
func cmdPaperSensor() []byte { return []byte{gs, 'r', 1} }

// cmdFirmware is GS I 65: transmit the firmware version.
func cmdFirmware() []byte { return []byte{gs, 'I', 65} }

// QR code commands: GS ( k pL pH cn fn ..., with cn = 49 for QR. pL pH count
// the bytes after themselves.
func qrFunc(fn byte, args ...byte) []byte {
	n := 2 + len(args)
	out := []byte{gs, '(', 'k', byte(n), byte(n >> 8), 49, fn}
	return append(out, args...)
}

func cmdQRModel2() []byte           { return qrFunc(65, 50, 0) }
func cmdQRModule(dots int) []byte   { return qrFunc(67, byte(dots)) }
func cmdQRLevel(l QRLevel) []byte   { return qrFunc(69, byte(48+l)) }
func cmdQRStore(data []byte) []byte { return qrFunc(80, append([]byte{48}, data...)...) }
func cmdQRPrint() []byte            { return qrFunc(81, 48) }

func b2i(b bool) byte {
	if b {
		return 1
	}
	return 0
}
