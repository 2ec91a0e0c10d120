# Shell helpers every bench driver sources. The sourcing script defines die().

# A port below the ephemeral range (so no client socket holds it) with no socket on it now.
free_port() {
  local port
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 12000))
    if [[ -z "$(ss -Htan "( sport = :$port )" 2>/dev/null)" ]]; then
      echo "$port"
      return
    fi
  done
  die "no free port found"
}

# The NSE workspace as docs/ANCHORS.md defines it, built under DEST from nmap-common at NMAP:
# nselib's .lua files with their subfolders at the root (so `require "stdnse"` resolves),
# scripts/*.nse as scripts/*.lua.
make_nse() {
  local dest=$1 f
  mkdir -p "$dest/scripts"
  (cd "$NMAP/nselib" && find . -type f -name '*.lua') | while read -r f; do
    mkdir -p "$dest/$(dirname "$f")"
    cp "$NMAP/nselib/$f" "$dest/$f"
  done
  for f in "$NMAP"/scripts/*.nse; do
    f=${f##*/}
    cp "$NMAP/scripts/$f" "$dest/scripts/${f%.nse}.lua"
  done
}

# The 1 GB replica: COPIES copies of the NSE workspace at NSE side by side under DIR, built once
# and reused across benches (the marker names the copy count); the new pages are written back
# before anything is timed. Says on stderr which it did, prefixed with NAME.
make_big() {
  local name=$1 nse=$2 dir=$3 copies=$4 marker="$3/.complete-$4" start i
  if [[ -f $marker ]]; then
    echo "bench $name: reusing the 1 GB workspace under $dir" >&2
    return
  fi
  start=$(date +%s.%N)
  rm -rf "$dir"
  mkdir -p "$dir"
  for i in $(seq 1 "$copies"); do cp -r "$nse" "$dir/copy$(printf '%03d' "$i")"; done
  sync -f "$dir"
  touch "$marker"
  printf 'bench %s: 1 GB workspace built in %.1f s under %s\n' "$name" \
    "$(echo "$(date +%s.%N) - $start" | bc)" "$dir" >&2
}
