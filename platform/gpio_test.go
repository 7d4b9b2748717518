package platform_test

import (
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"

	"hallkiosk/platform"
	"hallkiosk/platform/gpiofake"
)

func TestGPIOInputsFollowInjectedEdges(t *testing.T) {
	b := gpiofake.NewBoard()
	ls, err := platform.OpenLines(platform.GPIOConfig{PaperLow: "!GPIO17", DoorOpen: "GPIO4"}, b.Resolve)
	if err != nil {
		t.Fatal(err)
	}
	if ls.StatusLED != nil || ls.Chime != nil {
		t.Fatal("unwired roles should be nil")
	}

	// The paper sensor is active-low: the line falls when paper runs low.
	b.Edge("GPIO17", gpio.Low)
	changed, active := ls.PaperLow.WaitForEdge(time.Second)
	if !changed || !active {
		t.Fatalf("paper_low after falling edge: changed=%v active=%v", changed, active)
	}
	b.Edge("GPIO17", gpio.High)
	if changed, active = ls.PaperLow.WaitForEdge(time.Second); !changed || active {
		t.Fatalf("paper_low after rising edge: changed=%v active=%v", changed, active)
	}

	b.Edge("GPIO4", gpio.High)
	if changed, active = ls.DoorOpen.WaitForEdge(time.Second); !changed || !active {
		t.Fatalf("door_open: changed=%v active=%v", changed, active)
	}
}

func TestGPIOWaitTimesOutWithoutEdge(t *testing.T) {
	b := gpiofake.NewBoard()
	ls, err := platform.OpenLines(platform.GPIOConfig{DoorOpen: "GPIO4"}, b.Resolve)
	if err != nil {
		t.Fatal(err)
	}
	if changed, _ := ls.DoorOpen.WaitForEdge(50 * time.Millisecond); changed {
		t.Fatal("reported an edge that never came")
	}
}

func TestGPIOOutputs(t *testing.T) {
	b := gpiofake.NewBoard()
	ls, err := platform.OpenLines(platform.GPIOConfig{StatusLED: "GPIO5", Chime: "!GPIO6"}, b.Resolve)
	if err != nil {
		t.Fatal(err)
	}
	if b.Level("GPIO5") != gpio.Low || b.Level("GPIO6") != gpio.High {
		t.Fatal("outputs should start off (an active-low output idles high)")
	}
	if err := ls.StatusLED.Set(true); err != nil {
		t.Fatal(err)
	}
	if b.Level("GPIO5") != gpio.High {
		t.Fatal("LED not driven high")
	}
	if err := ls.Chime.Pulse(time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if b.Level("GPIO6") != gpio.High {
		t.Fatal("chime left on after pulse")
	}
	if err := ls.StatusLED.Pulse(0); err != nil {
		t.Fatal(err)
	}
	if _, err := ls.StatusLED.Active(); err == nil {
		t.Fatal("reading an output as a sensor should fail")
	}
}

func TestGPIOMissingLineNamesRole(t *testing.T) {
	b := gpiofake.NewBoard()
	b.Missing["GPIO99"] = true
	ls, err := platform.OpenLines(platform.GPIOConfig{PaperLow: "GPIO99", DoorOpen: "GPIO4"},
		b.Resolve)
	if err == nil || !strings.Contains(err.Error(), "paper_low") {
		t.Fatalf("got %v, want an error naming paper_low", err)
	}
	if ls == nil || ls.DoorOpen == nil || ls.PaperLow != nil {
		t.Fatalf("lines %+v: want door_open open beside the missing paper_low", ls)
	}
}

func TestHostResolverOnMachineWithoutLine(t *testing.T) {
	// Runs against the real periph host drivers; no machine here has a
	// line by this name, so the error must say so rather than panic.
	if _, err := platform.HostResolver("HALLKIOSK_NO_SUCH_LINE"); err == nil {
		t.Fatal("resolved a line that does not exist")
	}
}
