#!/usr/bin/env python3
"""Differential tests of moonring's Lua front end against the official toolchain (issue 6,
"Exactness on real code"). One check per invocation:

  corpus    every corpus file: the verdict of lua_facts equals `luac5.4 -p`'s (and the first error
            line when both reject); files only luac5.1 accepts are checked as 5.1 against luac5.1
  mutants   deterministic token mutants of corpus files: verdict and first error line agree
  globals   the global reads and writes of every file (and of the mutants luac accepts), by name
            and line of the name, equal the oracle's (luac's listing placed on the name tokens)
  luacheck  unused variables against luacheck (W211-213, W231-233): fails when lua_facts crashes
            on a file or the agreement falls below LUACHECK_AGREEMENT

Prints per-check counts and every disagreement (ours vs the oracle); exits 1 on any disagreement
(luacheck: on a crash or an agreement below the gate), 2 on a tool failure.

  differential.py CHECK --facts PATH/lua_facts --corpus DIR [--work DIR] [--count N] [--seed S]
"""

import argparse
import collections
import concurrent.futures
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mutants as mutants_mod  # noqa: E402
import oracle  # noqa: E402
from lua_tokens import read_source  # noqa: E402

JOBS = max(1, os.cpu_count() or 1)
MAX_LISTED = 200  # disagreements printed in full per check; the counts always cover all
FACTS_TIMEOUT = 600  # seconds for one lua_facts batch (a hang is a failure, not a wait)

# The luacheck agreement docs/lua.md states ("The checks and what they found"), in percent as
# printed (one decimal): the gate of the luacheck check. Raise it with the docs when agreement
# improves; --min-agreement overrides it for one run.
LUACHECK_AGREEMENT = 99.6

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


def fixture_items():
    """The oracle's hand-written fixtures (fixtures/*_51.lua are Lua 5.1): tricky scoping cases
    that the corpus may not have, checked against moonring too."""
    names = sorted(n for n in os.listdir(FIXTURES) if n.endswith(".lua"))
    return [(os.path.join(FIXTURES, n), "5.1" if n.endswith("_51.lua") else "5.4") for n in names]


def corpus_files(corpus):
    out = []
    for root, _, names in os.walk(corpus):
        for n in names:
            if n.endswith(".lua"):
                out.append(os.path.join(root, n))
    if not out:
        raise SystemExit(f"differential: no .lua file under {corpus} (run scripts/lua-corpus.sh)")
    return sorted(out)


def rel(path, base):
    if path.startswith(FIXTURES + os.sep):
        return "fixtures/" + os.path.basename(path)
    if not path.startswith(base + os.sep):
        return path
    return os.path.relpath(path, base)


def luac_verdicts(paths_versions):
    """[(path, version)] -> {(path, version): Verdict}, luac run on every core."""
    with concurrent.futures.ThreadPoolExecutor(JOBS * 2) as pool:
        results = pool.map(lambda pv: oracle.luac_verdict(*pv), paths_versions)
        return dict(zip(paths_versions, results))


def file_versions(files):
    """{path: "5.4" | "5.1" | None}: 5.4 when luac5.4 accepts it, 5.1 when only luac5.1 does."""
    v54 = luac_verdicts([(f, "5.4") for f in files])
    rejected = [f for f in files if not v54[(f, "5.4")].ok]
    v51 = luac_verdicts([(f, "5.1") for f in rejected])
    versions = {}
    for f in files:
        if v54[(f, "5.4")].ok:
            versions[f] = "5.4"
        elif v51[(f, "5.1")].ok:
            versions[f] = "5.1"
        else:
            versions[f] = None
    return versions, v54


def run_facts(facts_bin, items, verdict_only):
    """[(path, version)] -> {(path, version): facts dict}, through lua_facts processes (one batch
    per core). A file that crashes lua_facts gets {"crash": stderr tail}; the batch goes on."""
    def batch(chunk):
        out = {}
        todo = list(chunk)
        while todo:
            cmd = [facts_bin] + (["--verdict-only"] if verdict_only else [])
            stdin = "".join(f"{v}\t{p}\n" for p, v in todo)
            try:
                r = subprocess.run(cmd, input=stdin.encode("latin-1"), capture_output=True,
                                   timeout=FACTS_TIMEOUT)
            except subprocess.TimeoutExpired:
                raise RuntimeError(f"lua_facts took more than {FACTS_TIMEOUT}s on {len(todo)} "
                                   f"files from {todo[0][0]}")
            done = 0
            for line in r.stdout.decode("latin-1").splitlines():
                try:
                    d = json.loads(line)
                except ValueError:
                    break  # a line cut short by a crash
                p, v = todo[done]
                if d.get("file") != p:
                    raise RuntimeError(f"lua_facts answered {d.get('file')} for {p}")
                out[(p, v)] = d
                done += 1
            if done == len(todo):
                if r.returncode != 0:
                    raise RuntimeError(f"lua_facts failed: {r.stderr.decode('latin-1')[-2000:]}")
                break
            # lua_facts died on todo[done]: record it, go on with the rest.
            out[todo[done]] = {"crash": f"exit {r.returncode}: "
                                        f"{r.stderr.decode('latin-1')[-1500:]}"}
            todo = todo[done + 1:]
        return out

    chunks = [items[i::JOBS] for i in range(JOBS)]
    result = {}
    with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
        for part in pool.map(batch, chunks):
            result.update(part)
    return result


