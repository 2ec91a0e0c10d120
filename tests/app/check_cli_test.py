#!/usr/bin/env python3
"""`moonring check` end to end: formats, exit statuses, configuration files, workspace-wide
globals, usage and I/O errors. Each case writes a small tree of Lua files into a temporary
folder, runs the real binary there, and checks what it prints.

usage: check_cli_test.py MOONRING_BINARY
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

MOONRING = None
SKIP_EXIT_CODE = 77  # CTest reports the test as skipped (SKIP_RETURN_CODE in tests/app)


def require_tool(case, tool, package):
    """A tool scripts/install-deps.sh installs is missing: a failure under MOONRING_REQUIRE_TOOLS=1
    (scripts/test.sh), otherwise a skip (never a pass)."""
    if shutil.which(tool):
        return
    if os.environ.get("MOONRING_REQUIRE_TOOLS") == "1":
        case.fail(f"missing: {tool} (Debian: {package}); scripts/install-deps.sh installs it")
    case.skipTest(f"missing: {tool} (Debian: {package})")


def run(tree, *args, timeout=60):
    """Writes `tree` ({relative path: text}) into a fresh folder and runs `moonring check` there."""
    with tempfile.TemporaryDirectory() as root:
        for path, text in tree.items():
            full = os.path.join(root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8") as f:
                f.write(text)
        proc = subprocess.run([MOONRING, "check", *args], cwd=root, capture_output=True,
                              text=True, timeout=timeout)
        return proc.returncode, proc.stdout, proc.stderr


class Formats(unittest.TestCase):
    TREE = {"src/a.lua": "local unused = 1\nprint(undefined_name)\n"}

    def test_text_lines_and_summary(self):
        code, out, _ = run(self.TREE, "src")
        self.assertEqual(code, 1)
        lines = out.strip().splitlines()
        self.assertIn("src/a.lua:1:7: warning: unused local 'unused' [unused-local]", out)
        self.assertTrue(any(re.fullmatch(r"src/a\.lua:2:7: warning: .*undefined_name.* "
                                         r"\[undefined-global\]", l) for l in lines), out)
        self.assertRegex(lines[-1], r"^0 errors, 2 warnings in 1 file of 1 file checked")

    def test_json_positions_are_zero_based(self):
        code, out, _ = run(self.TREE, "src", "--format", "json")
        self.assertEqual(code, 1)
        found = json.loads(out)
        unused = [d for d in found if d["code"] == "unused-local"][0]
        self.assertEqual(unused["file"], "src/a.lua")
        self.assertEqual(unused["severity"], "warning")
        self.assertEqual(unused["range"], {"start": {"line": 0, "character": 6},
                                           "end": {"line": 0, "character": 12}})

    def test_json_characters_are_utf16_units(self):
        # "𝕏" is 4 bytes in UTF-8 and 2 units in UTF-16: `unused` starts at byte 23, character 21.
        code, out, _ = run({"a.lua": 'local s = "𝕏" local unused print(s)\n'}, ".", "--format",
                           "json")
        self.assertEqual(code, 1)
        [unused] = [d for d in json.loads(out) if d["code"] == "unused-local"]
        self.assertEqual(unused["range"]["start"], {"line": 0, "character": 21})

    def test_sarif_log(self):
        code, out, _ = run(self.TREE, "src", "--format", "sarif")
        self.assertEqual(code, 1)
        log = json.loads(out)
        self.assertEqual(log["version"], "2.1.0")
        run0 = log["runs"][0]
        rules = run0["tool"]["driver"]["rules"]
        self.assertIn("undefined-global", [r["id"] for r in rules])
        results = run0["results"]
        self.assertEqual(len(results), 2)
        for r in results:
            self.assertEqual(rules[r["ruleIndex"]]["id"], r["ruleId"])
            loc = r["locations"][0]["physicalLocation"]
            self.assertEqual(loc["artifactLocation"]["uri"], "src/a.lua")
            self.assertGreaterEqual(loc["region"]["startLine"], 1)
            self.assertGreaterEqual(loc["region"]["startColumn"], 1)
        unused = [r for r in results if r["ruleId"] == "unused-local"][0]
        self.assertEqual(unused["locations"][0]["physicalLocation"]["region"]["startColumn"], 7)


class ExitStatus(unittest.TestCase):
    def test_clean_is_zero(self):
        code, out, _ = run({"a.lua": "local x = 1\nprint(x)\n"}, ".")
        self.assertEqual(code, 0, out)
        self.assertRegex(out, r"^0 errors, 0 warnings")

    def test_syntax_error_is_an_error(self):
        code, out, _ = run({"a.lua": "local function f()\n  return 1\n"}, ".", "--fail-on", "error")
        self.assertEqual(code, 1)
        self.assertRegex(out, r"a\.lua:3:\d+: error: .*'end' expected.* \[syntax-error\]")

    def test_fail_on_error_ignores_warnings(self):
        code, _, _ = run({"a.lua": "local unused = 1\n"}, ".", "--fail-on", "error")
        self.assertEqual(code, 0)

    def test_missing_path_is_two(self):
        code, _, err = run({"a.lua": ""}, "no/such/folder")
        self.assertEqual(code, 2)
        self.assertIn("no/such/folder", err)

    def test_usage_errors_are_two(self):
        for args, message in [(["--format", "xml"], "--format"),
                              (["--jobs", "x"], "--jobs"),
                              (["--frob"], "--frob"),
                              ([".", "--include", "*.nse"], "before the paths")]:
            code, _, err = run({"a.lua": ""}, *args)
            self.assertEqual(code, 2, args)
            self.assertIn(message, err, args)

    def test_help_is_zero(self):
        code, out, _ = run({}, "--help")
        self.assertEqual(code, 0)
        self.assertIn("usage: moonring check", out)


class Workspace(unittest.TestCase):
    def test_globals_assigned_in_another_file_are_defined(self):
        tree = {"a.lua": "shared_config = {}\n", "b.lua": "print(shared_config)\n"}
        for jobs in ("1", "2"):
            code, out, _ = run(tree, ".", "--jobs", jobs)
            self.assertEqual(code, 0, out)

    def test_many_paths_and_jobs_give_one_report(self):
        # Walks of several paths feed the cores while they check; --jobs after the paths still
        # counts, and every job count gives the same report, sorted by file.
        tree = {f"d{d}/f{i}.lua": f"local unused_{d}_{i} = 1\nshared_{d} = {i}\nprint(shared_{(d + 1) % 4})\n"
                for d in range(4) for i in range(40)}
        reports = set()
        for jobs in ("--jobs=1", "--jobs=2", "--jobs=3"):
            code, out, err = run(tree, "d0", "d1", "d2", "d3", jobs, "--format", "json")
            self.assertEqual(code, 1, err)
            self.assertEqual(err, "")
            diags = json.loads(out)
            self.assertEqual(len(diags), 160)
            self.assertEqual([d["file"] for d in diags], sorted(d["file"] for d in diags))
            reports.add(out)
        self.assertEqual(len(reports), 1)

    def test_include_associations(self):
        tree = {"s.nse": "local unused = 1\n", "a.lua": "print(1)\n"}
        code, out, _ = run(tree, ".")
        self.assertEqual(code, 0, out)
        code, out, _ = run(tree, "--include", "*.nse", ".")
        self.assertEqual(code, 1, out)
        self.assertIn("s.nse:1:7", out)

    def test_gitignore_and_exclude(self):
        tree = {".gitignore": "gen/\n", "gen/a.lua": "local unused = 1\n",
                "vendor/b.lua": "local unused = 1\n", "c.lua": "print(1)\n"}
        code, out, _ = run(tree, "--exclude", "vendor/", ".")
        self.assertEqual(code, 0, out)
        self.assertRegex(out, r"of 1 file checked")

    def test_lua_version(self):
        # `goto` is a name in 5.1 and a keyword in 5.4.
        tree = {"a.lua": "local goto = 1\nprint(goto)\n"}
        self.assertEqual(run(tree, ".", "--lua-version", "5.1")[0], 0)
        self.assertEqual(run(tree, ".", "--lua-version", "5.4", "--fail-on", "error")[0], 1)


class Configuration(unittest.TestCase):
    def test_luacheckrc_globals(self):
        tree = {".luacheckrc": 'globals = {"from_luacheckrc"}\n', "a.lua": "print(from_luacheckrc)\n"}
        code, out, _ = run(tree, ".")
        self.assertEqual(code, 0, out)

    def test_luacheckrc_ignore_by_code_and_name(self):
        text = "local function f(self, unused_arg) return 1 end\nprint(f)\n"
        self.assertIn("'self'", run({"a.lua": text}, ".")[1])
        tree = {".luacheckrc": 'ignore = {"212/self"}\n', "a.lua": text}
        code, out, _ = run(tree, ".")
        self.assertEqual(code, 1, out)
        self.assertIn("unused_arg", out)
        self.assertNotIn("'self'", out)
        tree[".luacheckrc"] = 'ignore = {"212"}\n'
        self.assertEqual(run(tree, ".")[0], 0)

    def test_luacheckrc_that_never_ends_is_an_error(self):
        tree = {".luacheckrc": "while true do end\n", "a.lua": "print(1)\n"}
        code, _, err = run(tree, ".", timeout=30)
        self.assertEqual(code, 2)
        self.assertIn(".luacheckrc", err)

    def test_luacheckrc_cannot_reach_outside(self):
        tree = {".luacheckrc": 'os.execute("touch pwned")\n', "a.lua": "print(1)\n"}
        code, _, err = run(tree, ".")
        self.assertEqual(code, 2)
        self.assertIn(".luacheckrc", err)

    def test_luarc_disables_and_adds_globals(self):
        tree = {".luarc.json": json.dumps({"diagnostics.disable": ["unused-local"],
                                           "diagnostics.globals": ["from_luarc"]}),
                "a.lua": "local unused = 1\nprint(from_luarc)\n"}
        code, out, _ = run(tree, ".")
        self.assertEqual(code, 0, out)

    def test_luarc_version_and_command_line_override(self):
        tree = {".luarc.json": '{"runtime": {"version": "Lua 5.1"}}',
                "a.lua": "local goto = 1\nprint(goto)\n"}
        self.assertEqual(run(tree, ".")[0], 0)
        self.assertEqual(run(tree, ".", "--lua-version", "5.4", "--fail-on", "error")[0], 1)

    def test_luarc_library_defines_globals_and_is_not_reported(self):
        # Library files (inside the checked tree and outside it) give the globals they assign;
        # their own diagnostics are not reported, nor are they counted as checked files.
        lib = {"vendor/lib.lua": "local unused_in_lib = 1\nvendor_api = {}\n",
               "a.lua": "vendor_api.go()\nexternal_api.go()\nprint(undefined_one)\n"}
        with tempfile.TemporaryDirectory() as outside:
            with open(os.path.join(outside, "ext.lua"), "w") as f:
                f.write("function external_api.go() end\nexternal_api = {}\nlocal unused_ext\n")
            tree = dict(lib)
            tree[".luarc.json"] = json.dumps(
                {"workspace.library": ["vendor", outside, "missing-lib"]})
            code, out, err = run(tree, ".", "--format", "json")
            self.assertEqual(code, 1, err)
            diags = json.loads(out)
            self.assertEqual([(d["file"], d["code"]) for d in diags],
                             [("./a.lua", "undefined-global")], out)
            self.assertIn("undefined_one", diags[0]["message"])
            self.assertIn("workspace.library: ", err)
            self.assertIn("missing-lib", err)
            code, out, _ = run(tree, ".")
            self.assertIn("in 1 file of 1 file checked", out)
            # Without the library, its globals are undefined and its files are checked.
            del tree[".luarc.json"]
            code, out, _ = run(tree, ".", "--format", "json")
            codes = sorted((d["file"], d["code"]) for d in json.loads(out))
            self.assertIn(("./vendor/lib.lua", "unused-local"), codes)
            self.assertEqual(sum(1 for c in codes if c == ("./a.lua", "undefined-global")), 2)

    INLINE = """-- luacheck: globals vim
