#!/usr/bin/env bash
# Runs a benchmark in release mode; each prints its figures next to a baseline
# measured in the same run.
#
#   scripts/bench.sh capture [--events N] [--senders N]
#   scripts/bench.sh insight [--events N] [--runs N]
#     (prepares its data set once per size under $HUDDLE_CACHE/bench/)
#   scripts/bench.sh render [--runs N] [--browser-runs N]
#     (builds the release site first: the browser loads what people get)
#   scripts/bench.sh fuzz [--seconds N]
#     (each cargo-fuzz target in fuzz/ for N seconds, default 120, from the
#     committed seeds; crashes land in fuzz/artifacts/)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

# libFuzzer needs nightly; the harness has its own target directory so its
# instrumented build never evicts the shared one.
fuzz() {
  local seconds=120
  while [ $# -gt 0 ]; do
    case "$1" in
      --seconds) seconds="$2"; shift 2 ;;
      *) fail "usage: scripts/bench.sh fuzz [--seconds N]" ;;
    esac
  done
  export CARGO_TARGET_DIR="$HUDDLE_CACHE/fuzz-target"
  rustup toolchain list | grep -q '^nightly' ||
    rustup toolchain install nightly --profile minimal
  command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
  cd fuzz
  # The code under test is safe Rust: no sanitizer, so more executions a second.
  local flags=(--sanitizer none --release --debug-assertions)
  step "Fuzz: building the targets"
  cargo +nightly fuzz build "${flags[@]}"
  local found=0
  for target in $(cargo +nightly fuzz list); do
    step "Fuzz: $target for ${seconds}s"
    local work="$HUDDLE_CACHE/fuzz/corpus/$target" log
    log="$(mktemp)"
    mkdir -p "$work" "artifacts/$target"
    cargo +nightly fuzz run "${flags[@]}" "$target" "$work" "corpus/$target" -- \
      -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
      -artifact_prefix="artifacts/$target/" 2>&1 | tee "$log" | grep -E '^#[0-9]+ +(DONE|pulse)|panicked|ERROR' || true
    local executions crashes
    executions="$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')"
    crashes="$(find "artifacts/$target" -type f | wc -l)"
    printf '%s: %s executions, %s crash file(s) in fuzz/artifacts/%s\n' \
      "$target" "${executions:-0}" "$crashes" "$target"
    found=$((found + crashes))
    rm -f "$log"
  done
  [ "$found" -eq 0 ] || fail "$found crash file(s): turn each into a regression test"
}

case "${1:-}" in
  fuzz) shift; fuzz "$@"; exit ;;
  capture) shift; bin=capture-throughput ;;
  insight) shift; bin=insight-latency ;;
  render) shift; bin=render-time ;;
  *) fail "usage: scripts/bench.sh capture|insight|render|fuzz [options]" ;;
esac
if [ "$bin" = render-time ]; then
  scripts/setup.sh --release --browser >/dev/null
  step "Building the release site"
  cargo leptos build --release 2>&1 | grep -v "Blocking waiting" | tail -n 5
  export LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=huddle LEPTOS_HASH_FILES=true
else
  scripts/setup.sh >/dev/null
fi
step "Benchmark: $bin"
cargo run --quiet --release -p bench --bin "$bin" -- "$@"
