#!/usr/bin/env python3
"""`moonring check` end to end on what a CI run must survive: input shaped to hit a quadratic path
(bench/check's adversarial generator at small sizes), files that are not checked (over the size
limit, missing), and control bytes of a checked file quoted in messages. Uses the helpers of
check_cli_test.py.

usage: check_robustness_test.py MOONRING_BINARY
"""
import json
import os
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench", "check"))
import check_cli_test  # noqa: E402
import gen_adversarial  # noqa: E402

run = check_cli_test.run


class Adversarial(unittest.TestCase):
    """The sizes make the old quadratic code run for a minute or more even in Release, while the
    linear code takes seconds under the sanitizers."""

    def test_one_long_line(self):
        # 200,000 undefined globals on one 800 KB line: each column was a scan from the line's
        # start (over 90 s in Release before the fix).
        code, out, err = run({"a.lua": gen_adversarial.long_line(200_000)}, "a.lua", "--format",
                             "json", timeout=90)
        self.assertEqual(code, 1, err)
        found = json.loads(out)
        self.assertEqual(len(found), 200_000)  # every `a`
        last = max(found, key=lambda d: d["range"]["start"]["character"])
        self.assertEqual(last["range"], {"start": {"line": 0, "character": 4 * 199_999 + 4},
                                         "end": {"line": 0, "character": 4 * 199_999 + 5}})

    def test_many_locals_in_one_scope(self):
        # 160,000 locals in the main chunk: each name was resolved by a scan of the locals in
        # scope (54 s in Release before the fix).
        code, out, err = run({"a.lua": gen_adversarial.many_locals(160_000)}, "a.lua",
                             timeout=45)
        self.assertEqual(code, 1, err)
        self.assertIn("too many local variables", out)


class NotChecked(unittest.TestCase):
    """A file that is not checked (over the size limit, unreadable, missing) is an error in every
    format and in the exit status: CI must not read a skipped file as a clean one."""

    TREE = {"big.lua": "-- clean, and 200 bytes long\n" * 7 + "print(1)\n", "ok.lua": "print(1)\n"}

    def test_text(self):
        code, out, err = run(self.TREE, ".", "--max-file-size", "100")
        self.assertEqual(code, 2, out + err)
        self.assertRegex(out, r"(?m)^\./big\.lua: error: .*over the 100 bytes limit.* "
                              r"\[file-not-checked\]$")
        self.assertRegex(out.strip().splitlines()[-1], r"^1 error, 0 warnings .*1 file not checked")

    def test_json(self):
        code, out, _ = run(self.TREE, ".", "--max-file-size", "100", "--format", "json")
        self.assertEqual(code, 2)
        [entry] = [d for d in json.loads(out) if d["code"] == "file-not-checked"]
        self.assertEqual((entry["file"], entry["severity"]), ("./big.lua", "error"))
        self.assertIn("limit", entry["message"])

    def test_sarif(self):
        code, out, _ = run(self.TREE, ".", "--max-file-size", "100", "--format", "sarif")
        self.assertEqual(code, 2)
        run0 = json.loads(out)["runs"][0]
        [result] = [r for r in run0["results"] if r["ruleId"] == "file-not-checked"]
        self.assertEqual(result["level"], "error")
        self.assertEqual(run0["tool"]["driver"]["rules"][result["ruleIndex"]]["id"],
                         "file-not-checked")
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        self.assertTrue(uri.endswith("big.lua"), uri)
        self.assertFalse(run0["invocations"][0]["executionSuccessful"])

    def test_all_checked_sarif_is_successful(self):
        code, out, _ = run(self.TREE, ".", "--format", "sarif")
        self.assertEqual(code, 0)
        run0 = json.loads(out)["runs"][0]
        self.assertTrue(run0["invocations"][0]["executionSuccessful"])
        self.assertEqual(run0["results"], [])

    def test_limit_suffixes(self):
        for limit in ("1K", "1k", "64M", "2G", "100000", "--max-file-size=1K"):
            args = [limit] if limit.startswith("--") else ["--max-file-size", limit]
            code, out, err = run(self.TREE, ".", *args)
            self.assertEqual(code, 0, (limit, out, err))
        for bad in ("0", "x", "1T", "-1", "1.5M", "", "4G"):
            code, _, err = run(self.TREE, ".", "--max-file-size", bad)
            self.assertEqual(code, 2, bad)
            self.assertIn("--max-file-size", err, bad)

    def test_limit_before_the_paths_applies_too(self):
        code, out, _ = run(self.TREE, "--max-file-size", "100", ".", "--format", "json")
        self.assertEqual(code, 2)
        self.assertEqual([d["file"] for d in json.loads(out) if d["code"] == "file-not-checked"],
                         ["./big.lua"])

    def test_missing_file_is_in_the_report(self):
        code, out, _ = run({"a.lua": "print(1)\n"}, "a.lua", "gone.lua", "--format", "json")
        self.assertEqual(code, 2)
        [entry] = [d for d in json.loads(out) if d["code"] == "file-not-checked"]
        self.assertEqual(entry["file"], "gone.lua")