vim.api.x()
local unused_a = 1 -- luacheck: ignore
local unused_b = 2
local function f(x) -- luacheck: no unused args
  -- luacheck: ignore 211
  local unused_c = 3
  print(g3)
  -- luacheck: globals g3
  print(g3)
  for i = 1, 2 do local unused_in_loop end -- luacheck: ignore 213
end
local unused_d = 4
-- luacheck: push ignore unused_e (a note)
local unused_e = 5
-- luacheck: pop
local unused_e2 = 6
local function g(y, z) -- luacheck: ignore 212/z
  return function(w) local unused_f end
end
print(g3, f, g)
"""

    def test_inline_options_agree_with_luacheck(self):
        require_tool(self, "luacheck", "lua-check")
        # The same file through luacheck (the oracle) and moonring: the warnings both tools have
        # (unused locals, arguments, loop variables; undefined globals) on the same lines.
        kinds = {"211": "unused-local", "212": "unused-arg", "213": "unused-loop-var",
                 "113": "undefined-global"}
        with tempfile.TemporaryDirectory() as root:
            path = os.path.join(root, "a.lua")
            with open(path, "w") as f:
                f.write(self.INLINE)
            proc = subprocess.run(["luacheck", "--no-cache", "--no-config", "--formatter",
                                   "plain", "--codes", "a.lua"], cwd=root, capture_output=True,
                                  text=True, timeout=60)
            theirs = set()
            for line in proc.stdout.splitlines():
                m = re.match(r"a\.lua:(\d+):(\d+): \(W(\d+)\)", line)
                if m and m.group(3) in kinds:
                    theirs.add((int(m.group(1)), int(m.group(2)), kinds[m.group(3)]))
        code, out, _ = run({"a.lua": self.INLINE}, "a.lua", "--format", "json")
        ours = {(d["range"]["start"]["line"] + 1, d["range"]["start"]["character"] + 1, d["code"])
                for d in json.loads(out) if d["code"] in kinds.values()}
        self.assertTrue(theirs, proc.stdout)
        self.assertEqual(ours, theirs)

    # Prosody's `ignore 231/errors` (muc.lib.lua) and `ignore 431/err` / `422/err`
    # (server_event.lua, mod_admin_adhoc.lua): an ignore code reaches only luacheck's own kind.
    PRECISE = """local function f(stanza)
  -- luacheck: ignore 231/errors
  local fields, errors, present
  if stanza then
    fields, present = {}, {}
  else
    fields, errors, present = stanza, {}, 1
  end
  local other
  other = 1 -- luacheck: ignore 211/other
  return fields, present
