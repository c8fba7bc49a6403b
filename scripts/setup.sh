#!/usr/bin/env bash
# Installs what the project needs on Debian 12 — only what is missing — and restores NuGet packages.
# Idempotent and quiet when everything is there. Run as root (installing needs it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fail() { echo "setup: $*" >&2; exit 1; }

# PostgreSQL (the local server and test fixtures), speech (Flite, eSpeak NG, PocketSphinx and their C libraries), sox,
# Chromium (browser tests, the dashboard test), a CJK font (Korean in pages and screenshots).
packages=(postgresql flite flite1-dev espeak-ng pocketsphinx pocketsphinx-en-us libpocketsphinx-dev sox chromium fonts-noto-cjk)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
# Node.js and npm (the JavaScript SDK interoperability test): Debian's, unless a node is already on the PATH.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

# Another apt or dpkg (unattended upgrades on a fresh machine) may hold the lock: wait for it, bounded.
wait_for_apt_lock() {
  local waited=0 limit=${SETUP_APT_LOCK_TIMEOUT:-600}
  while fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock >/dev/null 2>&1; do
    ((waited == 0)) && echo "setup: another apt/dpkg process holds the package lock; waiting for it (up to ${limit} s)"
    ((waited >= limit)) && fail "the apt/dpkg lock was still held after ${limit} s (see: ps -C apt-get,apt,dpkg,unattended-upgr -o pid,etime,args)"
    sleep 5
    waited=$((waited + 5))
  done
}

if ((${#missing[@]} > 0)); then
  command -v apt-get >/dev/null || fail "missing packages (${missing[*]}) and no apt-get: this script targets Debian 12."
  [[ $(id -u) -eq 0 ]] || fail "missing packages: ${missing[*]}. Run this script as root, or: sudo apt-get install ${missing[*]}"
  echo "setup: installing ${missing[*]}"
  log=$(mktemp)
  export DEBIAN_FRONTEND=noninteractive
  wait_for_apt_lock
  # apt itself also waits for a lock taken between the check above and its start.
  if ! { apt-get -o DPkg::Lock::Timeout=600 update -q && apt-get -o DPkg::Lock::Timeout=600 install -y -q "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    fail "apt-get could not install: ${missing[*]} (full log: $log)"
  fi
  rm -f "$log"
fi

command -v dotnet >/dev/null || fail "the .NET SDK is missing: install the .NET 10 SDK (dotnet on PATH)."
dotnet --list-sdks | grep -q '^10\.' || fail "the .NET 10 SDK is missing (found: $(dotnet --list-sdks | tr '\n' ' '))."
dotnet restore Conversations.sln --nologo --verbosity quiet || fail "dotnet restore failed (see above)."