def describe(d):
    if "crash" in d:
        return f"CRASH ({d['crash'][:300]})"
    return "ok" if d["ok"] else f"error line {d['line']}: {d['message']}"


def compare_verdict(ours, luac):
    """None when they agree (same verdict; same first error line when both reject)."""
    if "crash" in ours:
        return "crash"
    if ours["ok"] != luac.ok:
        return "verdict"
    if not luac.ok and ours["line"] != luac.line:
        return "line"
    return None


# ---------------------------------------------------------------------------------------------

def check_corpus(args):
    # The fixtures join in: old_51.lua is a file only luac5.1 accepts, which the corpus lacks.
    files = [p for p, _ in fixture_items()] + corpus_files(args.corpus)
    versions, v54 = file_versions(files)
    items = [(f, "5.4") for f in files] + [(f, "5.1") for f in files if versions[f] == "5.1"]
    luac = dict(v54)
    luac.update(luac_verdicts([(f, "5.1") for f in files if versions[f] == "5.1"]))
    ours = run_facts(args.facts, items, verdict_only=True)
    counts = collections.Counter()
    bad = []
    for item in items:
        why = compare_verdict(ours[item], luac[item])
        counts["checked " + item[1]] += 1
        if why:
            counts["disagree " + why] += 1
            bad.append((item, why))
    n51 = sum(1 for v in versions.values() if v == "5.1")
    neither = [f for f in files if versions[f] is None]
    print(f"corpus: {len(files)} files ({len(files) - n51 - len(neither)} accepted by luac5.4, "
          f"{n51} only by luac5.1, {len(neither)} by neither)")
    for (path, version), why in bad[:MAX_LISTED]:
        print(f"DISAGREE [{why}] {rel(path, args.corpus)} (as {version}): "
              f"ours {describe(ours[(path, version)])} | luac{version} {luac[(path, version)]}")
    for k in sorted(counts):
        print(f"  {k}: {counts[k]}")
    print(f"lua.differential.corpus: {len(items) - len(bad)}/{len(items)} verdicts agree")
    return 1 if bad else 0


def check_mutants(args):
    files = corpus_files(args.corpus)
    versions, _ = file_versions(files)
    valid = [f for f in files if versions[f]]
    work = os.path.join(args.work, "mutants")
    shutil.rmtree(work, ignore_errors=True)
    t0 = time.time()
    manifest = mutants_mod.generate(valid, versions, work, args.count, args.seed)
    # The first --count-51 mutants of 5.4 files are also read as Lua 5.1, against luac5.1.
    manifest += [(m, src, "5.1", d) for m, src, v, d in manifest[:args.count_51] if v == "5.4"]
    items = [(m, v) for m, _, v, _ in manifest]
    luac = luac_verdicts(items)
    ours = run_facts(args.facts, items, verdict_only=True)
    counts = collections.Counter()
    per_op = collections.Counter()
    per_op_bad = collections.Counter()
    messages_same = 0
    message_diffs = []
    bad = []
    for (mpath, source, version, description) in manifest:
        item = (mpath, version)
        o, l = ours[item], luac[item]
        op = description.split()[0]
        per_op[op] += 1
        counts[f"as {version}: luac accepts" if l.ok else f"as {version}: luac rejects"] += 1
        why = compare_verdict(o, l)
        if why:
            per_op_bad[op] += 1
            counts["disagree " + why] += 1
            bad.append((mpath, source, version, description, why))
        elif not l.ok and o["message"] == l.message:
            messages_same += 1
        elif not l.ok:
            message_diffs.append(f"  message (informational): {mpath}: ours {o['message']!r} | "
                                 f"luac {l.message!r}")
    for mpath, source, version, description, why in bad[:MAX_LISTED]:
        print(f"DISAGREE [{why}] {mpath} ({description} of {rel(source, args.corpus)}, "
              f"as {version}): ours {describe(ours[(mpath, version)])} | "
              f"luac{version} {luac[(mpath, version)]}")
    print(f"mutants: {len(manifest)} checks (seed {args.seed}) of {len(valid)} files in "
          f"{time.time() - t0:.1f}s; kept in {work}")
    for op in mutants_mod.OPS:
        print(f"  {op}: {per_op[op]} checks, {per_op_bad[op]} disagreements")
    for k in sorted(counts):
        print(f"  {k}: {counts[k]}")
    rejected = counts["as 5.4: luac rejects"] + counts["as 5.1: luac rejects"]
    if rejected:
        print(f"  same error message as luac (informational): {messages_same}/{rejected}")
        for d in message_diffs[:10]:
            print(d)
    print(f"lua.differential.mutants: {len(manifest) - len(bad)}/{len(manifest)} agree "
          f"(verdict and first error line)")
    return 1 if bad else 0