end
-- luacheck: ignore 431/err 422/ok
local ok, err = pcall(f)
print(ok, err)
local res, err = pcall(f)
print(res, err)
local function g(ok)
  local err = 1
  do local ok = 2; print(ok) end
  for i = 1, 2 do
    local ok, err = i, i
    print(ok, err)
  end
  return err, ok
end
local function h(x) -- luacheck: no unused args
  x = 1
end
return g, h
"""

    def test_precise_ignore_codes_agree_with_luacheck(self):
        require_tool(self, "luacheck", "lua-check")
        kinds = {"211": "unused-local", "231": "unused-local", "212": "unused-arg",
                 "232": "unused-arg", "213": "unused-loop-var", "233": "unused-loop-var"}
        with tempfile.TemporaryDirectory() as root:
            with open(os.path.join(root, "a.lua"), "w") as f:
                f.write(self.PRECISE)
            proc = subprocess.run(["luacheck", "--no-cache", "--no-config", "--formatter",
                                   "plain", "--codes", "a.lua"], cwd=root, capture_output=True,
                                  text=True, timeout=60)
        theirs = set()
        for m in re.finditer(r"^a\.lua:(\d+):(\d+): \(W(\d+)\)", proc.stdout, re.M):
            code = m.group(3)
            kind = "shadowing" if code.startswith("4") else kinds.get(code)
            if kind:
                theirs.add((int(m.group(1)), int(m.group(2)), kind))
        code, out, _ = run({"a.lua": self.PRECISE}, "a.lua", "--format", "json")
        ours = {(d["range"]["start"]["line"] + 1, d["range"]["start"]["character"] + 1, d["code"])
                for d in json.loads(out)
                if d["code"] in set(kinds.values()) | {"shadowing"}}
        # luacheck: W231 other (9), W411 err (16), W431 ok (18), W421 err (22), W232 x (27).
        self.assertEqual(len(theirs), 5, proc.stdout)
        self.assertEqual(ours, theirs)

    def test_luacheckrc_files_overrides(self):
        # files["glob"] settings apply to the files the glob reaches (a folder: all below it), on
        # top of the top-level ones; the command line still wins.
        tree = {".luacheckrc": 'globals = {"everywhere"}\n'
                               'files["spec"] = {read_globals = {"describe", "it"}}\n'
                               'files["src/gen_*.lua"] = {ignore = {"211"}}\n',
                "spec/a_spec.lua": "describe(it, everywhere)\n",
                "src/b.lua": "describe(everywhere)\nlocal unused_b = 1\n",
                "src/gen_c.lua": "local unused_c = 1\nprint(everywhere)\n"}
        code, out, err = run(tree, ".", "--format", "json")
        found = sorted((d["file"], d["code"], d["range"]["start"]["line"]) for d in json.loads(out))
        self.assertEqual(found, [("./src/b.lua", "undefined-global", 0),
                                 ("./src/b.lua", "unused-local", 1)], err)
        # --globals on the command line reaches every file, overrides or not.
        code, out, _ = run(tree, ".", "--globals", "describe", "--format", "json")
        found = sorted((d["file"], d["code"]) for d in json.loads(out))
        self.assertEqual(found, [("./src/b.lua", "unused-local")])


# A .luacheckrc whose one library call (utf8.len on 30 MB, a thousand times between two checks of
# the instruction count) would run for minutes: only the sandbox's CPU limit stops it.
SLOW_LUACHECKRC = 'local s = ("x"):rep(3e7) for i = 1, 1e9 do utf8.len(s) end\n'


class HostileConfiguration(unittest.TestCase):
    def test_help_and_version_never_read_configuration(self):
        tree = {".luacheckrc": SLOW_LUACHECKRC, "a.lua": "print(1)\n"}
        for args in (["--help"], ["-h"], [".", "--help"], ["--format", "json", "-h"]):
            started = time.monotonic()
            code, out, err = run(tree, *args, timeout=60)
            self.assertEqual((code, err), (0, ""), args)
            self.assertIn("usage: moonring check", out)
            self.assertLess(time.monotonic() - started, 3, args)
        with tempfile.TemporaryDirectory() as root:
            with open(os.path.join(root, ".luacheckrc"), "w") as f:
                f.write(SLOW_LUACHECKRC)
            started = time.monotonic()
            proc = subprocess.run([MOONRING, "version"], cwd=root, capture_output=True,
                                  text=True, timeout=60)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertIn("moonring ", proc.stdout)
            self.assertLess(time.monotonic() - started, 3)

    def test_long_library_calls_end_with_a_clear_error(self):
        # Each ran for minutes inside one C call. (A call no bound catches, SLOW_LUACHECKRC, is
        # stopped by the child process's CPU limit: lua_config_test checks that with a 1 s limit.)
        cases = [
            ('table.move({}, 1, 1e15, 1, {})\n', "table.move: too many elements"),
            ('x = ("a"):rep(1e6):match(("a"):rep(1e5) .. "b")\n', "pattern too costly"),
        ]
        for config, message in cases:
            started = time.monotonic()
            code, _, err = run({".luacheckrc": config, "a.lua": "print(1)\n"}, ".", timeout=60)
            self.assertEqual(code, 2, config)
            self.assertIn(".luacheckrc", err)
            self.assertIn(message, err)
            self.assertLess(time.monotonic() - started, 10, config)
        # An empty string.rep is answered at once, whatever the count.
        code, _, err = run({".luacheckrc": 'x = string.rep("", math.maxinteger)\n',
                            "a.lua": "print(1)\n"}, ".", timeout=60)
        self.assertEqual((code, err), (0, ""))


class NoInline(unittest.TestCase):
    SOURCE = ("local unused_a = 1 -- luacheck: ignore\n"
              "-- luacheck: globals g\n"
              "print(g)\n")

    def test_no_inline_ignores_inline_options(self):
        code, out, _ = run({"a.lua": self.SOURCE}, "a.lua", "--format", "json")
        self.assertEqual((code, json.loads(out)), (0, []))
        code, out, _ = run({"a.lua": self.SOURCE}, "--no-inline", "a.lua", "--format", "json")
        self.assertEqual(code, 1)
        found = sorted((d["range"]["start"]["line"] + 1, d["code"]) for d in json.loads(out))
        self.assertEqual(found, [(1, "unused-local"), (3, "undefined-global")])

    def test_no_inline_agrees_with_luacheck(self):
        # luacheck 1.1 dropped its --no-inline (0.x had it): its answer for the file with the
        # option comments made inert is what --no-inline means.
        require_tool(self, "luacheck", "lua-check")
        with tempfile.TemporaryDirectory() as root:
            with open(os.path.join(root, "a.lua"), "w") as f:
                f.write(self.SOURCE.replace("luacheck:", "inert:"))
            proc = subprocess.run(["luacheck", "--no-cache", "--no-config", "--formatter",
                                   "plain", "--codes", "a.lua"], cwd=root,
                                  capture_output=True, text=True, timeout=60)
        kinds = {"211": "unused-local", "113": "undefined-global"}
        theirs = sorted((int(m.group(1)), kinds.get(m.group(2), m.group(2))) for m in
                        re.finditer(r"^a\.lua:(\d+):\d+: \(W(\d+)\)", proc.stdout, re.M))
        code, out, _ = run({"a.lua": self.SOURCE}, "--no-inline", "a.lua", "--format", "json")
        ours = sorted((d["range"]["start"]["line"] + 1, d["code"]) for d in json.loads(out))
        self.assertEqual(ours, theirs, proc.stdout)

if __name__ == "__main__":
    MOONRING = os.path.abspath(sys.argv.pop(1))
    result = unittest.main(verbosity=2, exit=False).result
    if not result.wasSuccessful():
        sys.exit(1)
    sys.exit(SKIP_EXIT_CODE if result.skipped else 0)
