#!/usr/bin/env bash
# Runs the system under the Aspire AppHost: PostgreSQL, the realtime engine, the silo(s) and the Aspire dashboard;
# prints the URLs once everything is healthy. Ctrl+C (or SIGTERM) stops everything.
# Arguments go to the AppHost, e.g. ./scripts/run.sh --silos 3 (see README.md, "The AppHost").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./scripts/setup.sh
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
dotnet build AppHost -c Release --nologo --verbosity quiet -clp:NoSummary
# What AppHost/Properties/launchSettings.json sets for `dotnet run`; the built AppHost is started itself, so a stop
# signal reaches it directly. The dashboard stays on loopback behind its login token (no trusted HTTPS certificate here).
export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Development}"
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:18888}"
export ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL="${ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL:-http://127.0.0.1:18890}"
export ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="${ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL:-http://127.0.0.1:18891}"
export ASPIRE_ALLOW_UNSECURED_TRANSPORT="${ASPIRE_ALLOW_UNSECURED_TRANSPORT:-true}"
exec AppHost/bin/Release/net10.0/Conversations.AppHost "$@"
