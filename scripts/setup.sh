#!/usr/bin/env bash
# Installs what the project needs on Debian 12 — only what is missing — and restores NuGet packages.
# Idempotent and quiet when everything is there. Run as root (installing needs it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fail() { echo "setup: $*" >&2; exit 1; }

# PostgreSQL (the local server and test fixtures), speech (Flite, eSpeak NG, PocketSphinx and their C libraries), sox, Chromium.
packages=(postgresql flite flite1-dev espeak-ng pocketsphinx pocketsphinx-en-us libpocketsphinx-dev sox chromium)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done

if ((${#missing[@]} > 0)); then
  command -v apt-get >/dev/null || fail "missing packages (${missing[*]}) and no apt-get: this script targets Debian 12."
  [[ $(id -u) -eq 0 ]] || fail "missing packages: ${missing[*]}. Run this script as root, or: sudo apt-get install ${missing[*]}"
  echo "setup: installing ${missing[*]}"
  log=$(mktemp)
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -q && apt-get install -y -q "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    fail "apt-get could not install: ${missing[*]} (full log: $log)"
  fi
  rm -f "$log"
fi

command -v dotnet >/dev/null || fail "the .NET SDK is missing: install the .NET 10 SDK (dotnet on PATH)."
dotnet --list-sdks | grep -q '^10\.' || fail "the .NET 10 SDK is missing (found: $(dotnet --list-sdks | tr '\n' ' '))."
dotnet restore Conversations.sln --nologo --verbosity quiet || fail "dotnet restore failed (see above)."
