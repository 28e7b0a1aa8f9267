#!/usr/bin/env bash
# Runs every test. Needs only the .NET SDK and Node.js: installs the pinned Azurite (the tests start it themselves),
# the pinned Bicep CLI and Debian's chromium (the console's browser tests), compiles and lints infra/, then builds the
# whole solution (the Functions app, the Kestrel host, the console, the CLI, benchmarks) and runs every test project.
# Any part that does not build fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

bash eng/install-azurite.sh
bash eng/install-chromium.sh
bash eng/check-infra.sh

log=$(mktemp)
status=0
dotnet test Webhooks.sln --configuration Release 2>&1 | tee "$log" || status=$?

# One closing line for CI, summed over the test projects.
awk '/(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit $status
