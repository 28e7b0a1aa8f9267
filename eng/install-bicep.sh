#!/usr/bin/env bash
# Installs the Bicep CLI pinned in eng/bicep/bicep.proj (a NuGet package) and links it as eng/bicep/bin/bicep.
set -euo pipefail
dir="$(cd "$(dirname "$0")/bicep" && pwd)"
link="$dir/bin/bicep"
if [ -x "$link" ] && "$link" --version >/dev/null 2>&1 && cmp -s "$dir/bin/.installed-proj" "$dir/bicep.proj"; then
  exit 0
fi
dotnet restore "$dir/bicep.proj" --verbosity quiet >/dev/null
binary=$(dotnet msbuild "$dir/bicep.proj" -t:PrintBicepPath -nologo -verbosity:minimal | tr -d ' ' | tail -1)
[ -f "$binary" ] || { echo "error: the Bicep CLI package restored, but $binary is missing" >&2; exit 1; }
chmod +x "$binary"
mkdir -p "$dir/bin"
ln -sf "$binary" "$link"
cp "$dir/bicep.proj" "$dir/bin/.installed-proj"
echo "Bicep CLI: $("$link" --version)"
