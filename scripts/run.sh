#!/usr/bin/env bash
# Runs the system under the Aspire AppHost: PostgreSQL, the realtime engine, the silo(s) and the Aspire dashboard;
# prints the URLs once everything is healthy. Ctrl+C (or SIGTERM) stops everything.
# Arguments go to the AppHost, e.g. ./scripts/run.sh --silos 3 (see README.md, "The AppHost").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./scripts/setup.sh
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
dotnet build AppHost -c Release --nologo --verbosity quiet -clp:NoSummary
exec AppHost/bin/Release/net10.0/Conversations.AppHost "$@"
