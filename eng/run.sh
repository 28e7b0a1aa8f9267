#!/usr/bin/env bash
# Runs the main job locally: Azurite (persistent, in .azurite/) + the receiver and delivery workers on
# http://127.0.0.1:7071. Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash eng/install-azurite.sh

azurite_pid=""
if (exec 3<>/dev/tcp/127.0.0.1/10001) 2>/dev/null; then
  echo "Azurite already listening on 10001; using it."
else
  mkdir -p .azurite
  eng/azurite/node_modules/.bin/azurite --silent --disableTelemetry --skipApiVersionCheck --location .azurite --debug .azurite/debug.log \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 &
  azurite_pid=$!
  trap '[ -n "$azurite_pid" ] && kill $azurite_pid 2>/dev/null' EXIT
  for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/10001) 2>/dev/null && break; sleep 0.2; done
  echo "Azurite started (data in .azurite/)."
fi

dotnet run --project src/Webhooks.Server --launch-profile Webhooks.Server "$@"
