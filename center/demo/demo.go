// Package demo holds the sample hall and knowledge base that
// `hallcenter serve --demo` starts on. The data is invented for this
// project (shape: shared/data/*.sample.json).
package demo

import _ "embed"

// Hall is the demo hall file (departments, queues, matters, windows,
// booking periods, calendar).
//
//go:embed hall.json
var Hall []byte

// Knowledge is the demo knowledge base file.
//
//go:embed knowledge.json
var Knowledge []byte
