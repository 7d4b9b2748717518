package voice

import "math"

// ChimeRate is the sample rate of the generated chime.
const ChimeRate = 22050

// Chime is the two-note "ding-dong" played before each announcement so the
// hall looks up before the number is spoken. It is generated, not a file:
// E5 then C5, each a sine with a soft attack and an exponential decay.
func Chime() PCM {
	notes := []float64{659.25, 523.25}
	const noteSec = 0.6
	per := int(noteSec * ChimeRate)
	out := PCM{Rate: ChimeRate, Samples: make([]int16, 0, per*len(notes))}
	for _, f := range notes {
		for i := range per {
			t := float64(i) / ChimeRate
			env := math.Min(1, t/0.01) * math.Exp(-t*4)
			// A quieter octave overtone makes it sound like a bell, not a beep.
			v := math.Sin(2*math.Pi*f*t) + 0.3*math.Sin(4*math.Pi*f*t)
			out.Samples = append(out.Samples, int16(v/1.3*env*0.8*math.MaxInt16))
		}
	}
	return out
}
