package clock

import (
	"testing"
	"time"
)

func TestFakeAfterFiresOnlyWhenDue(t *testing.T) {
	start := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	f := NewFake(start)
	ch := f.After(10 * time.Minute)
	f.Advance(9 * time.Minute)
	select {
	case <-ch:
		t.Fatal("fired before it was due")
	default:
	}
	if f.Waiters() != 1 {
		t.Fatalf("waiters = %d, want 1", f.Waiters())
	}
	f.Advance(time.Minute)
	select {
	case got := <-ch:
		if !got.Equal(start.Add(10 * time.Minute)) {
			t.Fatalf("fired at %v", got)
		}
	default:
		t.Fatal("did not fire when due")
	}
	if f.Waiters() != 0 {
		t.Fatalf("waiters = %d, want 0", f.Waiters())
	}
}

func TestFakeAfterNonPositive(t *testing.T) {
	f := NewFake(time.Unix(0, 0))
	select {
	case <-f.After(0):
	default:
		t.Fatal("After(0) should fire at once")
	}
}
