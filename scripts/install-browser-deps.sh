#!/usr/bin/env bash
# Installs the browser the dashboard tests drive (test/http/dashboard.test.ts): Debian's Chromium
# at /usr/bin/chromium, with a font family for legible pages and screenshots. playwright-core
# (npm) talks to it over CDP; it downloads no browser of its own. Idempotent; needs root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi 'DejaVu Sans'; then
  exit 0
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
