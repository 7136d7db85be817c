#!/usr/bin/env bash
# Legacy Word (.doc) and Kingsoft WPS files are read after LibreOffice converts them to DOCX: install
# Debian's headless Writer if soffice is missing. Without it such files get a converter-missing
# finding and the build goes on.
set -euo pipefail
command -v soffice >/dev/null 2>&1 && exit 0
command -v apt-get >/dev/null 2>&1 || { echo "soffice not found and no apt-get: .doc/.wps files will get converter-missing"; exit 0; }
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing libreoffice-writer-nogui from the system's packages"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui >/dev/null