def _oracle_globals(item):
    path, version = item
    try:
        g, e, l = oracle.global_accesses(path, version)
        return item, (g, e, l), None
    except oracle.OracleMismatch as ex:
        return item, None, str(ex)


def check_globals(args):
    files = corpus_files(args.corpus)
    versions, _ = file_versions(files)
    items = fixture_items() + [(f, versions[f]) for f in files if versions[f]]
    # The mutants luac still accepts (about 15%) join in: valid code that no one would write.
    work = os.path.join(args.work, "mutants")
    shutil.rmtree(work, ignore_errors=True)
    manifest = mutants_mod.generate([f for f in files if versions[f]], versions, work,
                                    args.count, args.seed)
    mutant_items = [(m, v) for m, _, v, _ in manifest]
    accepted = luac_verdicts(mutant_items)
    valid_mutants = [item for item in mutant_items if accepted[item].ok]
    items += valid_mutants
    with multiprocessing.Pool(JOBS) as pool:
        truth = pool.map(_oracle_globals, items, chunksize=8)
    ours = run_facts(args.facts, items, verdict_only=False)
    counts = collections.Counter()
    problems = []
    for item, t, oracle_error in truth:
        path, version = item
        if oracle_error:
            counts["oracle inconsistent"] += 1
            problems.append(f"ORACLE {rel(path, args.corpus)}: {oracle_error}")
            continue
        g, e, l = t
        want = collections.Counter(g + e)
        counts["accesses (luac)"] += sum(want.values())
        counts["of which _ENV.x explicit"] += len(e)
        counts["free names under a local _ENV (no global)"] += len(l)
        o = ours[item]
        if "crash" in o:
            counts["files crashed"] += 1
            problems.append(f"CRASH {rel(path, args.corpus)}: {o['crash'][:300]}")
            continue
        got = collections.Counter(tuple(x) for x in o["globals"])
        missing = want - got
        extra = got - want
        counts["files"] += 1
        if missing or extra:
            counts["files disagreeing"] += 1
            counts["accesses only luac"] += sum(missing.values())
            counts["accesses only ours"] += sum(extra.values())
            lines = [f"DISAGREE {rel(path, args.corpus)} (as {version}):"]
            for a in sorted(missing.elements(), key=lambda x: (x[2], x[1])):
                lines.append(f"    luac only: {a[0]} {a[1]} line {a[2]}")
            for a in sorted(extra.elements(), key=lambda x: (x[2], x[1])):
                lines.append(f"    ours only: {a[0]} {a[1]} line {a[2]}")
            problems.append("\n".join(lines[:40]))
    for p in problems[:MAX_LISTED]:
        print(p)
    for k in sorted(counts):
        print(f"  {k}: {counts[k]}")
    ok = counts["files"] - counts["files disagreeing"]
    print(f"  (of the files, {len(valid_mutants)} are valid mutants in {work})")
    print(f"lua.differential.globals: {ok}/{len(items)} files with the same global accesses "
          f"as luac")
    return 1 if problems else 0


def _classify(ours_only, luacheck_only):
    """Classes of disagreement: the same variable with a different code, or on one side only
    (luacheck's side split by its wording, which says why it warns). Items: (code, name, line,
    path, luacheck's message)."""
    classes = collections.Counter()
    examples = collections.defaultdict(list)
    ours_at = {(p, n, l): c for c, n, l, p, _ in ours_only}
    theirs_at = {(p, n, l): c for c, n, l, p, _ in luacheck_only}
    ours_names = {(p, n): l for c, n, l, p, _ in ours_only}
    theirs_names = {(p, n): (l, m) for c, n, l, p, m in luacheck_only}
    for c, n, l, p, _ in ours_only:
        other = theirs_at.get((p, n, l))
        if other:
            key = f"code differs: ours {c}, luacheck {other}"
        elif (p, n) in theirs_names:
            their_line, m = theirs_names[(p, n)]
            wording = m.split(" '")[0]
            key = f"same variable, another line: ours the declaration, luacheck '{wording}'"
            examples[key].append(f"{p}:{l} {n} (luacheck: line {their_line})")
            classes[key] += 1
            continue
        else:
            key = f"ours only: {c}"
        classes[key] += 1
        examples[key].append(f"{p}:{l} {n}")
    for c, n, l, p, m in luacheck_only:
        if (p, n, l) in ours_at or (p, n) in ours_names:
            continue
        wording = m.split(" '")[0]
        key = f"luacheck only: {c} ({wording})"
        classes[key] += 1
        examples[key].append(f"{p}:{l} {n}")
    return classes, examples


