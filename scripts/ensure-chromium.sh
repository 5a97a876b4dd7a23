#!/usr/bin/env bash
# The browser journeys drive Debian's Chromium (playwright-core never downloads a browser here).
set -euo pipefail
# CJK fonts too, or the Chinese pages render as boxes in the screenshots.
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi 'CJK'; then exit 0; fi
echo "Chromium or CJK fonts missing: installing Debian's chromium and fonts-noto-cjk…"
if [ "$(id -u)" != "0" ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
/usr/bin/chromium --version
