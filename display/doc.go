// Package display is the hall screen's model: the state a calling display
// shows (the newest call, recent calls, each window's number, waiting
// counts, notices, the link to the center) and the pure reducer that builds
// it from the center's call stream and snapshots. It has no UI and no
// network: display/stream follows the center, display/voice announces,
// display/screen draws, and Run in display/screen wires them together.
//
// G7 (a display never silently shows stale calls) is carried by the Link
// field: every state says whether it is live, offline or loaded from the
// local cache, and the screen draws that mark.
package display
