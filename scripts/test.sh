#!/usr/bin/env bash
# Builds everything (Release, warnings are errors) and runs every test. Results (TRX, logs, screenshots) go to artifacts/.
# Extra arguments go to dotnet test, e.g. ./scripts/test.sh --filter "FullyQualifiedName~Health".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./scripts/setup.sh
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

artifacts="$PWD/artifacts"
results="$artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
# Tests that keep files (screenshots, recordings) put them here.
export CONVERSATIONS_TEST_ARTIFACTS="$artifacts/test-artifacts"
mkdir -p "$CONVERSATIONS_TEST_ARTIFACTS"

echo "test: building (Release)"
dotnet build Conversations.sln -c Release --nologo --verbosity quiet -clp:NoSummary

echo "test: running tests"
set +e
# A hung test is reported by name and its process ended, instead of eating CI's time.
run_tests() {
  dotnet test "$@" -c Release --no-build --nologo \
    --results-directory "$results" \
    --logger "trx" \
    --logger "console;verbosity=minimal" \
    --blame-hang-timeout 15m --blame-hang-dump-type none \
    2>&1 | tee -a "$results/test-output.log" \
    | grep --line-buffered -v -E "^(Data collector 'Blame' message|Results File:|Additionally, path to test adapters|A total of 1 test files matched|No test matches the given testcase filter)|^$"
  return "${PIPESTATUS[0]}"
}
if (($# == 0)); then
  # The AppHost's whole-system tests start PostgreSQL, the engine, silos, DCP and the dashboard several times: run
  # them after the others, so the timing-sensitive tests of the other projects do not share the 2 cores with them.
  run_tests Conversations.sln --filter "FullyQualifiedName!~Conversations.AppHost.Tests"
  status=$?
  run_tests tests/Conversations.AppHost.Tests/Conversations.AppHost.Tests.csproj
  status=$((status > 0 ? status : $?))
else
  run_tests Conversations.sln "$@"
  status=$?
fi
set -e

# One line per test assembly, then the total ("N passed, N failed"), from dotnet test's own summaries.
summaries=$(grep -E '^(Passed|Failed)!  - ' "$results/test-output.log" || true)
echo
echo "Per project:"
sed -nE 's/^(Passed|Failed)!  - Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+), Total: *([0-9]+), Duration: (.+) - ([^ ]+)\.dll.*/  \7: \3 passed, \2 failed, \4 skipped (\6)/p' <<<"$summaries"
awk -F'[:,]' 'NF { failed += $2; passed += $4; skipped += $6 }
  END { printf "Tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }' <<<"$summaries"
echo "Results: $results"
exit "$status"
