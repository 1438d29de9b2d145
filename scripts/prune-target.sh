#!/usr/bin/env bash
# Keeps the shared build directory from filling the disk. It outlives every
# clone (see env.sh), so each dependency or feature change leaves behind
# test executables of a few hundred megabytes under a new hash. This keeps
# the newest executable of each name, drops incremental caches (the tests
# build without them), and, when the disk is still short of room, starts
# the build directory afresh.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

MIN_FREE_GB=${HUDDLE_MIN_FREE_GB:-15}

[ -d "$CARGO_TARGET_DIR" ] || exit 0

free_gb() { df -Pk "$CARGO_TARGET_DIR" | awk 'NR == 2 {print int($4 / 1048576)}'; }

before=$(free_gb)
# deps/<name>-<16 hex digits>, executable, no extension: test binaries and
# the like. Newest first, so the first of each name is the one kept.
find "$CARGO_TARGET_DIR" -path '*/deps/*' -type f -perm -u+x -regextype posix-extended \
  -regex '.*/[A-Za-z0-9_]+-[0-9a-f]{16}' -printf '%T@ %p\n' 2>/dev/null \
  | sort -rn \
  | awk '{ path = $2; dir = path; sub(/\/[^\/]*$/, "", dir); name = path; sub(/^.*\//, "", name);
           sub(/-[0-9a-f]+$/, "", name); if (seen[dir "/" name]++) print path }' \
  | xargs -r rm -f
find "$CARGO_TARGET_DIR" -maxdepth 3 -type d -name incremental -prune -exec rm -rf {} +

if [ "$(free_gb)" -lt "$MIN_FREE_GB" ]; then
  echo "only $(free_gb) GB free: starting $CARGO_TARGET_DIR afresh"
  rm -rf "$CARGO_TARGET_DIR"
fi
echo "build directory: $(du -sh "$CARGO_TARGET_DIR" 2>/dev/null | cut -f1) (free: ${before} GB before pruning, $(free_gb) GB after)"
