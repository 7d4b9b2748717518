// Package gpiofake gives tests GPIO lines built on periph's gpiotest pins:
// edges are injected through each pin's EdgesChan exactly as the kernel
// would deliver them to a waiting driver.
package gpiofake

import (
	"fmt"
	"sync"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

// Board is a set of fake lines, created on first use by name.
type Board struct {
	mu   sync.Mutex
	pins map[string]*gpiotest.Pin
	// Missing names lines that must not resolve, to test a wiring mistake.
	Missing map[string]bool
}

// NewBoard returns an empty board.
func NewBoard() *Board { return &Board{pins: map[string]*gpiotest.Pin{}, Missing: map[string]bool{}} }

// Resolve is a platform.Resolver over the board.
func (b *Board) Resolve(spec string) (gpio.PinIO, error) {
	if b.Missing[spec] {
		return nil, fmt.Errorf("gpiofake: line %q not on this board", spec)
	}
	return b.Pin(spec), nil
}

// Pin returns the fake pin named spec.
func (b *Board) Pin(spec string) *gpiotest.Pin {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, ok := b.pins[spec]
	if !ok {
		p = &gpiotest.Pin{N: spec, Num: len(b.pins), EdgesChan: make(chan gpio.Level, 16)}
		b.pins[spec] = p
	}
	return p
}

// Edge injects an edge to level on the pin named spec.
func (b *Board) Edge(spec string, level gpio.Level) { b.Pin(spec).EdgesChan <- level }

// Level reads the pin's current level (an output's last written value).
func (b *Board) Level(spec string) gpio.Level { return b.Pin(spec).Read() }
