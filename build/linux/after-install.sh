#!/bin/sh
# Give the till access to serial and HID scanners: install the udev rules shipped with the app.
set -e
RULES="/opt/Loyalty Till/resources/udev/99-loyalty-till.rules"
if [ -f "$RULES" ]; then
  install -m 0644 "$RULES" /etc/udev/rules.d/99-loyalty-till.rules
  udevadm control --reload-rules 2>/dev/null || true
  udevadm trigger 2>/dev/null || true
fi
