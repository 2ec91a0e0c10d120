#!/usr/bin/env bash
# Installs what moonring needs from Debian's packages. Idempotent and quiet when everything is
# already there; run as root (or with sudo available).
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev clang-format
  # libraries (docs/DESIGN.md: the well-kept library first)
  liburing-dev libasio-dev nlohmann-json3-dev libsimdjson-dev catch2 liblua5.4-dev
  # what the tests and benchmarks run: taskset (util-linux), ss (iproute2), python3
  util-linux iproute2 python3
  # Lua: the official compilers and luacheck are the oracles of the differential tests; nmap-common
  # and prosody are the real Lua code the tests and benchmarks check
  lua5.4 lua5.1 lua-check nmap-common prosody
  # Lua 5.2 (the program) and 5.3 and LuaJIT (as libraries, read through dlopen): the stdlib
  # tables' test compares each version's table with the real globals
  lua5.2 liblua5.3-0 libluajit-5.1-2
  # the Lua modules under /usr/share/lua that the corpus takes (some come only as Recommends)
  lua-socket lua-sec lua-expat lua-event lua-readline lua-posix lua-lpeg
  # the debug agent's C module is built for Lua 5.1 and LuaJIT too; luajit runs its attach tests
  liblua5.1-0-dev libluajit-5.1-dev luajit
  # the Neovim plugin's end-to-end test drives real headless Neovim (Debian 12: 0.7)
  neovim
  # moonring index writes SCIP: Sourcegraph's scip.proto compiled by protoc, read by libprotobuf
  protobuf-compiler libprotobuf-dev
)

# Node.js and npm for the integration tests' real clients (any install that provides the commands
# will do; Debian's packages otherwise).
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
