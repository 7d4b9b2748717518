#!/usr/bin/env bash
# Checks the built packages: each holds what a device or center needs, and
# its systemd units pass `systemd-analyze verify` inside the unpacked tree.
set -euo pipefail
dist=${1:-dist}
fail=0
need() { # need DEB PATH...
  local deb=$1; shift
  local listing; listing=$(dpkg-deb -c "$deb")
  for p in "$@"; do
    if ! grep -q " \./${p#/}\$" <<<"$listing"; then
      echo "check-deb: $(basename "$deb") lacks $p"; fail=1
    fi
  done
}
kiosk=$(ls "$dist"/hallkiosk_*.deb | head -1)
center=$(ls "$dist"/hallcenter_*.deb | head -1)
need "$kiosk" /usr/bin/hallkiosk /usr/bin/hallsim /lib/systemd/system/hallkiosk.service \
  /lib/systemd/system/hallkiosk-xorg.service /lib/udev/rules.d/99-hallkiosk.rules \
  /etc/hallkiosk/device.toml /usr/share/doc/hallkiosk/deploy.md
need "$center" /usr/bin/hallcenter /lib/systemd/system/hallcenter.service /etc/default/hallcenter
info=$(dpkg-deb -I "$kiosk")
grep -q "Depends:.*fonts-droid-fallback" <<<"$info" || { echo "check-deb: hallkiosk does not depend on a CJK font"; fail=1; }
conffiles=$(dpkg-deb -I "$kiosk" conffiles)
grep -q /etc/hallkiosk/device.toml <<<"$conffiles" || { echo "check-deb: device.toml is not a conffile"; fail=1; }

# The service user must be able to read the config the package ships.
grep -q "chgrp hallkiosk /etc/hallkiosk/device.toml" <<<"$(dpkg-deb -I "$kiosk" postinst)" ||
  { echo "check-deb: hallkiosk's postinst does not give the service group its config"; fail=1; }

# Issue 10.5: the firmware's and the center's units restart always and are
# watched: Type=notify (ready when up) with a watchdog.
for pair in "$kiosk:hallkiosk.service" "$center:hallcenter.service"; do
  deb=${pair%%:*}; name=${pair##*:}
  unit=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO "./lib/systemd/system/$name")
  for key in '^Type=notify$' '^WatchdogSec=[1-9]' '^Restart=always$' '^NotifyAccess=main$'; do
    grep -q "$key" <<<"$unit" || { echo "check-deb: $name lacks ${key//[\^\$]/}"; fail=1; }
  done
done

# What systemd-analyze cannot see: a Type=notify unit whose binary never
# says READY=1 is killed at its start timeout, and RestartPreventExitStatus
# covers the main process only, so a unit relying on it must not check its
# config in ExecStartPre.
for deb in "$kiosk" "$center"; do
  root=$(mktemp -d)
  dpkg-deb -x "$deb" "$root"
  for u in "$root"/lib/systemd/system/*.service; do
    name=$(basename "$u")
    if grep -q '^Type=notify' "$u"; then
      bin=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$u")
      if ! grep -aq 'READY=1' "$root$bin"; then
        echo "check-deb: $name is Type=notify but $bin never sends READY=1"; fail=1
      fi
    fi
    if grep -q '^RestartPreventExitStatus=' "$u" && grep -q '^ExecStartPre=' "$u"; then
      echo "check-deb: $name has ExecStartPre, which RestartPreventExitStatus does not cover"; fail=1
    fi
  done
  rm -rf "$root"
done

if command -v systemd-analyze >/dev/null; then
  for deb in "$kiosk" "$center"; do
    root=$(mktemp -d)
    dpkg-deb -x "$deb" "$root"
    ours=$(cd "$root/lib/systemd/system" && ls *.service)
    # The host's own units (targets, sockets) so dependencies resolve; ours
    # are not overwritten.
    cp -an /lib/systemd/system/. "$root/lib/systemd/system/" 2>/dev/null || true
    # Units name the binaries by their installed paths; verify inside the
    # unpacked tree so those paths resolve to what the package ships.
    for name in $ours; do
      u=$root/lib/systemd/system/$name
      # Xorg is a recommends, not shipped; give verify a placeholder.
      if grep -q /usr/bin/Xorg "$u"; then install -D -m755 /bin/true "$root/usr/bin/Xorg"; fi
      if ! out=$(systemd-analyze verify --root="$root" "/lib/systemd/system/$name" 2>&1); then
        echo "check-deb: systemd-analyze verify $name:"; echo "$out"; fail=1
      elif [ -n "$out" ]; then
        # verify exits 0 on unknown keys and bad values, only warning;
        # for our own units any warning is a mistake.
        echo "check-deb: systemd-analyze verify $name warns:"; echo "$out"; fail=1
      fi
    done
    rm -rf "$root"
  done
else
  echo "check-deb: systemd-analyze not available; units not verified"
fi
[ $fail -eq 0 ] && echo "check-deb: $(basename "$kiosk") and $(basename "$center") hold what they should"
exit $fail
