#!/bin/sh
# Post-install of the Loyalty Till package (deb and rpm). Gives the till's user access to serial
# and HID scanners, card readers and payment terminals:
#  - creates the system group "loyalty-till" the udev rules give those devices to;
#  - adds the till's user to it (and to "dialout", for built-in RS-232 ports): the user named by
#    LOYALTY_TILL_USER, else in /etc/loyalty-till/till-user (one line, written by IT or a
#    deployment tool before installing), else the user who ran sudo; never root;
#  - installs the udev rules and makes udev apply them to devices already plugged in;
#  - creates /etc/loyalty-till for the machine config file (config.json; see docs).
# LT_PACKAGE_ROOT is for the packaging test only: it runs this script against a scratch
# directory with stand-ins for groupadd, usermod and udevadm on PATH.
set -e
ROOT="${LT_PACKAGE_ROOT:-}"
GROUP=loyalty-till
RULES="$ROOT/opt/Loyalty Till/resources/udev/99-loyalty-till.rules"

if ! getent group "$GROUP" >/dev/null 2>&1; then
  groupadd --system "$GROUP"
fi

TILL_USER="${LOYALTY_TILL_USER:-}"
if [ -z "$TILL_USER" ] && [ -f "$ROOT/etc/loyalty-till/till-user" ]; then
  TILL_USER=$(head -n 1 "$ROOT/etc/loyalty-till/till-user" | tr -d ' \t\r')
fi
if [ -z "$TILL_USER" ]; then
  TILL_USER="${SUDO_USER:-}"
fi
if [ -n "$TILL_USER" ] && [ "$TILL_USER" != root ]; then
  if getent passwd "$TILL_USER" >/dev/null 2>&1; then
    usermod -a -G "$GROUP" "$TILL_USER"
    if getent group dialout >/dev/null 2>&1; then usermod -a -G dialout "$TILL_USER"; fi
    echo "Loyalty Till: $TILL_USER added to $GROUP (log out and in for it to take effect)."
  else
    echo "Loyalty Till: no user \"$TILL_USER\"; add the till's user yourself: usermod -aG $GROUP <user>" >&2
  fi
else
  echo "Loyalty Till: add the till's user to the $GROUP group: usermod -aG $GROUP <user>" >&2
fi

install -d -m 0755 "$ROOT/etc/loyalty-till"
if [ -f "$RULES" ]; then
  install -d -m 0755 "$ROOT/etc/udev/rules.d"
  install -m 0644 "$RULES" "$ROOT/etc/udev/rules.d/99-loyalty-till.rules"
  udevadm control --reload-rules 2>/dev/null || true
  udevadm trigger 2>/dev/null || true
fi
exit 0
