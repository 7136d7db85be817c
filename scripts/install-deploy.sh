#!/usr/bin/env bash
# Deploying to an S3-compatible store uses rclone, from the system's packages; the local S3 server
# of `make deploy-dry-run` and the deploy test (moto) comes from the dev extra. Without rclone the
# deploy test is skipped and says why.
exec "$(dirname "$0")/install-command.sh" rclone "install rclone to deploy to an S3-compatible store" rclone ca-certificates
