#!/usr/bin/env bash
# Builds the Azure Functions adapter when its packages can be restored; otherwise says plainly that it was skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
project=src/Webhooks.Functions/Webhooks.Functions.csproj
if [ ! -f "$project" ]; then
  echo "Functions project: not present yet, skipped."
  exit 0
fi
if out=$(dotnet restore "$project" 2>&1); then
  dotnet build "$project" --no-restore --configuration Release || exit 1
  echo "Functions project: built."
else
  # NuGet's first "Unable to find [a stable] package <id> [with version (>= x)]", e.g. NU1101/NU1102/NU1103.
  missing=$(echo "$out" | grep -oE "NU1[0-9]{3}: Unable to find (a stable )?package [A-Za-z0-9_.-]+( with version \([^)]*\))?" | head -1 \
    | sed -E 's/^(NU1[0-9]{3}): Unable to find (a stable )?package /\1 /')
  reason=${missing:+first missing package: $missing}
  reason=${reason:-$(echo "$out" | grep -oE "(error|warning) NU1[0-9]{3}: .*" | head -1)}
  echo "Functions project: SKIPPED — its packages do not restore from this machine's NuGet feed (${reason:-restore failed}). The GitHub Actions workflow builds it."
fi
exit 0
