#!/usr/bin/env bash
# Installs the Node packages the integration tests and the jsonrpc bench use (package-lock.json),
# with `npm ci`, only when node_modules/ is missing or older than the lock file. Quiet when up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "node-deps: node and npm are needed (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi

# npm ci writes node_modules/.package-lock.json last; its time stamp says when the install finished.
stamp=node_modules/.package-lock.json
if [[ -f "$stamp" && ! package-lock.json -nt "$stamp" ]]; then
  exit 0
fi

echo "node-deps: installing Node packages from package-lock.json" >&2
npm ci --no-audit --no-fund --loglevel=error >/dev/null
touch "$stamp"
