package platform

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// PTY is a pseudo-terminal whose slave end stands in for a serial device.
// The virtual printer and ID-card reader (hallsim) sit on the master end;
// the product opens the slave path with OpenSerial exactly as it would open
// /dev/ttyUSB0.
type PTY struct {
	// Master is the simulator's end.
	Master *os.File
	// SlavePath is the device node the product opens, e.g. /dev/pts/7.
	SlavePath string

	// slave is held open so the master never sees EIO while the product
	// closes and reopens the port between jobs.
	slave *os.File
	link  string
}

// OpenPTY opens a pseudo-terminal in raw mode.
func OpenPTY() (*PTY, error) {
	m, s, err := pty.Open()
	if err != nil {
		return nil, fmt.Errorf("open pseudo-terminal: %w", err)
	}
	if err := makeRaw(s); err != nil {
		m.Close()
		s.Close()
		return nil, fmt.Errorf("set pseudo-terminal %s raw: %w", s.Name(), err)
	}
	return &PTY{Master: m, SlavePath: s.Name(), slave: s}, nil
}

// makeRaw clears echo, canonical mode and every translation, so bytes pass
// unchanged in both directions before the product has opened the port.
func makeRaw(f *os.File) error {
	fd := int(f.Fd())
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	return unix.IoctlSetTermios(fd, unix.TCSETS, t)
}

// Link makes path a symbolic link to the slave device, replacing a stale
// link left by an earlier run. It refuses to replace anything that is not a
// symbolic link, so a typo cannot delete a real file.
func (p *PTY) Link(path string) error {
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&os.ModeSymlink == 0 {
			return fmt.Errorf("link %s: exists and is not a symbolic link", path)
		}
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("replace link %s: %w", path, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("link %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("link %s: %w", path, err)
	}
	if err := os.Symlink(p.SlavePath, path); err != nil {
		return fmt.Errorf("link %s -> %s: %w", path, p.SlavePath, err)
	}
	p.link = path
	return nil
}

// Close closes both ends and removes the link, which to the product looks
// like a USB adapter being pulled.
func (p *PTY) Close() error {
	if p.link != "" {
		os.Remove(p.link)
	}
	err := p.Master.Close()
	p.slave.Close()
	return err
}
