#!/usr/bin/env bash
# Runs the kill -9 chaos test (FailoverTests.Kill_9_…: 50 live conversations on three silo processes, one killed)
# N times (default 10) and prints, per run, the figures it measured and the load average before it.
# Build first: dotnet build tests/Conversations.EndToEnd.Tests -c Release
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
export CONVERSATIONS_TEST_ARTIFACTS="${CONVERSATIONS_TEST_ARTIFACTS:-$results/artifacts}"
for i in $(seq 1 "$runs"); do
  load="$(cut -d' ' -f1 /proc/loadavg)"
  status=passed
  dotnet test tests/Conversations.EndToEnd.Tests -c Release --no-build --filter "FullyQualifiedName~Kill_9" \
    --logger "trx;LogFileName=run-$i.trx" --results-directory "$results" > "$results/run-$i.log" 2>&1 || status=FAILED
  echo "run $i ($status, load $load): $(grep -o 'kill -9 of[^&<]*' "$results/run-$i.trx" | head -1)"
done
