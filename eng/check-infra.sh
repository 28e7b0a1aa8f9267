#!/usr/bin/env bash
# Compiles infra/main.bicep to artifacts/infra/main.json and lints every Bicep file. Any error or warning fails:
# the infrastructure is kept at zero diagnostics, so a new one is seen the day it appears.
set -euo pipefail
cd "$(dirname "$0")/.."
bash eng/install-bicep.sh
bicep=eng/bicep/bin/bicep
mkdir -p artifacts/infra
diagnostics=$(mktemp)
trap 'rm -f "$diagnostics"' EXIT
status=0
"$bicep" build infra/main.bicep --outfile artifacts/infra/main.json 2>>"$diagnostics" || status=$?
for file in $(find infra -name '*.bicep' | sort); do
  "$bicep" lint "$file" 2>>"$diagnostics" || status=$?
done
if [ -s "$diagnostics" ]; then
  sort -u "$diagnostics" >&2
  echo "Bicep: $(sort -u "$diagnostics" | grep -c ' : ') diagnostic(s); infra/ must compile and lint clean." >&2
  exit 1
fi
[ "$status" -eq 0 ] || { echo "Bicep: the compiler failed (exit $status)." >&2; exit 1; }
echo "Bicep: infra/main.bicep compiled to artifacts/infra/main.json; $(find infra -name '*.bicep' | wc -l) files linted, 0 warnings."
