#!/usr/bin/env python3
"""Lua files that are hard on a checker's data structures, not on its grammar (bench/check/run.sh
times them; tests/app/check_robustness_test.py reuses them at small sizes).

  long_line.lua   one line: `x = a + a + ...`, so every diagnostic is on the same line (a column
                  computed by scanning from the line's start costs the line's length each time)
  many_locals.lua `local vN = vN-1` in one scope (past luac's 200-local limit, so the parser goes
                  on after its error) and reads of a global among them
  functions.lua   many small functions, each with a local, a read global and an unused argument

usage: gen_adversarial.py DIR [--scale S]   (S=1: 4 MB, 160,000 locals, 20 MB; S scales all three)
Prints the bytes written.
"""
import argparse
import os


def long_line(terms):
    # "x = a" then " + a" per term: every `a` is an undefined global on line 1.
    return "x = a" + " + a" * (terms - 1) + "\n"


def many_locals(count):
    lines = ["local v0 = g"]
    lines += [f"local v{i} = v{i - 1} + g" for i in range(1, count)]
    lines.append(f"return v{count - 1}")
    return "\n".join(lines) + "\n"


def functions(target_bytes):
    parts, size, i = [], 0, 0
    while size < target_bytes:
        text = f"local function f{i}(a, b)\n  local t = b + g{i % 97}\n  return t\nend\n"
        parts.append(text)
        size += len(text)
        i += 1
    return "".join(parts)


def write_all(directory, scale=1.0):
    """Writes the three files into directory; returns their paths and the bytes written."""
    os.makedirs(directory, exist_ok=True)
    files = {
        "long_line.lua": long_line(max(2, int(1_000_000 * scale))),
        "many_locals.lua": many_locals(max(2, int(160_000 * scale))),
        "functions.lua": functions(int(20_000_000 * scale)),
    }
    paths, total = [], 0
    for name, text in files.items():
        path = os.path.join(directory, name)
        with open(path, "w", encoding="ascii") as f:
            f.write(text)
        paths.append(path)
        total += len(text)
    return paths, total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    _, total = write_all(args.directory, args.scale)
    print(total)


if __name__ == "__main__":
    main()
