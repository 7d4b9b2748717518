#!/usr/bin/env bash
# The whole hall on this machine: the center, a virtual printer and ID-card
# reader on pseudo-terminals, a provisioned kiosk and a provisioned hall
# display. Without a display each window gets its own Xvfb and the script
# writes screenshots. Ctrl-C stops everything it started.
#
#   DEMO_OUT=demo-out   where tickets, logs, configs and screenshots go
#   DEMO_SECONDS=N      stop by itself after N seconds (0: run until Ctrl-C)
#   DEMO_TIME=RFC3339   the center's starting clock (default: 09:00 in the
#                       hall's zone on the last weekday before today, so
#                       walk-in tickets and check-ins are open whatever the
#                       hour; in the past, so enrolment codes made on the
#                       real clock are still valid on the center's)
set -uo pipefail
cd "$(dirname "$0")/.."
out=${DEMO_OUT:-demo-out}
secs=${DEMO_SECONDS:-0}
center=127.0.0.1:8080
export LANG=${LANG:-zh_CN.UTF-8}
case "$LANG" in C | C.* | POSIX) export LANG=zh_CN.UTF-8 ;; esac # fyne cannot parse C
rm -rf "$out" && mkdir -p "$out"/{dev,tickets,logs,center,kiosk,display,screens,voice}
out=$(cd "$out" && pwd) # absolute: device files name ports and data dirs by it
pids=()

stop_all() {
  trap - INT TERM EXIT
  echo; echo "demo: stopping ${#pids[@]} process(es)"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  exit 0
}
trap stop_all INT TERM EXIT

start() { # start NAME CMD...: run in the background, log to $out/logs/NAME.log
  local name=$1; shift
  "$@" >"$out/logs/$name.log" 2>&1 &
  pids+=($!)
  echo "demo: started $name (pid $!)"
}

wait_for() { # wait_for WHAT TEST...: up to 20 s
  local what=$1; shift
  for _ in $(seq 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "demo: $what did not come up; see $out/logs/"; exit 1
}

last_weekday_morning() {
  for d in 1 2 3; do
    if [ "$(TZ=Asia/Shanghai date -d "-$d day" +%u)" -le 5 ]; then
      TZ=Asia/Shanghai date -d "-$d day" +%Y-%m-%dT09:00:00+08:00; return
    fi
  done
}

# The center, with a console account for each role.
start center bin/hallcenter serve --demo --data "$out/center" --listen "$center" \
  --demo-time "${DEMO_TIME:-$(last_weekday_morning)}"
wait_for "the center" curl -sf "http://$center/healthz"
for role in admin leader staff; do
  echo "demo-$role" | bin/hallcenter user add --data "$out/center" --role $role "$role" >/dev/null 2>&1 ||
    echo "demo: could not create console user $role (see 'bin/hallcenter user add --help')"
done

# The virtual devices.
start printer bin/hallsim printer --link "$out/dev/printer" --out "$out/tickets" --paper 80 --control 127.0.0.1:8091
start idcard bin/hallsim idcard --link "$out/dev/reader" --control 127.0.0.1:8092
wait_for "the virtual printer" test -e "$out/dev/printer"
wait_for "the virtual reader" test -e "$out/dev/reader"

# Provision both devices as a technician would: a one-time code each.
provision() { # provision ROLE NAME DIR [flags...]
  local role=$1 name=$2 dir=$3; shift 3
  local code; code=$(bin/hallcenter enrol-code --data "$out/center" --role "$role" --name "$name" | awk '{print $1}')
  bin/hallkiosk provision --yes --config "$dir/device.toml" --role "$role" --name "$name" \
    --center "http://$center" --code "$code" --data-dir "$dir" "$@" >>"$out/logs/provision.log" 2>&1 ||
    { echo "demo: provisioning $name failed; see $out/logs/provision.log"; exit 1; }
}
provision kiosk demo-kiosk-1 "$out/kiosk" --printer-port "$out/dev/printer" \
  --reader-port "$out/dev/reader" --orientation portrait
provision display demo-display-1 "$out/display" --orientation landscape
# Windowed rather than fullscreen, so both fit on a developer's desktop.
sed -i 's/^fullscreen = true/fullscreen = false/' "$out/kiosk/device.toml" "$out/display/device.toml"

# A display for each window: the real one, or a private Xvfb sized to it.
screen_for() { # screen_for NAME WxH: sets DISPLAY for the next start
  if [ -n "${real_display:-}" ]; then export DISPLAY=$real_display; return; fi
  local n; for n in $(seq 90 120); do [ -e /tmp/.X11-unix/X$n ] || break; done
  start "xvfb-$1" Xvfb :$n -screen 0 "${2}x24" -nolisten tcp
  export DISPLAY=:$n
  wait_for "Xvfb :$n" test -e /tmp/.X11-unix/X$n
  eval "display_$1=:$n"
}
real_display=${DISPLAY:-}
screen_for kiosk 1080x1920
start kiosk bin/hallkiosk kiosk --config "$out/kiosk/device.toml"
screen_for display 1920x1080
start display bin/hallkiosk display --config "$out/display/device.toml" --voice-dir "$out/voice"

sleep 4
cat <<MSG

demo: the hall is running.
  center console   http://$center/   (users admin, leader, staff; password demo-ROLE)
  printed tickets  $out/tickets/NNNN.png (raw ESC/POS beside each as .bin)
  announcements    $out/voice/ (WAV files of the display's voice)
  place a card     curl -X POST http://127.0.0.1:8092/place -d '{"file":"$PWD/idcard/testdata/cards/resident.json"}'
  paper out        curl -X POST http://127.0.0.1:8091/state -d '{"paper_end":true}'
  device configs   $out/kiosk/device.toml, $out/display/device.toml
  logs             $out/logs/
MSG

if [ -z "$real_display" ] && command -v import >/dev/null; then
  sleep 3
  import -display "$display_kiosk" -window root "$out/screens/kiosk.png" &&
    import -display "$display_display" -window root "$out/screens/display.png" &&
    echo "  screenshots      $out/screens/kiosk.png, $out/screens/display.png"
fi

if [ "$secs" -gt 0 ]; then
  sleep "$secs"
else
  echo; echo "demo: running; Ctrl-C stops everything"
  wait
fi
