#!/usr/bin/env bash
# Refreshes the README's screenshots from the end-to-end suite's own (test-results/), so the README
# shows what the tests saw in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build
npx vitest run --config test/vitest.config.ts --project e2e
for pair in investigate-map:map investigate-drilldown:drilldown sql-1m-rows:sql s3-sync-progress:sync streams-toll-scored:streams; do
  cp "test-results/${pair%%:*}.png" "scripts/screenshots/${pair##*:}.png"
done
