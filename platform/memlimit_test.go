package platform

import (
	"runtime/debug"
	"testing"
)

func TestLimitMemory(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })

	t.Setenv("GOMEMLIMIT", "")
	if got := LimitMemory(DefaultMemoryLimit); got != DefaultMemoryLimit ||
		debug.SetMemoryLimit(-1) != DefaultMemoryLimit {
		t.Fatalf("limit in force %d, want %d", debug.SetMemoryLimit(-1), DefaultMemoryLimit)
	}

	// A limit from the environment (read by the runtime at start; set here
	// by hand, as the runtime would have) is left alone.
	debug.SetMemoryLimit(300 << 20)
	t.Setenv("GOMEMLIMIT", "300MiB")
	if got := LimitMemory(DefaultMemoryLimit); got != 300<<20 {
		t.Fatalf("GOMEMLIMIT set: limit %d, want it kept at %d", got, 300<<20)
	}
}
