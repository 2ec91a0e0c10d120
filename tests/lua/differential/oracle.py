"""The official toolchain as oracle: luac's verdict (`luac5.4 -p`, `luac5.1 -p`), the global
accesses in luac's bytecode listing (`luac -l -l`) placed on the line of each name token, and
luacheck's unused-variable warnings."""

import collections
import os
import re
import subprocess

from lua_binder import LuaParseError, bind
from lua_tokens import LuaTokenError, read_source

LUAC = {"5.4": "luac5.4", "5.1": "luac5.1"}


class Verdict:
    __slots__ = ("ok", "line", "message")

    def __init__(self, ok, line=0, message=""):
        self.ok = ok
        self.line = line
        self.message = message

    def __repr__(self):
        return "ok" if self.ok else f"error line {self.line}: {self.message}"


_ERROR = re.compile(r"^luac5\.[14]: (.*?):(\d+): (.*)$", re.S)


def luac_verdict(path, version="5.4"):
    """`luac -p FILE`: ok, or the line and message of the first error."""
    luac = LUAC[version]
    r = subprocess.run([luac, "-p", "--", path], capture_output=True)
    if r.returncode == 0:
        return Verdict(True)
    err = r.stderr.decode("latin-1").rstrip("\n")
    m = _ERROR.match(err)
    if not m:
        raise RuntimeError(f"{luac} -p {path}: unexpected output {err!r}")
    return Verdict(False, int(m.group(2)), m.group(3))


# ---------------------------------------------------------------------------------------------
# The bytecode listing

class LuacFunction:
    __slots__ = ("line", "end_line", "nchildren", "children", "parent", "code", "constants",
                 "locals", "upvalues", "real_env")

    def __init__(self, line, end_line, nchildren):
        self.line = line
        self.end_line = end_line
        self.nchildren = nchildren
        self.children = []
        self.parent = None
        self.code = []  # (pc, line, opcode, operands)
        self.constants = {}  # index -> value (strings decoded; other kinds as None)
        self.locals = []  # (name, startpc, endpc): active for startpc <= pc < endpc (listing pcs)
        self.upvalues = []  # (name, instack, idx)
        self.real_env = set()  # indices of upvalues that are the chunk's own _ENV


_HEADER = re.compile(r"^(main|function) <.*:(\d+),(\d+)> \(")
_COUNTS = re.compile(r"(\d+) functions?$")
_INSTR = re.compile(r"^\t(\d+)\t\[(-|\d+)\]\t(\w+)\s*\t?([^;]*)")
_SECTION = re.compile(r"^(constants|locals|upvalues) \((\d+)\) for ")
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
            "\\": "\\", '"': '"'}


