package ui

// ReadableOn exposes readableOn to the external tests (contrast checks).
var ReadableOn = readableOn
