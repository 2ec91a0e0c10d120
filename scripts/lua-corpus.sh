#!/usr/bin/env bash
# Assembles the Lua corpus from Debian packages into DEST: nmap/ (nmap-common's NSE library and
# scripts, .nse copied as .lua), prosody/ (/usr/lib/prosody), lua/ (every module under /usr/share/lua).
# Relative paths are kept, so no two files clash. Idempotent and fast: a stamp of the source list
# (paths, sizes, mtimes) skips the copy when nothing changed; otherwise DEST's three folders are
# rebuilt from scratch.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 DEST" >&2
  exit 2
fi
dest=$1

# source root, destination folder, find expression
sources=(
  "/usr/share/nmap|nmap"
  "/usr/lib/prosody|prosody"
  "/usr/share/lua|lua"
)
for entry in "${sources[@]}"; do
  root=${entry%%|*}
  if [[ ! -d $root ]]; then
    echo "lua-corpus: $root is missing (scripts/install-deps.sh installs nmap-common, prosody and the lua-* modules)" >&2
    exit 1
  fi
done

# Lists the files of one root, relative to it. A symbolic link whose target is itself in the root
# (e.g. /usr/share/lua/5.2/x.lua -> ../5.1/x.lua) would only duplicate a file; other links count.
list_files() {
  local root=$1
  (cd "$root" && find . \( -name '*.lua' -o -name '*.nse' \) \( -type f -o -type l \) -print) |
    sed 's|^\./||' | LC_ALL=C sort | while IFS= read -r rel; do
      if [[ -L "$root/$rel" ]]; then
        target=$(readlink -f "$root/$rel" || true)
        [[ -z $target || ! -f $target || $target == "$root"/* ]] && continue
      fi
      printf '%s\n' "$rel"
    done
}

mkdir -p "$dest"
stamp_new=$(mktemp)
trap 'rm -f "$stamp_new"' EXIT
for entry in "${sources[@]}"; do
  root=${entry%%|*}
  list_files "$root" | (cd "$root" && xargs -r -d '\n' stat -L -c "$root/%n %s %Y")
done >"$stamp_new"

if [[ -f "$dest/.stamp" ]] && cmp -s "$stamp_new" "$dest/.stamp"; then
  exit 0
fi

for entry in "${sources[@]}"; do
  root=${entry%%|*}
  sub=${entry##*|}
  rm -rf "${dest:?}/$sub"
  mkdir -p "$dest/$sub"
  # One tar pipe per root: dereferences links (-h), renames .nse to .lua on the way.
  list_files "$root" |
    tar -C "$root" -h --transform='s/\.nse$/.lua/' --verbatim-files-from -T - -cf - |
    tar -C "$dest/$sub" -xf - --no-same-owner
done
cp "$stamp_new" "$dest/.stamp"
count=$(find "$dest/nmap" "$dest/prosody" "$dest/lua" -name '*.lua' -type f | wc -l)
echo "lua-corpus: $count files in $dest"
