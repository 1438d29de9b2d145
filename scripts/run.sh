#!/usr/bin/env bash
# Builds Huddle in release mode and serves it, with a demo organization,
# project and user when the database is empty.
#
# Environment: HUDDLE_ADDR (default 127.0.0.1:3000), DATABASE_URL (default
# sqlite://data/huddle.db), HUDDLE_PUBLIC_URL (default http://$HUDDLE_ADDR).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

scripts/setup.sh --release

step "Building Huddle (release)"
cargo leptos build --release 2>&1 | grep -v "Blocking waiting"

step "Starting Huddle"
# cargo-leptos writes the site inside the checkout, whatever CARGO_TARGET_DIR says.
export LEPTOS_SITE_ROOT=target/site
export LEPTOS_OUTPUT_NAME=huddle
# The build names its files by content; the server reads hash.txt beside it.
export LEPTOS_HASH_FILES=true
export LEPTOS_SITE_ADDR="${HUDDLE_ADDR:-127.0.0.1:3000}"
exec "$CARGO_TARGET_DIR/release/huddle" serve --demo
