#!/usr/bin/env bash
# Installs Debian's chromium for the console's browser tests (once; Playwright drives this system browser and never
# downloads one of its own). Quiet when it is already there.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
command -v apt-get >/dev/null || { echo "error: /usr/bin/chromium is missing and apt-get is not available to install it" >&2; exit 1; }
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
echo "Installing Debian's chromium for the console's browser tests ..."
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq >/dev/null
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
