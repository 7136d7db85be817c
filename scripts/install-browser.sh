#!/usr/bin/env bash
# The browser tests need a Chromium and CJK fonts, from the system's packages (never a browser
# download). On GitHub's Ubuntu runners set XXGK_CHROMIUM to the preinstalled Chrome instead.
set -euo pipefail
browser="${XXGK_CHROMIUM:-/usr/bin/chromium}"
packages=()
[ -x "$browser" ] || packages+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || packages+=(fonts-noto-cjk)
[ ${#packages[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing ${packages[*]} from the system's packages"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
