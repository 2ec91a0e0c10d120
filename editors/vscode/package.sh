#!/usr/bin/env bash
# Packages the VS Code extension into OUT_DIR/moonring-lua.vsix: copies the extension to a staging
# folder under OUT_DIR (so the source tree gets no build output and build trees never share one),
# compiles it with tsc there, and runs vsce 3.x on it. Needs `npm ci` done in editors/vscode
# (scripts/node-deps.sh). Usage: editors/vscode/package.sh OUT_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mkdir -p "${1:?usage: package.sh OUT_DIR}" && cd "$1" && pwd)"
stage="$out/vscode-extension"

if [[ ! -x "$here/node_modules/.bin/vsce" ]]; then
  echo "package.sh: editors/vscode/node_modules is missing; run scripts/node-deps.sh" >&2
  exit 1
fi

rm -rf "$stage"
mkdir -p "$stage"
cp -r "$here/src" "$here/package.json" "$here/package-lock.json" "$here/tsconfig.json" \
  "$here/README.md" "$here/.vscodeignore" "$stage/"
# The installed packages, shared: vsce keeps the production ones (vscode-languageclient and what it
# needs), the dev tools stay out of the .vsix.
ln -s "$here/node_modules" "$stage/node_modules"

cd "$stage"
"$here/node_modules/.bin/tsc" -p .
rm -f "$out/moonring-lua.vsix"
"$here/node_modules/.bin/vsce" package --skip-license --allow-missing-repository \
  --out "$out/moonring-lua.vsix" >/dev/null
echo "package.sh: $out/moonring-lua.vsix"
