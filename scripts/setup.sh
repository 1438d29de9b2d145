#!/usr/bin/env bash
# Installs what building and testing Huddle needs. Idempotent: when
# everything is present it only checks, in a few seconds.
#
#   scripts/setup.sh             toolchain, cargo-leptos, wasm-bindgen
#   scripts/setup.sh --release   ... and wasm-opt, for release builds
#   scripts/setup.sh --browser   ... and the browser-test packages and Chromium
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

want_release=false
want_browser=false
for arg in "$@"; do
  case "$arg" in
    --release) want_release=true ;;
    --browser) want_browser=true ;;
    *) fail "unknown option $arg (expected --release or --browser)" ;;
  esac
done

CARGO_LEPTOS_VERSION=0.3.11
BINARYEN_VERSION=132.0.0
# The version charming 0.6 is written against.
ECHARTS_VERSION=5.5.1
TOOLCHAIN=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)
mkdir -p "$HUDDLE_CACHE/tools"

apt_install() {
  command -v apt-get >/dev/null || fail "apt-get not found: install $* with your package manager"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ ! -f "$HUDDLE_CACHE/apt-updated" ]; then
    $sudo apt-get update -qq || fail "apt-get update failed"
    touch "$HUDDLE_CACHE/apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null || fail "could not install $* with apt-get"
}

# Fallback when rustup cannot download: Debian's Rust of the same version,
# with the wasm32 standard library built once from its sources.
rust_from_debian() {
  local toolchain=huddle-debian
  apt_install rustc-web cargo-web rust-web-src
  local version
  version=$(/usr/bin/rustc --version | cut -d' ' -f2)
  [ "$version" = "$TOOLCHAIN" ] || echo "note: Debian offers Rust $version; the project pins $TOOLCHAIN"
  local sysroot=/usr/lib/rustlib/wasm32-unknown-unknown/lib
  if ! ls "$sysroot"/libstd-*.rlib >/dev/null 2>&1; then
    local crate="$HUDDLE_CACHE/wasm-std"
    rm -rf "$crate" && mkdir -p "$crate/src"
    printf '[package]\nname = "wasm-std"\nversion = "0.0.0"\nedition = "2021"\n[profile.release]\nlto = true\n' > "$crate/Cargo.toml"
    : > "$crate/src/lib.rs"
    (cd "$crate" && RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 /usr/bin/cargo build --release \
      --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort,panic_unwind) \
      || fail "building the wasm32 standard library from Debian's sources failed"
    mkdir -p "$sysroot"
    cp "$crate"/target/wasm32-unknown-unknown/release/deps/lib*.rlib "$sysroot/"
  fi
  rustup toolchain link "$toolchain" /usr
  local lld
  lld=$(find "$HOME/.rustup/toolchains" -name rust-lld -type f 2>/dev/null | head -n1)
  {
    echo "export RUSTUP_TOOLCHAIN=$toolchain"
    [ -n "$lld" ] && echo "export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=$lld"
  } > "$HUDDLE_CACHE/rust-env.sh"
  . "$HUDDLE_CACHE/rust-env.sh"
}

step "Rust $TOOLCHAIN with the wasm32 target"
command -v rustup >/dev/null || fail "rustup not found: install Rust from https://rustup.rs first"
if [ -n "${RUSTUP_TOOLCHAIN:-}" ]; then
  echo "using $RUSTUP_TOOLCHAIN (Debian's Rust)"
elif rustup run "$TOOLCHAIN" rustc --print sysroot >/dev/null 2>&1 \
  && [ -d "$(rustup run "$TOOLCHAIN" rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown" ]; then
  echo "present"
elif ! rustup toolchain install; then
  echo "rustup could not download $TOOLCHAIN; falling back to Debian's Rust"
  rust_from_debian
fi

step "cargo-leptos $CARGO_LEPTOS_VERSION"
if cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  echo "present"
else
  echo "building it once (about 25 minutes on 2 cores)..."
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads \
    || fail "could not install cargo-leptos"
fi

