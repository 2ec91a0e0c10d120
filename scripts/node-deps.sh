#!/usr/bin/env bash
# Installs the Node packages the integration tests, the jsonrpc bench and the VS Code extension use
# (package-lock.json, editors/vscode/package-lock.json) with `npm ci`, only where node_modules/ is
# missing or older than the lock file. Quiet when up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "node-deps: node and npm are needed (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi

# npm ci writes node_modules/.package-lock.json last; its time stamp says when the install finished.
# Two installs: the tests' packages (here) and the VS Code extension's (editors/vscode, its own
# package.json and lock file, as vsce packages it).
for dir in . editors/vscode; do
  stamp=$dir/node_modules/.package-lock.json
  if [[ -f "$stamp" && ! $dir/package-lock.json -nt "$stamp" ]]; then
    continue
  fi
  echo "node-deps: installing Node packages from $dir/package-lock.json" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$stamp"
done
