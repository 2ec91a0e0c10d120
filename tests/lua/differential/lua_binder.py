"""The oracle's own reading of Lua scopes: a small recursive-descent parser over lua_tokens that
finds every free name (a global read or write) with the line of the name token, independent of
moonring's C++ parser and binder. luac's bytecode listing then confirms it (oracle.py): per
function, the same accesses by name and kind, each compiled on or after the line of its name.

It follows the rules of lparser.c: `local x = x` reads the outer x; `local function f` sees
itself; `repeat ... until e` sees the block's locals in e; for-loop expressions are outside the
loop's scope; a method body has `self`; in 5.2+ a free name means `_ENV.name`, so under a visible
`local _ENV` it is no global at all ("env-local"), and `_ENV.x` / `_ENV["x"]` on the chunk's own
_ENV compile to the same instructions as a global ("explicit"); in 5.1 a vararg function has an
implicit local `arg` (LUA_COMPAT_VARARG, as Debian's luac5.1 is built)."""

import sys

from lua_tokens import tokenize


class LuaParseError(Exception):
    pass


class Ref:
    __slots__ = ("kind", "name", "line", "func", "cls")

    def __init__(self, kind, name, line, func, cls):
        self.kind = kind  # "get" | "set"
        self.name = name
        self.line = line  # line of the name token (for "explicit": of the key)
        self.func = func  # index of the enclosing function in preorder (0 = main chunk)
        self.cls = cls  # "global" | "explicit" | "env-local"

    def as_tuple(self):
        return (self.kind, self.name, self.line)

    def __repr__(self):
        return f"Ref({self.kind} {self.name} @{self.line} f{self.func} {self.cls})"


class Func:
    __slots__ = ("index", "line", "end_line", "parent", "blocks")

    def __init__(self, index, line, parent):
        self.index = index
        self.line = line  # line of the `function` keyword; 0 for the main chunk
        self.end_line = 0
        self.parent = parent
        self.blocks = [[]]  # stack of blocks, each a list of active local names


# Expression descriptors (what lparser's expdesc says about a name, as far as globals go).
_OTHER = ("other",)


def _unquote(tok):
    """The value of a string token when it has no escapes; None otherwise."""
    text = tok.text
    if text[0] in "\"'":
        body = text[1:-1]
        return None if "\\" in body else body
    # long string: skip the opening bracket and a first newline
    level = text.index("[", 1) + 1
    body = text[level:len(text) - level]
    if body.startswith("\r\n") or body.startswith("\n\r"):
        body = body[2:]
    elif body[:1] in ("\r", "\n"):
        body = body[1:]
    return body


