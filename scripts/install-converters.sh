#!/usr/bin/env bash
# Legacy Word (.doc) and Kingsoft WPS files are read after LibreOffice converts them to DOCX: install
# Debian's headless Writer if soffice is missing. Without it such files get a converter-missing
# finding and the build goes on.
exec "$(dirname "$0")/install-command.sh" soffice ".doc/.wps files will get converter-missing" libreoffice-writer-nogui
