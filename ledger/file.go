package ledger

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// sqliteMagic starts every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// checkFile looks at the file's header before SQLite does. SQLite opens a
// file that is not a database, or one cut short, without complaint and only
// fails at the first query touching a missing page; the ledger wants the
// operator told at start-up, and it must not create a new journal over a
// file it does not recognise.
func checkFile(path string, readOnly bool) error {
	ok, err := fileExists(path)
	if err != nil {
		return err
	}
	if !ok {
		if readOnly {
			return fmt.Errorf("ledger: %s: no such ledger (or it is empty)", path)
		}
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	// While a write-ahead log holds pages, the main file may be shorter
	// than its header says: a checkpoint cut short by a crash writes page
	// 1 before the pages after it, and the log still has them all. SQLite
	// recovers that on open and quick_check then reads every page, so the
	// size test is only made when there is no log.
	wal, err := fileExists(path + "-wal")
	if err != nil {
		return err
	}
	return checkHeader(path, f, st.Size(), !wal)
}

// checkHeader validates the 100-byte header, and against the file's size
// when checkSize is set.
func checkHeader(path string, r io.Reader, size int64, checkSize bool) error {
	hdr := make([]byte, 100)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return corrupt(path, fmt.Sprintf("file is %d bytes, shorter than a database header", size))
	}
	if !bytes.Equal(hdr[:16], sqliteMagic) {
		return corrupt(path, "not an SQLite database (bad header)")
	}
	pageSize := int64(binary.BigEndian.Uint16(hdr[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	pages := int64(binary.BigEndian.Uint32(hdr[28:32]))
	// The in-header page count is only valid when the change counter
	// matches "version-valid-for"; older writers left it stale.
	valid := bytes.Equal(hdr[24:28], hdr[92:96])
	if checkSize && valid && pages > 0 && size < pages*pageSize {
		return corrupt(path, fmt.Sprintf("file is truncated: %d bytes, header says %d pages of %d",
			size, pages, pageSize))
	}
	return nil
}