# DuckDB's own prebuilt library, as shipped in its npm package: compiling
# DuckDB from source takes well over an hour on two cores.
step "DuckDB $DUCKDB_VERSION library"
if [ -f "$DUCKDB_LIB_DIR/libduckdb.so" ]; then
  echo "present"
else
  command -v npm >/dev/null || fail "npm not found: install Node.js 20 or later"
  download=$(mktemp -d)
  (cd "$download" && npm pack --silent "@duckdb/node-bindings-linux-x64@$DUCKDB_VERSION-r.1" >/dev/null) \
    || fail "could not download DuckDB's library from npm"
  tar -xzf "$download"/*.tgz -C "$download" package/libduckdb.so || fail "the DuckDB package has no libduckdb.so"
  mkdir -p "$DUCKDB_LIB_DIR"
  mv "$download/package/libduckdb.so" "$DUCKDB_LIB_DIR/"
  rm -rf "$download"
fi

# ECharts, which charming drives in the browser: served from the site's own
# assets (public/vendor, not committed) so pages never depend on a CDN. The
# folder is named with the version (app/src/insights/chart.rs loads it from
# there), so browsers may cache it for good.
step "ECharts $ECHARTS_VERSION"
echarts_cache="$HUDDLE_CACHE/echarts-$ECHARTS_VERSION"
if [ ! -f "$echarts_cache/node_modules/echarts/dist/echarts.min.js" ]; then
  command -v npm >/dev/null || fail "npm not found: install Node.js 20 or later"
  npm install --silent --no-audit --no-fund --prefix "$echarts_cache" "echarts@$ECHARTS_VERSION" \
    || fail "could not install ECharts from npm"
fi
echarts_dir="public/vendor/echarts-$ECHARTS_VERSION"
rm -f public/vendor/echarts.min.js
mkdir -p "$echarts_dir"
if cmp -s "$echarts_cache/node_modules/echarts/dist/echarts.min.js" "$echarts_dir/echarts.min.js"; then
  echo "present"
else
  cp "$echarts_cache/node_modules/echarts/dist/echarts.min.js" "$echarts_dir/echarts.min.js"
fi

# The CLI must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
step "wasm-bindgen $WASM_BINDGEN_VERSION"
if wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION$"; then
  echo "present"
else
  # Without --locked: the CLI's own lock file names a crate version the
  # registry no longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force \
    || fail "could not install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
fi

if $want_release; then
  step "wasm-opt (binaryen $BINARYEN_VERSION, from npm)"
  if [ -x "$HUDDLE_CACHE/tools/node_modules/.bin/wasm-opt" ]; then
    echo "present"
  else
    command -v npm >/dev/null || fail "npm not found: install Node.js 20 or later"
    npm install --silent --no-audit --no-fund --prefix "$HUDDLE_CACHE/tools" "binaryen@$BINARYEN_VERSION" \
      || fail "could not install binaryen from npm"
  fi
fi

if $want_browser; then
  step "Browser-test packages"
  command -v npm >/dev/null || fail "npm not found: install Node.js 20 or later"
  stamp="end2end/node_modules/.installed-lock"
  if [ -f "$stamp" ] && cmp -s end2end/package-lock.json "$stamp"; then
    echo "present"
  else
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund) \
      || fail "npm ci in end2end failed"
    cp end2end/package-lock.json "$stamp"
  fi

  step "Python packages: the PostHog SDK (capture tests), aiosmtpd (mail tests)"
  if "$HUDDLE_PYTHON" -c "import posthog, aiosmtpd" 2>/dev/null \
    && cmp -s end2end/sdk/requirements.txt "$HUDDLE_CACHE/venv/requirements.txt"; then
    echo "present"
  else
    python3 -m venv "$HUDDLE_CACHE/venv" || fail "python3 -m venv failed (Debian: apt-get install python3-venv)"
    "$HUDDLE_PYTHON" -m pip install --quiet -r end2end/sdk/requirements.txt || fail "pip could not install end2end/sdk/requirements.txt"
    cp end2end/sdk/requirements.txt "$HUDDLE_CACHE/venv/requirements.txt"
  fi

  step "Chromium"
  if [ -x /usr/bin/chromium ]; then
    echo "present"
  else
    apt_install chromium
  fi
fi

step "Ready"
