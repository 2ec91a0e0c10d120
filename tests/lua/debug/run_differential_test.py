#!/usr/bin/env python3
"""`moonring run` against `lua5.4`: each case runs the same script with the same arguments, stdin
and environment under both, and stdout, stderr and the exit status must be byte-identical. Both
get the same argv[0] (the prefix of lua.c's error messages), so a difference is a real one.

  run_differential_test.py MOONRING
"""

import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures", "run")
ARGV0 = "moonring"

# (script, arguments, stdin, extra environment)
CASES = [
    ("args.lua", ["one", "two words", "", "--flag"], b"", {}),
    ("args.lua", [], b"", {}),
    ("error_nested.lua", [], b"", {}),
    ("error_values.lua", ["tostring"], b"", {}),
    ("error_values.lua", ["table"], b"", {}),
    ("error_values.lua", ["nil"], b"", {}),
    ("error_values.lua", ["level"], b"", {}),
    ("syntax_error.lua", [], b"", {}),
    ("stdin_upper.lua", [], b"alpha\nbeta\n\ngamma without newline", {}),
    ("exit_variants.lua", ["true"], b"", {}),
    ("exit_variants.lua", ["false-close"], b"", {}),
    ("exit_variants.lua", ["number"], b"", {}),
    ("exit_variants.lua", ["end"], b"", {}),
    ("coroutines_warn.lua", [], b"", {}),
    ("no_such_file.lua", [], b"", {}),
    ("-", ["x"], b"print('from stdin', ...)\n", {}),
    ("args.lua", ["init"], b"", {"LUA_INIT": "print('init sees', arg[1])"}),
    ("args.lua", [], b"", {"LUA_INIT_5_4": "print('5.4 init')", "LUA_INIT": "print('plain')"}),
    ("args.lua", [], b"", {"LUA_INIT": "error('bad init')"}),
]


def run(argv, executable, stdin, env):
    done = subprocess.run(argv, executable=executable, input=stdin, cwd=FIXTURES, env=env,
                          capture_output=True, timeout=60)
    return done.returncode, done.stdout, done.stderr


def main():
    moonring = os.path.abspath(sys.argv[1])
    lua = shutil.which("lua5.4")
    if lua is None:
        print("lua5.4 is not installed")
        return 77
    failures = 0
    for script, args, stdin, extra in CASES:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LUA_INIT")}
        env.update(extra)
        want = run([ARGV0, script] + args, lua, stdin, env)
        got = run([ARGV0, "run", script] + args, moonring, stdin, env)
        label = f"{script} {args} {extra}"
        if want != got:
            failures += 1
            print(f"DIFFERENT: {label}\n  lua5.4:   {want}\n  moonring: {got}")
        else:
            print(f"same: {label} (exit {want[0]})")
    # Not vacuous: the cases must reach both error and success paths.
    print(f"{len(CASES) - failures}/{len(CASES)} identical")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
