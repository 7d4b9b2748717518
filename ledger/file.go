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
	return checkHeader(path, f, st.Size())
}

// checkHeader validates the 100-byte header against the file's size.
func checkHeader(path string, r io.Reader, size int64) error {
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
	if valid && pages > 0 && size < pages*pageSize {
		return corrupt(path, fmt.Sprintf("file is truncated: %d bytes, header says %d pages of %d",
			size, pages, pageSize))
	}
	return nil
}