class Binder:
    def __init__(self, src, version="5.4"):
        self.version = version
        self.tokens, _ = tokenize(src, version)
        self.pos = 0
        self.refs = []
        self.funcs = []
        self.func = None

    # --- tokens
    @property
    def tok(self):
        return self.tokens[self.pos]

    def peek(self, k=1):
        return self.tokens[min(self.pos + k, len(self.tokens) - 1)]

    def check(self, text):
        t = self.tok
        return t.text == text and t.kind in ("op", "keyword")

    def next(self):
        t = self.tokens[self.pos]
        if t.kind != "eof":
            self.pos += 1
        return t

    def accept(self, text):
        if self.check(text):
            return self.next()
        return None

    def expect(self, text):
        if not self.check(text):
            raise LuaParseError(f"'{text}' expected near {self.tok.text!r} at line {self.tok.line}")
        return self.next()

    def name(self):
        t = self.tok
        if t.kind != "name":
            raise LuaParseError(f"name expected near {t.text!r} at line {t.line}")
        return self.next()

    # --- scopes
    def open_func(self, line):
        f = Func(len(self.funcs), line, self.func)
        self.funcs.append(f)
        self.func = f
        return f

    def close_func(self, end_line):
        self.func.end_line = end_line
        self.func = self.func.parent

    def declare(self, name):
        self.func.blocks[-1].append(name)

    def open_block(self):
        self.func.blocks.append([])

    def close_block(self):
        self.func.blocks.pop()

    def is_local(self, name):
        f = self.func
        while f is not None:
            for block in reversed(f.blocks):
                if name in block:
                    return True
            f = f.parent
        return False

    def singlevar(self, tok):
        """A name in an expression: ("local",), ("env",) for the chunk's own _ENV, or a free
        name ("free", name, line, "global" | "env-local")."""
        name = tok.text
        if self.is_local(name):
            return ("local",)
        if self.version == "5.1":
            return ("free", name, tok.line, "global")
        if name == "_ENV":
            return ("env",)
        if self.is_local("_ENV"):
            return ("free", name, tok.line, "env-local")
        return ("free", name, tok.line, "global")

    def ref(self, kind, desc):
        if desc[0] == "free":
            _, name, line, cls = desc
            self.refs.append(Ref(kind, name, line, self.func.index, cls))
        elif desc[0] == "explicit":
            _, name, line = desc
            self.refs.append(Ref(kind, name, line, self.func.index, "explicit"))

    def discharge(self, desc):
        self.ref("get", desc)
        return _OTHER

    # --- chunk and blocks
    def chunk(self):
        self.open_func(0)
        self.declare_vararg_main()
        self.block()
        if self.tok.kind != "eof":
            raise LuaParseError(f"'<eof>' expected near {self.tok.text!r} at line {self.tok.line}")
        self.close_func(self.tok.line)
        return self

    def declare_vararg_main(self):
        pass  # the main chunk is vararg without an implicit `arg`, in 5.1 as in 5.4

    def block_follow(self, with_until=True):
        t = self.tok
        if t.kind == "eof":
            return True
        if t.kind == "keyword" and t.text in ("else", "elseif", "end"):
            return True
        return with_until and t.kind == "keyword" and t.text == "until"

    def block(self):
        """block -> {stat} [retstat]"""
        while not self.block_follow():
            if self.check("return"):
                self.retstat()
                return
            self.statement()

    def retstat(self):
        """retstat -> return [explist] [';']"""
        self.expect("return")
        if not self.block_follow() and not self.check(";"):
            self.explist()
        self.accept(";")

    def statement(self):
        t = self.tok
        if t.kind == "op":
            if t.text == ";":
                self.next()
                return
            if t.text == "::" and self.version != "5.1":
                self.next()
                self.name()
                self.expect("::")
                return
        if t.kind == "keyword":
            kw = t.text
            if kw == "if":
                return self.ifstat()
            if kw == "while":
                self.next()
                self.expr()
                self.expect("do")
                self.scoped_block()
                self.expect("end")
                return
            if kw == "do":
                self.next()
                self.scoped_block()
                self.expect("end")
                return
            if kw == "for":
                return self.forstat()
            if kw == "repeat":
                # repeat -> REPEAT block UNTIL cond, with cond inside the block's scope
                self.next()
                self.open_block()
                self.block()
                self.expect("until")
                self.expr()
                self.close_block()
                return
            if kw == "function":
                return self.funcstat()
            if kw == "local":
                self.next()
                if self.accept("function"):
                    n = self.name()
                    self.declare(n.text)
                    self.body(False, n.line)
                else:
                    self.localstat()
                return
            if kw == "return":
                raise LuaParseError(f"'return' not last at line {t.line}")
            if kw == "break":
                self.next()
                return
            if kw == "goto":
                self.next()
                self.name()
                return
        self.exprstat()

    def scoped_block(self):
        self.open_block()
        self.block()
        self.close_block()

    def ifstat(self):
        """ifstat -> IF cond THEN block {ELSEIF cond THEN block} [ELSE block] END"""
        self.expect("if")
        self.expr()
        self.expect("then")
        self.scoped_block()
        while self.accept("elseif"):
            self.expr()
            self.expect("then")
            self.scoped_block()
        if self.accept("else"):
            self.scoped_block()
        self.expect("end")

    def forstat(self):
        """forstat -> FOR (fornum | forlist) END"""
        self.expect("for")
        names = [self.name().text]
        if self.accept("="):
            self.expr()
            self.expect(",")
            self.expr()
            if self.accept(","):
                self.expr()
        else:
            while self.accept(","):
                names.append(self.name().text)
            self.expect("in")
            self.explist()
        self.expect("do")
        self.open_block()
        for n in names:
            self.declare(n)
        self.block()
        self.close_block()
        self.expect("end")

    def funcstat(self):
        """funcstat -> FUNCTION funcname body; funcname -> NAME {'.' NAME} [':' NAME]"""
        line = self.expect("function").line
        n = self.name()
        desc = self.singlevar(n)
        method = False
        while self.check(".") or self.check(":"):
            method = self.next().text == ":"
            key = self.name()
            desc = self.index(desc, key)
            if method:
                break
        self.body(method, line)
        self.ref("set", desc)

    def index(self, desc, key_tok):
        """desc '.' key: on the chunk's own _ENV an explicit global; otherwise desc is read."""
        if desc[0] == "env":
            return ("explicit", key_tok.text, key_tok.line)
        self.discharge(desc)
        return _OTHER

    def localstat(self):
        """localstat -> LOCAL NAME attrib {',' NAME attrib} ['=' explist]"""
        names = []
        while True:
            names.append(self.name().text)
            if self.version != "5.1" and self.accept("<"):
                self.name()
                self.expect(">")
            if not self.accept(","):
                break
        if self.accept("="):
            self.explist()
        for n in names:
            self.declare(n)

    def exprstat(self):
        """exprstat -> func | assignment; assignment -> suffixedexp {',' suffixedexp} '=' explist"""
        desc, is_call = self.suffixedexp()
        if self.check("=") or self.check(","):
            targets = [desc]
            while self.accept(","):
                d, _ = self.suffixedexp()
                targets.append(d)
            self.expect("=")
            self.explist()
            for d in targets:
                self.ref("set", d)
        elif not is_call:
            raise LuaParseError(f"syntax error near {self.tok.text!r} at line {self.tok.line}")

    # --- functions
    def body(self, method, line):
        """body -> '(' parlist ')' block END"""
        self.open_func(line)
        if method:
            self.declare("self")
        self.expect("(")
        if not self.check(")"):
            while True:
                if self.accept("..."):
                    if self.version == "5.1":
                        self.declare("arg")
                    break
                self.declare(self.name().text)
                if not self.accept(","):
                    break
        self.expect(")")
        self.block()
        end = self.expect("end")
        self.close_func(end.line)

    # --- expressions
    def explist(self):
        self.expr()
        while self.accept(","):
            self.expr()

    _UNOPS = frozenset(["not", "-", "#", "~"])
    _BINOPS = frozenset(["+", "-", "*", "/", "//", "%", "^", "..", "==", "~=", "<", "<=", ">",
                         ">=", "and", "or", "&", "|", "~", "<<", ">>"])

    def expr(self):
        """expr -> (simpleexp | unop expr) {binop expr}; precedence does not matter for names."""
        while True:
            while (self.tok.kind in ("op", "keyword")) and self.tok.text in self._UNOPS:
                self.next()
            self.simpleexp()
            if self.tok.kind in ("op", "keyword") and self.tok.text in self._BINOPS:
                self.next()
                continue
            return

    def simpleexp(self):
        t = self.tok
        if t.kind in ("number", "string"):
            self.next()
        elif t.kind == "keyword" and t.text in ("nil", "true", "false"):
            self.next()
        elif self.check("..."):
            self.next()
        elif self.check("{"):
            self.constructor()
        elif self.check("function"):
            self.next()
            self.body(False, t.line)
        else:
            desc, _ = self.suffixedexp()
            self.discharge(desc)

    def primaryexp(self):
        """primaryexp -> NAME | '(' expr ')'"""
        t = self.tok
        if t.kind == "name":
            self.next()
            return self.singlevar(t)
        if self.accept("("):
            self.expr()
            self.expect(")")
            return _OTHER
        raise LuaParseError(f"unexpected symbol near {t.text!r} at line {t.line}")

    def suffixedexp(self):
        """suffixedexp -> primaryexp { '.' NAME | '[' exp ']' | ':' NAME funcargs | funcargs }
        Returns the descriptor and whether the last suffix was a call."""
        desc = self.primaryexp()
        is_call = False
        while True:
            t = self.tok
            if self.check("."):
                self.next()
                desc = self.index(desc, self.name())
                is_call = False
            elif self.check("["):
                self.next()
                key = self.tok
                if (desc[0] == "env" and key.kind == "string" and self.peek().text == "]"
                        and self.peek().kind == "op"):
                    self.next()
                    value = _unquote(key)
                    desc = ("explicit", value if value is not None else key.text, key.line)
                else:
                    self.discharge(desc)
                    self.expr()
                    desc = _OTHER
                self.expect("]")
                is_call = False
            elif self.check(":"):
                self.next()
                self.name()
                self.discharge(desc)
                self.funcargs()
                desc, is_call = _OTHER, True
            elif t.kind == "string" or self.check("(") or self.check("{"):
                self.discharge(desc)
                self.funcargs()
                desc, is_call = _OTHER, True
            else:
                return desc, is_call

    def funcargs(self):
        t = self.tok
        if t.kind == "string":
            self.next()
        elif self.check("{"):
            self.constructor()
        else:
            self.expect("(")
            if not self.check(")"):
                self.explist()
            self.expect(")")

    def constructor(self):
        """constructor -> '{' [field {sep field} [sep]] '}'
        field -> '[' exp ']' '=' exp | NAME '=' exp | exp"""
        self.expect("{")
        while not self.check("}"):
            if self.check("["):
                self.next()
                self.expr()
                self.expect("]")
                self.expect("=")
                self.expr()
            elif self.tok.kind == "name" and self.peek().text == "=" and self.peek().kind == "op":
                self.next()
                self.next()
                self.expr()
            else:
                self.expr()
            if not (self.accept(",") or self.accept(";")):
                break
        self.expect("}")


def bind(src, version="5.4"):
    """Parses valid Lua and returns (refs, funcs): every free-name access and the functions in
    preorder (the order luac lists them)."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))  # deeply nested expressions
    b = Binder(src, version).chunk()
    return b.refs, b.funcs
