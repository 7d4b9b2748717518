#!/usr/bin/env bash
# The whole hall on this machine: the center, a virtual printer and ID-card
# reader on pseudo-terminals, and (when the firmware has them) a kiosk and a
# display window. Without a display it runs under Xvfb and writes
# screenshots. Ctrl-C stops everything it started.
#
#   DEMO_OUT=demo-out   where tickets, logs, configs and screenshots go
#   DEMO_SECONDS=N      stop by itself after N seconds (0: run until Ctrl-C)
set -uo pipefail
cd "$(dirname "$0")/.."
out=${DEMO_OUT:-demo-out}
secs=${DEMO_SECONDS:-0}
center_addr=127.0.0.1:8080
mkdir -p "$out"/{dev,tickets,logs,center,kiosk,display,screens}
pids=()

stop_all() {
  trap - INT TERM EXIT
  echo; echo "demo: stopping ${#pids[@]} process(es)"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  exit 0
}
trap stop_all INT TERM EXIT

# has BIN CMD...: whether the binary has that command yet.
has() { "bin/$1" "${@:2}" --help >/dev/null 2>&1; }

start() { # start NAME CMD...: run in the background, log to $out/logs/NAME.log
  local name=$1; shift
  "$@" >"$out/logs/$name.log" 2>&1 &
  pids+=($!)
  echo "demo: started $name (pid $!): $*"
}

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  for n in $(seq 90 99); do [ -e /tmp/.X11-unix/X$n ] || break; done
  Xvfb :$n -screen 0 1920x1080x24 -nolisten tcp >"$out/logs/xvfb.log" 2>&1 &
  pids+=($!)
  export DISPLAY=:$n
  headless=1
  echo "demo: no display; started Xvfb on $DISPLAY, screenshots go to $out/screens"
fi

if has hallcenter serve; then
  start center bin/hallcenter serve --demo --data "$out/center" --listen "$center_addr"
fi
if has hallsim printer; then
  start printer bin/hallsim printer --link "$out/dev/printer" --out "$out/tickets" --paper 80 --control 127.0.0.1:8091
fi
if has hallsim idcard; then
  start idcard bin/hallsim idcard --link "$out/dev/reader" --control 127.0.0.1:8092
fi

cat >"$out/kiosk/device.toml" <<TOML
role = "kiosk"
data_dir = "$PWD/$out/kiosk"
[device]
name = "demo-kiosk-1"
[center]
url = "http://$center_addr"
[printer]
port = "$PWD/$out/dev/printer"
[reader]
port = "$PWD/$out/dev/reader"
[screen]
width = 1080
height = 1920
fullscreen = false
TOML
cat >"$out/display/device.toml" <<TOML
role = "display"
data_dir = "$PWD/$out/display"
[device]
name = "demo-display-1"
[center]
url = "http://$center_addr"
[screen]
width = 1920
height = 1080
orientation = "landscape"
fullscreen = false
TOML

if has hallkiosk kiosk; then
  start kiosk bin/hallkiosk kiosk --config "$out/kiosk/device.toml"
fi
if has hallkiosk display; then
  start display bin/hallkiosk display --config "$out/display/device.toml"
fi

sleep 3
echo
echo "demo: center console   http://$center_addr/"
echo "demo: printed tickets  $out/tickets/NNNN.png (raw ESC/POS beside each as .bin)"
echo "demo: place a test card: curl -X POST http://127.0.0.1:8092/place -d '{\"file\":\"idcard/testdata/cards/resident.json\"}'"
echo "demo: device configs   $out/kiosk/device.toml, $out/display/device.toml"
echo "demo: logs             $out/logs/"
if ! has hallkiosk kiosk; then
  echo "demo: the kiosk and display screens are not built yet; the center and virtual devices are running"
fi

if [ -n "${headless:-}" ] && command -v import >/dev/null; then
  sleep 2
  import -display "$DISPLAY" -window root "$out/screens/desktop.png" 2>/dev/null &&
    echo "demo: screenshot       $out/screens/desktop.png"
fi

if [ "$secs" -gt 0 ]; then
  sleep "$secs"
else
  echo "demo: running; Ctrl-C stops everything"
  wait
fi
