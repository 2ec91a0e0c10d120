#!/usr/bin/env python3
"""The official Lua 5.4.4 test suite under `moonring run`, as its README says (portable and soft
mode, from a writable copy of tests/corpora/lua-5.4.4-tests): it must end in "final OK !!!" with
exit status 0, as it does under lua5.4.

  run_suite_test.py MOONRING
"""

import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.join(HERE, "..", "..", "corpora", "lua-5.4.4-tests")


def main():
    moonring = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="moonring-lua-suite-") as scratch:
        work = os.path.join(scratch, "t")
        shutil.copytree(SUITE, work)
        for root, dirs, files in os.walk(work):
            for name in dirs + files:
                os.chmod(os.path.join(root, name), 0o755)
        with open(os.path.join(work, "run-all.lua"), "w") as f:
            f.write('_port = true\n_soft = true\ndofile("all.lua")\n')
        done = subprocess.run([moonring, "run", "run-all.lua"], cwd=work, capture_output=True,
                              timeout=600)
        out = done.stdout.decode("utf-8", "replace")
        err = done.stderr.decode("utf-8", "replace")
        print(out[-2000:])
        print(err[-2000:], file=sys.stderr)
        if done.returncode != 0 or "final OK !!!" not in out:
            print(f"FAILED: exit status {done.returncode}, 'final OK' "
                  f"{'present' if 'final OK !!!' in out else 'missing'}")
            return 1
    print("final OK under moonring run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
