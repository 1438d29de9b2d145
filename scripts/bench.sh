#!/usr/bin/env bash
# Runs a benchmark in release mode; each prints its figures next to a baseline
# measured in the same run.
#
#   scripts/bench.sh capture [--events N] [--senders N]
#   scripts/bench.sh insight [--events N] [--runs N]
#     (prepares its data set once per size under $HUDDLE_CACHE/bench/)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

case "${1:-}" in
  capture) shift; bin=capture-throughput ;;
  insight) shift; bin=insight-latency ;;
  *) fail "usage: scripts/bench.sh capture|insight [options]" ;;
esac
scripts/setup.sh >/dev/null
step "Benchmark: $bin"
cargo run --quiet --release -p bench --bin "$bin" -- "$@"
