#!/bin/sh
# Creates the service user and reloads udev and systemd; enabling the
# service is left to provisioning, which writes a valid device.toml first.
set -e
getent group gpio >/dev/null || groupadd --system gpio
getent passwd hallkiosk >/dev/null || useradd --system --home /var/lib/hallkiosk --shell /usr/sbin/nologin hallkiosk
# The service runs as hallkiosk and must read its config (mode 0640). When
# root re-provisions, the new file keeps this group (platform/atomicfile).
chgrp hallkiosk /etc/hallkiosk
[ ! -e /etc/hallkiosk/device.toml ] || chgrp hallkiosk /etc/hallkiosk/device.toml
udevadm control --reload-rules 2>/dev/null || true
udevadm trigger --subsystem-match=tty 2>/dev/null || true
systemctl daemon-reload 2>/dev/null || true
