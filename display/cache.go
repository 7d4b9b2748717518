package display

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"hallkiosk/platform/atomicfile"
)

// CacheFile is the cache's name inside the data directory.
const CacheFile = "display-state.json"

// Cache is what a display keeps on disk so a restart shows the last known
// state at once (marked LinkCached until the stream is back).
type Cache struct {
	State State `json:"state"`
	// StreamID is the last event id the stream delivered: the display
	// resumes from it, so calls made while it was down are still announced.
	StreamID int64 `json:"stream_id"`
}

// CachePath returns the cache path in dataDir.
func CachePath(dataDir string) string { return filepath.Join(dataDir, CacheFile) }

// SaveCache writes c atomically: a power cut leaves the old or the new
// file, never half of one.
func SaveCache(path string, c Cache) error {
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode display cache: %w", err)
	}
	if err := atomicfile.Write(path, data, 0o600); err != nil {
		return fmt.Errorf("write display cache: %w", err)
	}
	return nil
}

// LoadCache reads the cache. A missing file is an empty cache, not an
// error; the state comes back marked LinkCached whatever it was saved as.
func LoadCache(path string) (Cache, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Cache{State: State{Link: LinkOffline}}, nil
	}
	if err != nil {
		return Cache{}, fmt.Errorf("read display cache: %w", err)
	}
	var c Cache
	if err := json.Unmarshal(data, &c); err != nil {
		return Cache{}, fmt.Errorf("decode display cache %s (delete it to start empty): %w",
			path, err)
	}
	c.State.Link = LinkCached
	return c, nil
}
