#!/usr/bin/env bash
# System packages the till needs on a Debian/Ubuntu machine: Chromium (browser mode and
# end-to-end tests), socat (virtual serial ports in tests), libusb (node-hid), haproxy (the load
# balancer of `npm run bench:scaleout`). Idempotent.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v socat >/dev/null 2>&1 || missing+=(socat)
ldconfig -p 2>/dev/null | grep -q 'libusb-1.0.so.0' || missing+=(libusb-1.0-0)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
if [ ${#missing[@]} -eq 0 ]; then
  echo "System packages: chromium, socat, libusb-1.0-0 and haproxy are present."
  exit 0
fi
echo "Installing system packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
