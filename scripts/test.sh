#!/usr/bin/env bash
# Runs every test: unit and integration tests against real SQLite, then the
# browser tests in Chromium against a freshly started server. Ends with one
# line of passed/failed counts.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

scripts/setup.sh --browser || exit 1
scripts/prune-target.sh

logs=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  rm -rf "$logs"
}
trap cleanup EXIT

# One-off builds gain nothing from incremental caches, which grow by
# gigabytes per change in a shared target directory.
export CARGO_INCREMENTAL=0

step "Unit and integration tests"
cargo test --no-fail-fast -p domain -p backend -p app -p server -p bench --features app/ssr 2>&1 | tee "$logs/cargo.txt"
cargo_status=${PIPESTATUS[0]}

step "Building the app for the browser tests"
cargo leptos build 2>&1 | grep -v "Blocking waiting" | tail -n 5
build_status=${PIPESTATUS[0]}

browser_status=1
if [ "$build_status" -eq 0 ]; then
  step "Browser tests (Chromium)"
  # Every browser test signs up from 127.0.0.1, more often than a person may.
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=huddle LEPTOS_HASH_FILES=true LEPTOS_SITE_ADDR="127.0.0.1:$port" \
    RUST_LOG=warn "$CARGO_TARGET_DIR/debug/huddle" serve --database-url "sqlite://$logs/e2e.db" --events-path "$logs/e2e.duckdb" \
    --secret-key-file "$logs/secret.key" --outbox "$logs/outbox" --sign-ups-per-hour 1000 \
    > "$logs/server.txt" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.2
  done
  (cd end2end && HUDDLE_URL="http://127.0.0.1:$port" HUDDLE_OUTBOX="$logs/outbox" npx playwright test) 2>&1 | tee "$logs/browser.txt"
  browser_status=${PIPESTATUS[0]}
  if [ "$browser_status" -ne 0 ]; then
    echo "--- server log ---"
    tail -n 40 "$logs/server.txt"
  fi
else
  echo "the build failed; browser tests not run" >&2
fi

# One closing line over both runners.
cargo_passed=$(grep -o '[0-9]* passed' "$logs/cargo.txt" | awk '{s += $1} END {print s + 0}')
cargo_failed=$(grep -o '[0-9]* failed' "$logs/cargo.txt" | awk '{s += $1} END {print s + 0}')
browser_passed=$(grep -oE '^ *[0-9]+ passed' "$logs/browser.txt" 2>/dev/null | awk '{s += $1} END {print s + 0}')
browser_failed=$(grep -oE '^ *[0-9]+ (failed|flaky)' "$logs/browser.txt" 2>/dev/null | awk '{s += $1} END {print s + 0}')
[ "$cargo_status" -ne 0 ] && [ "$cargo_failed" -eq 0 ] && cargo_failed=1
[ "$browser_status" -ne 0 ] && [ "$browser_failed" -eq 0 ] && browser_failed=1

echo
echo "Rust: $cargo_passed passed, $cargo_failed failed. Browser: $browser_passed passed, $browser_failed failed."
echo "$((cargo_passed + browser_passed)) passed, $((cargo_failed + browser_failed)) failed"
[ "$cargo_status" -eq 0 ] && [ "$browser_status" -eq 0 ]