class ControlBytes(unittest.TestCase):
    """The checked file's bytes quoted in messages never reach the terminal raw."""

    SOURCE = 'local t = {["\x1b[2J\x07"] = 1, ["\x1b[2J\x07"] = 2}\nprint(t)\n'

    def test_text_escapes_them(self):
        code, out, _ = run({"a.lua": self.SOURCE}, ".")
        self.assertEqual(code, 1)
        self.assertIn("\\x1b[2J\\x07", out)
        self.assertFalse(re.search(r"[\x00-\x08\x0b-\x1f\x7f]", out), repr(out))

    def test_json_keeps_them_as_json_escapes(self):
        code, out, _ = run({"a.lua": self.SOURCE}, ".", "--format", "json")
        self.assertEqual(code, 1)
        self.assertFalse(re.search(r"[\x00-\x09\x0b-\x1f]", out), repr(out))
        [dup] = [d for d in json.loads(out) if d["code"] == "duplicate-key"]
        self.assertIn("\x1b[2J\x07", dup["message"])

    def test_sarif_keeps_them_as_json_escapes(self):
        code, out, _ = run({"a.lua": self.SOURCE}, ".", "--format", "sarif")
        self.assertEqual(code, 1)
        self.assertFalse(re.search(r"[\x00-\x09\x0b-\x1f]", out), repr(out))
        results = json.loads(out)["runs"][0]["results"]
        self.assertTrue(any("\x1b[2J" in r["message"]["text"] for r in results))


class UndefinedGlobalMessages(unittest.TestCase):
    """Workspace-wide undefined globals store their name, not a message, until the report prints
    them: each file's messages must name its own globals, in every format, and a global that
    another file assigns must not be reported."""

    # Many files (spread over the cores), each reading its own names in its own order, one of
    # them (`shared_global`) assigned by another file, one read as _ENV["..."] (a string key).
    TREE = {f"f{i:02}.lua": f"print(name_{i}_long_enough_to_allocate, shared_global)\n"
                            f"print(_ENV[\"env_{i}\"], name_{i}_long_enough_to_allocate, u{i})\n"
            for i in range(24)}
    TREE["set.lua"] = "shared_global = 1\n"

    def expected(self):
        want = set()
        for i in range(24):
            path = f"f{i:02}.lua"
            want |= {(path, 1, f"undefined global 'name_{i}_long_enough_to_allocate'"),
                     (path, 2, f"undefined global 'env_{i}'"),
                     (path, 2, f"undefined global 'name_{i}_long_enough_to_allocate'"),
                     (path, 2, f"undefined global 'u{i}'")}
        return want

    def test_json_and_text_and_sarif(self):
        code, out, err = run(self.TREE, ".", "--format", "json", "--lua-version", "5.4")
        self.assertEqual(code, 1, err)
        got = {(os.path.basename(d["file"]), d["range"]["start"]["line"] + 1, d["message"])
               for d in json.loads(out) if d["code"] == "undefined-global"}
        self.assertEqual(got, self.expected())

        code, out, err = run(self.TREE, ".", "--lua-version", "5.4")
        self.assertEqual(code, 1, err)
        got = set()
        for line in out.splitlines():
            m = re.fullmatch(r"(?:\./)?(\S+):(\d+):\d+: warning: (.*) \[undefined-global\]", line)
            if m:
                got.add((os.path.basename(m[1]), int(m[2]), m[3]))
        self.assertEqual(got, self.expected())

        code, out, err = run(self.TREE, ".", "--format", "sarif", "--lua-version", "5.4")
        self.assertEqual(code, 1, err)
        results = json.loads(out)["runs"][0]["results"]
        got = {(os.path.basename(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]),
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
                r["message"]["text"]) for r in results if r["ruleId"] == "undefined-global"}
        self.assertEqual(got, self.expected())


if __name__ == "__main__":
    check_cli_test.MOONRING = os.path.abspath(sys.argv.pop(1))
    result = unittest.main(verbosity=2, exit=False).result
    sys.exit(0 if result.wasSuccessful() else 1)