def _decode_luac_string(text):
    """Undoes luac's PrintString: the text between the quotes, with \\n, \\ddd and the like."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            d = text[i + 1]
            if d in _ESCAPES:
                out.append(_ESCAPES[d])
                i += 2
                continue
            m = re.match(r"\d{1,3}", text[i + 1:])
            if m:
                out.append(chr(int(m.group(0))))
                i += 1 + m.end()
                continue
        out.append(c)
        i += 1
    return "".join(out)


def _parse_listing(text, version):
    funcs = []
    cur = None
    section = None
    for raw in text.split("\n"):
        m = _HEADER.match(raw)
        if m:
            cur = LuacFunction(int(m.group(2)), int(m.group(3)), 0)
            funcs.append(cur)
            section = "header"
            continue
        if cur is None or not raw:
            continue
        if section == "header":
            m = _COUNTS.search(raw)
            if not m:
                raise RuntimeError(f"luac listing: unexpected line {raw!r}")
            cur.nchildren = int(m.group(1))
            section = "code"
            continue
        m = _SECTION.match(raw)
        if m:
            section = m.group(1)
            continue
        fields = raw.split("\t")
        if section == "code":
            m = _INSTR.match(raw)
            if not m:
                raise RuntimeError(f"luac listing: unexpected instruction {raw!r}")
            line = -1 if m.group(2) == "-" else int(m.group(2))
            operands = [int(x.rstrip("k")) for x in m.group(4).split()]
            cur.code.append((int(m.group(1)), line, m.group(3), operands))
        elif section == "constants":
            # 5.4: "\tIDX\tTYPE\tVALUE" (0-based); 5.1: "\tIDX\tVALUE" (1-based)
            idx = int(fields[1])
            value = fields[-1]
            if version == "5.1":
                idx -= 1
            kind_s = version == "5.1" or fields[2] == "S"
            if kind_s and value.startswith('"') and value.endswith('"') and len(value) >= 2:
                cur.constants[idx] = _decode_luac_string(value[1:-1])
            else:
                cur.constants[idx] = None
        elif section == "locals":
            cur.locals.append((fields[2], int(fields[3]), int(fields[4])))
        elif section == "upvalues":
            if version == "5.1":
                cur.upvalues.append((fields[2], 0, 0))
            else:
                cur.upvalues.append((fields[2], int(fields[3]), int(fields[4])))
    if not funcs:
        raise RuntimeError("luac listing: no function")
    # Preorder with child counts -> tree.
    stack = []
    for f in funcs:
        while stack and len(stack[-1].children) == stack[-1].nchildren:
            stack.pop()
        if stack:
            f.parent = stack[-1]
            stack[-1].children.append(f)
        stack.append(f)
    # The chunk's own _ENV: main's upvalue 0, and every upvalue that reaches it through enclosing
    # functions' upvalues (instack 0). An upvalue in the parent's stack (instack 1) is a local of
    # the parent, such as a `local _ENV`.
    if version != "5.1":
        for f in funcs:
            if f.parent is None:
                f.real_env = {0} if f.upvalues else set()
            else:
                f.real_env = {i for i, (_, instack, idx) in enumerate(f.upvalues)
                              if instack == 0 and idx in f.parent.real_env}
    return funcs


def luac_listing(path, version="5.4"):
    r = subprocess.run([LUAC[version], "-l", "-l", "-o", os.devnull, "--", path],
                       capture_output=True)
    if r.returncode != 0:
        raise RuntimeError(f"luac -l {path}: {r.stderr.decode('latin-1').strip()}")
    return _parse_listing(r.stdout.decode("latin-1"), version)


# 5.4 opcodes that write no register, and those that write a run of registers from A.
_NO_WRITE = frozenset("SETTABUP SETTABLE SETI SETFIELD SETUPVAL SETLIST JMP EQ LT LE EQK EQI LTI "
                      "LEI GTI GEI TEST RETURN RETURN0 RETURN1 CLOSE TBC EXTRAARG VARARGPREP MMBIN "
                      "MMBINI MMBINK".split())
_WRITE_FROM_A = frozenset("CALL TAILCALL VARARG LOADNIL TFORCALL TFORPREP TFORLOOP FORPREP FORLOOP "
                          "SELF".split())


def _accesses_54(f):
    """The global accesses of one 5.4 function: (kind, name, luac line)."""
    out = []
    consts = f.constants

    def key(i):
        return consts.get(i)

    regs = {}  # register -> ("env",) | ("k", constant): what a temporary holds

    def held_key(r):
        held = regs.get(r)
        return held[1] if held and held[0] == "k" else None

    def nactive(pc):
        return sum(1 for _, s, e in f.locals if s <= pc < e)

    code = f.code
    for n, (pc, line, op, a) in enumerate(code):
        if op == "GETTABUP" and a[1] in f.real_env and isinstance(key(a[2]), str):
            out.append(("get", key(a[2]), line))
        elif op == "SETTABUP" and a[0] in f.real_env and isinstance(key(a[1]), str):
            out.append(("set", key(a[1]), line))
        elif op in ("GETTABLE", "GETFIELD"):
            t = regs.get(a[1])
            k = key(a[2]) if op == "GETFIELD" else held_key(a[2])
            if t == ("env",) and a[1] >= nactive(pc) and isinstance(k, str):
                out.append(("get", k, line))
        elif op in ("SETTABLE", "SETFIELD"):
            t = regs.get(a[0])
            k = key(a[1]) if op == "SETFIELD" else held_key(a[1])
            if t == ("env",) and a[0] >= nactive(pc) and isinstance(k, str):
                out.append(("set", k, line))
        # what this instruction leaves in the registers
        if op in _NO_WRITE:
            continue
        if op in _WRITE_FROM_A:
            for r in [r for r in regs if r >= a[0]]:
                del regs[r]
            continue
        if op == "GETUPVAL" and a[1] in f.real_env:
            regs[a[0]] = ("env",)
        elif op == "LOADK":
            regs[a[0]] = ("k", key(a[1]))
        elif op == "LOADKX" and n + 1 < len(code) and code[n + 1][2] == "EXTRAARG":
            regs[a[0]] = ("k", key(code[n + 1][3][0]))
        else:
            regs.pop(a[0], None)
    return out


def _accesses_51(f):
    out = []
    for _, line, op, a in f.code:
        if op in ("GETGLOBAL", "SETGLOBAL"):
            name = f.constants.get(-1 - a[1])
            if isinstance(name, str):
                out.append(("get" if op == "GETGLOBAL" else "set", name, line))
    return out


class OracleMismatch(Exception):
    """The oracle's own two halves (luac's listing and the token-level binder) disagree."""


def global_accesses(path, version="5.4"):
    """The global reads and writes of a valid file, each on the line of its name token, confirmed
    by luac's listing. Returns (globals, explicit, env_local): lists of (kind, name, line);
    `explicit` are `_ENV.x`/`_ENV["x"]` on the chunk's own _ENV (the same instructions as a
    global), `env_local` the free names under a `local _ENV` (no global at all)."""
    src = read_source(path)
    try:
        refs, pfuncs = bind(src, version)
    except (LuaParseError, LuaTokenError) as e:
        raise OracleMismatch(f"the oracle's binder cannot read the file: {e}")
    lfuncs = luac_listing(path, version)
    if len(lfuncs) != len(pfuncs):
        raise OracleMismatch(f"{len(pfuncs)} functions in the binder, {len(lfuncs)} in luac")
    for pf, lf in zip(pfuncs, lfuncs):
        if pf.index and (pf.line, pf.end_line) != (lf.line, lf.end_line):
            raise OracleMismatch(f"function {pf.index}: binder lines {pf.line}-{pf.end_line}, "
                                 f"luac {lf.line}-{lf.end_line}")
    per_func = collections.defaultdict(list)
    for r in refs:
        if r.cls in ("global", "explicit"):
            per_func[r.func].append(r)
    for i, lf in enumerate(lfuncs):
        luac = collections.defaultdict(list)
        for kind, name, line in (_accesses_51(lf) if version == "5.1" else _accesses_54(lf)):
            luac[(kind, name)].append(line)
        ours = collections.defaultdict(list)
        for r in per_func[i]:
            ours[(r.kind, r.name)].append(r.line)
        for k in set(luac) | set(ours):
            a, b = sorted(ours.get(k, [])), sorted(luac.get(k, []))
            if len(a) != len(b):
                raise OracleMismatch(f"function {i} ({lf.line}-{lf.end_line}): {k[0]} {k[1]}: "
                                     f"binder lines {a}, luac lines {b}")
            # luac stamps an access with the line of the last token read, never an earlier one.
            if any(x > y for x, y in zip(a, b)):
                raise OracleMismatch(f"function {i}: {k[0]} {k[1]}: binder lines {a} after "
                                     f"luac lines {b}")
    pick = lambda cls: [r.as_tuple() for r in refs if r.cls == cls]
    return pick("global"), pick("explicit"), pick("env-local")


# ---------------------------------------------------------------------------------------------
# luacheck

# luacheck's codes for our three: W21x "unused", W23x "never accessed" (assigned, never read),
# which our unused-* codes include.
LUACHECK_CODES = {"211": "unused-local", "212": "unused-arg", "213": "unused-loop-var",
                  "231": "unused-local", "232": "unused-arg", "233": "unused-loop-var"}
_LUACHECK_LINE = re.compile(r"^(.*):(\d+):(\d+): \(W(\d+)\) (.*)$")
_QUOTED = re.compile(r"'([^']*)'")


LUACHECK_CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "luacheckrc")


def without_inline_options(src):
    """The text with luacheck's inline options ("-- luacheck: ignore ...") made inert, the same
    length and lines: moonring does not read them, so the comparison is of the analyses alone."""
    return src.replace("luacheck:", "luacheck_")


def luacheck_unused(paths):
    """luacheck's unused-variable warnings in our rules' terms (luacheckrc: names starting with
    '_' and the implicit self exempt): {path: [(our code, name, line, luacheck's message)]}."""
    result = {p: [] for p in paths}
    if not paths:
        return result
    cmd = ["luacheck", "--config", LUACHECK_CONFIG, "--no-default-config", "--no-cache",
           "--formatter=plain", "--codes", "--no-color", "--"] + list(paths)
    r = subprocess.run(cmd, capture_output=True)
    if r.returncode not in (0, 1, 2):
        raise RuntimeError(f"luacheck failed ({r.returncode}): {r.stderr.decode()[:500]}")
    for raw in r.stdout.decode("latin-1").splitlines():
        m = _LUACHECK_LINE.match(raw)
        if not m:
            continue
        path, line, _, code, message = m.groups()
        q = _QUOTED.search(message)
        if path in result and code in LUACHECK_CODES and q:
            result[path].append((LUACHECK_CODES[code], q.group(1), int(line), message))
    return result
