#!/usr/bin/env bash
# Deploying to an S3-compatible store uses rclone, from the system's packages (never a binary
# download); the local S3 server of `make deploy-dry-run` and the deploy test (moto) comes from
# the dev extra. Without apt-get the deploy test is skipped and says why.
set -euo pipefail
command -v rclone >/dev/null 2>&1 && exit 0
command -v apt-get >/dev/null 2>&1 || { echo "rclone not found and no apt-get: install rclone to deploy to an S3-compatible store"; exit 0; }
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing rclone from the system's packages"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends rclone ca-certificates >/dev/null
