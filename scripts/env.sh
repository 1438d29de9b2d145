# Shared settings for Huddle's scripts. Source it; don't run it.

# Tools and build output live outside the checkout, so a fresh clone on the
# same machine (a CI run, a second worktree) reuses them.
export HUDDLE_CACHE="${HUDDLE_CACHE:-$HOME/.cache/huddle}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HUDDLE_CACHE/target}"
export PATH="$HOME/.cargo/bin:$HUDDLE_CACHE/tools/node_modules/.bin:$PATH"
# The prebuilt DuckDB library (see setup.sh): linked at build time, loaded at
# run time.
export DUCKDB_VERSION=1.5.6
export DUCKDB_LIB_DIR="$HUDDLE_CACHE/duckdb-$DUCKDB_VERSION"
export LD_LIBRARY_PATH="$DUCKDB_LIB_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# cargo-leptos builds the server with this set, and Leptos reads it at
# compile time; setting it for `cargo test` too lets both builds share one
# cache instead of rebuilding Leptos and everything above it in turn.
export LEPTOS_OUTPUT_NAME=huddle
# The Python that runs the PostHog Python SDK in the capture tests.
export HUDDLE_PYTHON="$HUDDLE_CACHE/venv/bin/python"
# When rustup could not download and Debian's Rust is used, setup.sh writes
# the toolchain choice here.
if [ -f "$HUDDLE_CACHE/rust-env.sh" ]; then
  # shellcheck disable=SC1091
  . "$HUDDLE_CACHE/rust-env.sh"
fi

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\n\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }
