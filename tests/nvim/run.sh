#!/usr/bin/env bash
# Runs the Neovim plugin's end-to-end test (e2e.lua) in headless Neovim with no user config, the
# plugin (editors/nvim) on the runtimepath, against $MOONRING_BIN. Bounded: e2e.lua gives up after
# 100 s, and timeout(1) ends Neovim after 120 s whatever happens.
# usage: MOONRING_BIN=build-asan/app/moonring tests/nvim/run.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
: "${MOONRING_BIN:?MOONRING_BIN must name the moonring binary}"
export MOONRING_BIN="$(cd "$(dirname "$MOONRING_BIN")" && pwd)/$(basename "$MOONRING_BIN")"
export MOONRING_REPO="$repo"
# Neovim's state (log, shada, swap) stays in a folder of its own.
state="$(mktemp -d)"
trap 'rm -rf "$state"' EXIT
export XDG_STATE_HOME="$state" XDG_DATA_HOME="$state" XDG_CACHE_HOME="$state" XDG_CONFIG_HOME="$state"
cd "$state"
timeout -k 5 120 nvim --headless -u NONE -i NONE -n \
  --cmd "set runtimepath^=$repo/editors/nvim" \
  -c "luafile $repo/tests/nvim/e2e.lua"
