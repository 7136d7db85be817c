#!/usr/bin/env bash
# Installs, from the system's packages (never a binary download), what provides a command the
# build uses, if the command is missing. Without apt-get it says what goes without and succeeds:
# the build goes on, and the tests that need the command say why they are skipped.
# Usage: scripts/install-command.sh COMMAND "WHAT GOES WITHOUT IT" PACKAGE...
set -euo pipefail
command="$1" without="$2"
shift 2
command -v "$command" >/dev/null 2>&1 && exit 0
command -v apt-get >/dev/null 2>&1 || { echo "$command not found and no apt-get: $without"; exit 0; }
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing $* from the system's packages"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
