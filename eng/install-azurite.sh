#!/usr/bin/env bash
# Installs the Azure Storage emulator pinned in eng/azurite/package-lock.json (once; again when the lock changes).
set -euo pipefail
dir="$(cd "$(dirname "$0")/azurite" && pwd)"
stamp="$dir/node_modules/.installed-lock"
if [ -x "$dir/node_modules/.bin/azurite" ] && [ -f "$stamp" ] && cmp -s "$stamp" "$dir/package-lock.json"; then
  exit 0
fi
command -v npm >/dev/null || { echo "error: npm (Node.js 20+) is needed to install Azurite" >&2; exit 1; }
echo "Installing Azurite (pinned) into eng/azurite/node_modules ..."
npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
cp "$dir/package-lock.json" "$stamp"
