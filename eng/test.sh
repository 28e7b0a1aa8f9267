#!/usr/bin/env bash
# Runs every test. Needs only the .NET SDK and Node.js: installs the pinned Azurite, which the tests start themselves,
# and Debian's chromium for the console's browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

bash eng/install-azurite.sh
bash eng/install-chromium.sh
bash eng/build-functions.sh

log=$(mktemp)
status=0
dotnet test Webhooks.Local.slnf --configuration Release 2>&1 | tee "$log" || status=$?

# One closing line for CI, summed over the test projects.
awk '/(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit $status
