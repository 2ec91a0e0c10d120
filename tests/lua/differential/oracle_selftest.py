#!/usr/bin/env python3
"""Checks the oracle alone on hand-written fixtures (fixtures/*.lua; *_51.lua are Lua 5.1): each
`--> get x, set y, explicit set z, env-local get w` comment lists the accesses whose name token is
on its line, and the oracle (the token-level binder confirmed by luac's listing) must find exactly
those. Also checks the tokenizer's line counting and the mutant generator's determinism."""

import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mutants  # noqa: E402
from lua_tokens import read_source, tokenize  # noqa: E402
from oracle import global_accesses, luac_verdict  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
_MARK = re.compile(r"-->(.*)$")


def expected(path):
    """The accesses the fixture's comments announce, by class."""
    out = {"global": [], "explicit": [], "env-local": []}
    with open(path, encoding="latin-1") as f:
        for lineno, text in enumerate(f, 1):
            m = _MARK.search(text)
            if not m:
                continue
            for item in m.group(1).split(","):
                words = item.split()
                cls = "global"
                if words[0] in ("explicit", "env-local"):
                    cls = words.pop(0)
                kind, name = words
                out[cls].append((kind, name, lineno))
    return {k: sorted(v) for k, v in out.items()}


def main():
    failures = 0
    names = sorted(n for n in os.listdir(FIXTURES) if n.endswith(".lua"))
    for name in names:
        path = os.path.join(FIXTURES, name)
        version = "5.1" if name.endswith("_51.lua") else "5.4"
        verdict = luac_verdict(path, version)
        if not verdict.ok:
            print(f"FAIL {name}: luac{version} rejects the fixture: {verdict}")
            failures += 1
            continue
        g, e, l = global_accesses(path, version)
        got = {"global": sorted(g), "explicit": sorted(e), "env-local": sorted(l)}
        want = expected(path)
        for cls in want:
            if got[cls] != want[cls]:
                failures += 1
                print(f"FAIL {name} {cls}:")
                for a in sorted(set(got[cls]) - set(want[cls])):
                    print(f"  oracle only: {a}")
                for a in sorted(set(want[cls]) - set(got[cls])):
                    print(f"  fixture only: {a}")
        if all(got[c] == want[c] for c in want):
            print(f"ok   {name}: {sum(len(v) for v in want.values())} accesses")

    # Line counting: every line break form counts once, as in Lua's lexer.
    toks, _ = tokenize("a\r\nb\n\rc\rd\ne [[x\r\ny]] f --[==[\n]==] g 'h\\\ni' j")
    lines = {t.text: t.line for t in toks}
    want_lines = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "j": 8}
    if any(lines.get(k) != v for k, v in want_lines.items()):
        failures += 1
        print(f"FAIL tokenizer lines: {lines}")
    else:
        print("ok   tokenizer line counting")

    # Mutants: deterministic for a seed, and different across seeds.
    src = read_source(os.path.join(FIXTURES, "scopes.lua"))
    a = [m for m in mutants.mutate_source(src, "5.4", seed=7, count=20)]
    b = [m for m in mutants.mutate_source(src, "5.4", seed=7, count=20)]
    c = [m for m in mutants.mutate_source(src, "5.4", seed=8, count=20)]
    if a != b or a == c or len(a) != 20:
        failures += 1
        print("FAIL mutants are not deterministic per seed")
    else:
        print("ok   mutants deterministic per seed")

    print(f"oracle self-test: {len(names)} fixtures, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
