#!/usr/bin/env bash
# Runs the system locally: PostgreSQL, the realtime engine and the silo(s); prints the URLs. Ctrl+C stops everything.
# Arguments go to the AppHost, e.g. ./scripts/run.sh --silos 3 (see ./scripts/run.sh --help).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./scripts/setup.sh
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
exec dotnet run --project AppHost -c Release -- "$@"