def check_luacheck(args):
    files = corpus_files(args.corpus)
    versions, _ = file_versions(files)
    items = [(f, versions[f]) for f in files if versions[f]]
    # luacheck reads copies with its inline options made inert (oracle.without_inline_options).
    copies = {}
    inert = os.path.join(args.work, "luacheck-input")
    shutil.rmtree(inert, ignore_errors=True)
    for p, _ in items:
        copy = os.path.join(inert, rel(p, args.corpus))
        os.makedirs(os.path.dirname(copy), exist_ok=True)
        with open(copy, "wb") as f:
            f.write(oracle.without_inline_options(read_source(p)).encode("latin-1"))
        copies[copy] = p
    names = sorted(copies)
    chunks = [names[i::JOBS] for i in range(JOBS)]
    theirs = {}
    with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
        for part in pool.map(oracle.luacheck_unused, chunks):
            theirs.update({copies[c]: found for c, found in part.items()})
    ours = run_facts(args.facts, items, verdict_only=False)
    matched = only_ours = only_theirs = 0
    ours_only_all, theirs_only_all = [], []
    crashed = []
    for path, version in items:
        o = ours[(path, version)]
        if "crash" in o:
            crashed.append(path)
            print(f"CRASH {rel(path, args.corpus)}: {o['crash'][:300]}")
            continue
        mine = collections.Counter((c, n, l) for c, n, l in o["unused"])
        their_list = theirs.get(path, [])
        their = collections.Counter((c, n, l) for c, n, l, _ in their_list)
        messages = {(c, n, l): m for c, n, l, m in their_list}
        common = mine & their
        matched += sum(common.values())
        for c, n, l in (mine - their).elements():
            only_ours += 1
            ours_only_all.append((c, n, l, rel(path, args.corpus), ""))
        for c, n, l in (their - mine).elements():
            only_theirs += 1
            theirs_only_all.append((c, n, l, rel(path, args.corpus), messages.get((c, n, l), "")))
    total = matched + only_ours + only_theirs
    rate = matched / total if total else 1.0
    classes, examples = _classify(ours_only_all, theirs_only_all)
    print(f"luacheck: {len(items)} files; {matched} findings in both, {only_ours} only ours, "
          f"{only_theirs} only luacheck")
    for k, v in classes.most_common():
        print(f"  {k}: {v}")
        for e in examples[k][:args.examples]:
            print(f"      {e}")
    print(f"lua.differential.luacheck: agreement {rate * 100:.1f}% ({matched}/{total}), "
          f"gate {args.min_agreement:.1f}%")
    failed = False
    if crashed:
        print(f"FAIL: lua_facts crashed on {len(crashed)} files")
        failed = True
    # Compared as printed, to the docs' one decimal.
    if round(rate * 100, 1) < args.min_agreement:
        print(f"FAIL: agreement {rate * 100:.1f}% is below {args.min_agreement:.1f}% "
              f"(docs/lua.md)")
        failed = True
    return 1 if failed else 0


CHECKS = {"corpus": check_corpus, "mutants": check_mutants, "globals": check_globals,
          "luacheck": check_luacheck}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("check", choices=sorted(CHECKS))
    p.add_argument("--facts", required=True, help="the lua_facts binary")
    p.add_argument("--corpus", required=True, help="a directory made by scripts/lua-corpus.sh")
    p.add_argument("--work", default=None, help="where mutants are written (default: a temp dir)")
    p.add_argument("--count", type=int, default=4000, help="mutants (default 4000)")
    p.add_argument("--count-51", type=int, default=1000,
                   help="of those, how many are also checked as Lua 5.1 (default 1000)")
    p.add_argument("--seed", type=int, default=6, help="mutant seed (default 6)")
    p.add_argument("--examples", type=int, default=5, help="luacheck: examples per class")
    p.add_argument("--min-agreement", type=float, default=LUACHECK_AGREEMENT,
                   help=f"luacheck: the agreement gate in percent (default {LUACHECK_AGREEMENT}, "
                        f"docs/lua.md's figure)")
    args = p.parse_args()
    args.corpus = os.path.abspath(args.corpus)
    temp = None
    if args.work is None:
        import tempfile
        temp = tempfile.mkdtemp(prefix="lua-differential-")
        args.work = temp
    try:
        return CHECKS[args.check](args)
    except (RuntimeError, OSError) as e:
        print(f"differential: {e}", file=sys.stderr)
        return 2
    finally:
        if temp:
            shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
