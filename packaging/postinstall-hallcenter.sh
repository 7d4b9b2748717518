#!/bin/sh
set -e
getent passwd hallcenter >/dev/null || useradd --system --home /var/lib/hallcenter --shell /usr/sbin/nologin hallcenter
systemctl daemon-reload 2>/dev/null || true
