#!/usr/bin/env bash
# Runs a command with an X display: the real one when there is one,
# otherwise a private Xvfb (1920x1080, 24-bit) that ends with the command.
set -euo pipefail
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$@"
fi
exec xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" "$@"
