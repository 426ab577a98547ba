#!/bin/sh
# Post-removal of the Loyalty Till package. On an upgrade (deb: "upgrade"; rpm: $1 = 1) nothing
# is touched. On removal the udev rules go and the "loyalty-till" group is deleted (its members
# simply lose it); on purge the machine config in /etc/loyalty-till goes too. The till's data
# (per-user folders) is left to IT: it may hold sales not yet sent.
# LT_PACKAGE_ROOT is for the packaging test only (see after-install.sh).
set -e
ROOT="${LT_PACKAGE_ROOT:-}"
GROUP=loyalty-till
case "${1:-remove}" in
  upgrade | failed-upgrade | abort-install | abort-upgrade | 1 | 2) exit 0 ;;
esac

rm -f "$ROOT/etc/udev/rules.d/99-loyalty-till.rules"
udevadm control --reload-rules 2>/dev/null || true
if getent group "$GROUP" >/dev/null 2>&1; then
  groupdel "$GROUP" || echo "Loyalty Till: could not delete the $GROUP group; delete it with groupdel $GROUP" >&2
fi
if [ "${1:-}" = purge ]; then
  rm -rf "$ROOT/etc/loyalty-till"
fi
exit 0
