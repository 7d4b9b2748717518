package voice

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// PCM is mono 16-bit audio: what the engines produce and the sinks play.
type PCM struct {
	Rate    int
	Samples []int16
}

// Duration is how long the audio plays.
func (p PCM) Duration() time.Duration {
	if p.Rate == 0 {
		return 0
	}
	return time.Duration(len(p.Samples)) * time.Second / time.Duration(p.Rate)
}

// RMS is the root mean square level, 0 for silence, 32767 at full scale.
func (p PCM) RMS() float64 {
	if len(p.Samples) == 0 {
		return 0
	}
	var sum float64
	for _, s := range p.Samples {
		sum += float64(s) * float64(s)
	}
	return math.Sqrt(sum / float64(len(p.Samples)))
}

// Scaled returns the audio at volume v (0 to 1). Volume is applied to the
// samples so every sink, the WAV files of tests included, hears the same.
func (p PCM) Scaled(v float64) PCM {
	v = max(0, min(1, v))
	out := PCM{Rate: p.Rate, Samples: make([]int16, len(p.Samples))}
	for i, s := range p.Samples {
		out.Samples[i] = int16(float64(s) * v)
	}
	return out
}

// WAV encodes the audio as a RIFF/WAVE file, PCM 16-bit mono.
func (p PCM) WAV() []byte {
	var b bytes.Buffer
	n := uint32(len(p.Samples) * 2)
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, 36+n)
	b.WriteString("WAVEfmt ")
	for _, v := range []any{
		uint32(16), uint16(1), uint16(1), uint32(p.Rate), uint32(p.Rate * 2), uint16(2), uint16(16),
	} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, n)
	binary.Write(&b, binary.LittleEndian, p.Samples)
	return b.Bytes()
}

// ErrNotWAV means the data is not 16-bit mono PCM WAV.
var ErrNotWAV = errors.New("voice: not a 16-bit mono PCM WAV")

// ParseWAV decodes 16-bit mono PCM WAV. A data chunk whose size runs past
// the end (espeak-ng writing to a pipe cannot seek back to fix it) is read
// to the end.
func ParseWAV(data []byte) (PCM, error) {
	if len(data) < 12 || string(data[0:4]) != "RIFF" || string(data[8:12]) != "WAVE" {
		return PCM{}, ErrNotWAV
	}
	var p PCM
	for off := 12; off+8 <= len(data); {
		id := string(data[off : off+4])
		size := int(binary.LittleEndian.Uint32(data[off+4 : off+8]))
		body := data[off+8:]
		if size < len(body) {
			body = body[:size]
		}
		switch id {
		case "fmt ":
			le := binary.LittleEndian
			if len(body) < 16 || le.Uint16(body[0:2]) != 1 || le.Uint16(body[2:4]) != 1 ||
				le.Uint16(body[14:16]) != 16 {
				return PCM{}, fmt.Errorf("%w: unsupported format chunk", ErrNotWAV)
			}
			p.Rate = int(binary.LittleEndian.Uint32(body[4:8]))
		case "data":
			if p.Rate == 0 {
				return PCM{}, fmt.Errorf("%w: data before format", ErrNotWAV)
			}
			p.Samples = make([]int16, len(body)/2)
			binary.Read(bytes.NewReader(body[:len(p.Samples)*2]), binary.LittleEndian, p.Samples)
			return p, nil
		}
		off += 8 + size + size%2
	}
	return PCM{}, fmt.Errorf("%w: no data chunk", ErrNotWAV)
}
