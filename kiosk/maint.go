package kiosk

import (
	"context"

	"golang.org/x/crypto/bcrypt"
)

// maxPINFails sends the kiosk home after this many wrong PINs in a row.
const maxPINFails = 3

// CornerDown starts the maintenance hold: a technician presses and holds a
// corner for HoldTime (Tick opens the PIN keypad when it has passed).
func (m *Machine) CornerDown() {
	if m.opts.PINHash == nil || m.ports.Tech == nil {
		return
	}
	m.hold, m.holding = m.clk.Now(), true
}

// CornerUp ends the hold early.
func (m *Machine) CornerUp() { m.holding = false }

func (m *Machine) openPIN() {
	if m.st.Busy {
		return
	}
	m.Reset()
	m.st.Journey = JourneyMaint
	m.UseKeypad(KeypadPIN)
}

// submitPIN checks the PIN against its bcrypt hash, off the UI thread
// since bcrypt is slow on purpose.
func (m *Machine) submitPIN(pin string) {
	hash := m.opts.PINHash
	m.call(func(ctx context.Context) func() {
		err := bcrypt.CompareHashAndPassword(hash, []byte(pin))
		return func() {
			if err != nil {
				m.pinFailed()
				return
			}
			m.fails = 0
			m.log.Info("maintenance panel opened")
			m.show(ScreenMaint)
			m.MaintRefresh()
		}
	})
}

func (m *Machine) pinFailed() {
	m.fails++
	m.log.Warn("wrong maintenance PIN", "fails", m.fails)
	if m.fails >= maxPINFails {
		m.fails = 0
		m.Reset()
		return
	}
	m.st.Input, m.st.Hint = "", "maint.pin.bad"
	m.changed()
}

// MaintRefresh reloads the panel's status, network and log lines.
func (m *Machine) MaintRefresh() {
	if m.st.Screen != ScreenMaint || m.st.Busy {
		return
	}
	m.touched()
	m.call(func(ctx context.Context) func() {
		lines := m.ports.Tech.Status(ctx)
		lines = append(lines, StatusLine{Name: "network", Value: m.ports.Tech.Network(ctx)})
		tail := m.ports.Tech.LogTail(12)
		return func() { m.st.MaintLines, m.st.MaintLog = lines, tail }
	})
}

// MaintSelfTest runs a device's self-test ("printer" or "reader").
func (m *Machine) MaintSelfTest(device string) {
	if m.st.Screen != ScreenMaint || m.st.Busy {
		return
	}
	m.touched()
	m.call(func(ctx context.Context) func() {
		out, err := m.ports.Tech.SelfTest(ctx, device)
		if err != nil {
			out = device + ": " + err.Error()
		}
		return func() { m.st.MaintOut = out }
	})
}

// MaintExit leaves the kiosk program (the supervisor restarts it).
func (m *Machine) MaintExit() {
	if m.st.Screen != ScreenMaint {
		return
	}
	m.log.Info("exit from maintenance panel")
	m.ports.Tech.Exit()
}

// speak says a screen's prompt in elderly mode.
func (m *Machine) speak(s Screen) {
	p, ok := prompts[s]
	if !ok || !m.st.Large || m.ports.Speaker == nil {
		return
	}
	if m.voice == nil {
		m.voice = make(chan [2]string, 4)
		go m.speaker()
	}
	m.wg.Add(1)
	select {
	case m.voice <- [2]string{m.st.Lang.Code(), T(m.st.Lang, p)}:
	default: // the citizen taps faster than the voice talks: skip a prompt
		m.wg.Done()
	}
}

// speaker says prompts one after the other, in order.
func (m *Machine) speaker() {
	for p := range m.voice {
		ctx, cancel := context.WithTimeout(context.Background(), m.opts.CallTimeout)
		if err := m.ports.Speaker.Say(ctx, p[0], p[1]); err != nil {
			m.log.Warn("speak", "err", err)
		}
		cancel()
		m.wg.Done()
	}
}

// prompts are the spoken prompts of the elderly mode.
var prompts = map[Screen]Msg{
	ScreenHome:        "home.checkin.sub",
	ScreenCheckIn:     "checkin.card",
	ScreenDepartments: "walkin.depts",
	ScreenMatters:     "walkin.matters",
	ScreenConfirm:     "walkin.confirm",
	ScreenTicket:      "ticket.take",
	ScreenCardNeeded:  "checkin.card",
	ScreenDays:        "book.day",
	ScreenSlots:       "book.slot",
	ScreenBookConfirm: "book.confirm",
	ScreenSearch:      "search.hint",
}
