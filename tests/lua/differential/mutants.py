"""Deterministic mutants of valid Lua files, made by token operations on lua_tokens' tokens and
spliced into the original text (comments and blanks kept, so lines stay where they were): delete,
duplicate, swap two adjacent, replace by another token of the file, insert a keyword, truncate at a
token or inside one. Mutant i of a seed depends only on (seed, i) and the corpus."""

import os
import random

from lua_tokens import KEYWORDS_54, read_source, tokenize

OPS = ("delete", "duplicate", "swap", "replace", "insert-keyword", "truncate", "truncate-mid")
_KEYWORDS = sorted(KEYWORDS_54)


def mutate_once(src, tokens, rng):
    """One mutant of src: (description, text)."""
    toks = tokens[:-1]  # without eof
    op = rng.choice(OPS)
    i = rng.randrange(len(toks))
    t = toks[i]
    if op == "delete":
        text = src[:t.start] + src[t.end:]
    elif op == "duplicate":
        text = src[:t.end] + " " + t.text + src[t.end:]
    elif op == "swap":
        if i + 1 >= len(toks):
            i -= 1
            t = toks[i]
        u = toks[i + 1]
        text = src[:t.start] + u.text + src[t.end:u.start] + t.text + src[u.end:]
    elif op == "replace":
        u = toks[rng.randrange(len(toks))]
        text = src[:t.start] + u.text + src[t.end:]
    elif op == "insert-keyword":
        text = src[:t.start] + rng.choice(_KEYWORDS) + " " + src[t.start:]
    elif op == "truncate":
        text = src[:t.start]
    else:  # truncate-mid: inside the token when it has more than one byte, else after it
        cut = t.start + (rng.randrange(1, len(t.text)) if len(t.text) > 1 else 1)
        text = src[:cut]
    return f"{op} token {i} ({t.text[:20]!r}, line {t.line})", text


def mutate_source(src, version, seed, count):
    """`count` mutants of one source, deterministic for the seed."""
    tokens, _ = tokenize(src, version)
    out = []
    for k in range(count):
        rng = random.Random(f"{seed}:{k}")
        out.append(mutate_once(src, tokens, rng))
    return out


def generate(files, versions, outdir, count, seed):
    """Writes `count` mutants of the given valid files (a sorted list; versions[path] is "5.4" or
    "5.1") into outdir, as m00000.lua...; returns [(mutant path, source path, version,
    description)]. The source of mutant i is chosen by the mutant's own generator."""
    os.makedirs(outdir, exist_ok=True)
    cache = {}
    manifest = []
    for k in range(count):
        rng = random.Random(f"{seed}:file:{k}")
        path = files[rng.randrange(len(files))]
        version = versions[path]
        if path not in cache:
            src = read_source(path)
            cache[path] = (src, tokenize(src, version)[0])
        src, tokens = cache[path]
        if len(tokens) < 2:
            continue
        description, text = mutate_once(src, tokens, rng)
        out = os.path.join(outdir, f"m{k:05d}.lua")
        with open(out, "wb") as f:
            f.write(text.encode("latin-1"))
        manifest.append((out, path, version, description))
    return manifest
