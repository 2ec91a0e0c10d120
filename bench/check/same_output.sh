#!/usr/bin/env bash
# Whether two builds of `moonring check` print the same report: text, json and sarif, on the NSE
# corpus, Prosody and the adversarial corpus (gen_adversarial.py), byte for byte except the
# seconds in the text summary line. For changes that must not change output (performance work):
# build the commit before the change somewhere else and compare its binary with the new one.
#
# usage: bench/check/same_output.sh OLD_MOONRING NEW_MOONRING [--scale S]   (S: adversarial size)
# Prints one line per comparison; exits 1 on the first difference (its diff's head on stderr).
set -euo pipefail

OLD=$1
NEW=$2
SCALE=${4:-1}
[[ ${3:-} == --scale || -z ${3:-} ]] || { echo "usage: $0 OLD NEW [--scale S]" >&2; exit 2; }
[[ -x $OLD && -x $NEW ]] || { echo "same_output: both binaries must exist" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
(cd /usr/share/nmap && find . -type f \( -name '*.lua' -o -name '*.nse' \) -print0) |
  while IFS= read -r -d '' f; do
    dest="$WORK/nse/${f%.nse}"
    [[ $f == *.nse ]] && dest+=".lua"
    mkdir -p "$(dirname "$dest")" && cp "/usr/share/nmap/$f" "$dest"
  done
python3 "$(dirname "$0")/gen_adversarial.py" "$WORK/adversarial" --scale "$SCALE" >/dev/null

status=0
for corpus in "$WORK/nse" /usr/lib/prosody "$WORK/adversarial"; do
  for format in text json sarif; do
    for which in old new; do
      bin=$OLD
      [[ $which == new ]] && bin=$NEW
      # The exit status is part of the output: 0 clean, 1 findings, 2 files not checked.
      set +e
      "$bin" check "$corpus" --format "$format" >"$WORK/$which.out" 2>"$WORK/$which.err"
      echo "exit $?" >>"$WORK/$which.err"
      set -e
      # The text summary ends with the run's seconds: "(0.05 s)".
      [[ $format == text ]] && sed -i -E '$ s/ \([0-9.]+ s\)$//' "$WORK/$which.out"
    done
    if cmp -s "$WORK/old.out" "$WORK/new.out" && cmp -s "$WORK/old.err" "$WORK/new.err"; then
      echo "same: $(basename "$corpus") $format ($(wc -c <"$WORK/new.out") bytes)"
    else
      echo "DIFFERENT: $(basename "$corpus") $format"
      diff "$WORK/old.out" "$WORK/new.out" | head -20 >&2 || true
      diff "$WORK/old.err" "$WORK/new.err" | head -20 >&2 || true
      status=1
    fi
  done
done
exit $status
