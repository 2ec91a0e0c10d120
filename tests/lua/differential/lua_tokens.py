"""A Lua tokenizer for the differential tests' oracle side, written from the reference manual and
independent of moonring's C++ lexer. It reads valid Lua (5.1 to 5.4): the corpus files luac
accepts. Every token keeps its byte range and the lines it starts and ends on, so mutants can be
made by splicing the original text, and accesses can be placed on the line of the name itself."""

import re

KEYWORDS_54 = frozenset(
    "and break do else elseif end false for function goto if in local nil not or repeat return "
    "then true until while".split())
KEYWORDS_51 = KEYWORDS_54 - {"goto"}

# Longest first, so that '...' wins over '..' and '.'.
OPERATORS = ("...", "..", "==", "~=", "<=", ">=", "<<", ">>", "//", "::", "+", "-", "*", "/",
             "%", "^", "#", "&", "~", "|", "<", ">", "=", "(", ")", "{", "}", "[", "]", ";",
             ":", ",", ".")

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LONG_OPEN = re.compile(r"\[(=*)\[")
_SPACE = " \t\v\f"
_DIGITS = "0123456789"


class LuaTokenError(Exception):
    """The text is not valid Lua at the token level (only for input luac would reject too)."""


class Token:
    __slots__ = ("kind", "text", "start", "end", "line", "end_line")

    def __init__(self, kind, text, start, end, line, end_line):
        self.kind = kind  # "name", "keyword", "number", "string", "op", "eof"
        self.text = text
        self.start = start  # byte offsets into the source: [start, end)
        self.end = end
        self.line = line  # 1-based line of the first byte
        self.end_line = end_line  # line of the last byte

    def __repr__(self):
        return f"Token({self.kind}, {self.text!r}, line {self.line})"


def _skip_newline(src, i):
    """At a newline: the index after it ('\\r\\n' and '\\n\\r' are one newline)."""
    c = src[i]
    i += 1
    if i < len(src) and src[i] in "\r\n" and src[i] != c:
        i += 1
    return i


def _count_lines(src, start, end):
    """The number of line breaks in src[start:end], counted as Lua counts them."""
    n = 0
    i = start
    while i < end:
        c = src[i]
        if c in "\r\n":
            i = _skip_newline(src, i)
            n += 1
        else:
            i += 1
    return n


def _long_bracket_end(src, i, level):
    """src[i:] starts just after an opening long bracket of `level`: the index after the closer."""
    closer = "]" + "=" * level + "]"
    j = src.find(closer, i)
    if j < 0:
        raise LuaTokenError("unfinished long string or comment")
    return j + len(closer)


def _short_string_end(src, i):
    """src[i] is the opening quote: the index after the closing one."""
    quote = src[i]
    i += 1
    n = len(src)
    while i < n:
        c = src[i]
        if c == quote:
            return i + 1
        if c == "\\":
            i += 1
            if i < n and src[i] in "\r\n":
                i = _skip_newline(src, i)
            elif i < n and src[i] == "z":  # \z skips the blanks and newlines after it
                i += 1
                while i < n and src[i] in " \t\v\f\r\n":
                    i += 1
            else:
                i += 1  # the escaped character; \z, \x.., \ddd, \u{..} continue as plain text
        elif c in "\r\n":
            raise LuaTokenError("unfinished string")
        else:
            i += 1
    raise LuaTokenError("unfinished string")


def _numeral_end(src, i):
    """Lua's read_numeral: greedy over hex digits, '.', and an exponent mark with its sign."""
    n = len(src)
    expo = "Ee"
    if src.startswith(("0x", "0X"), i):
        expo = "Pp"
        i += 2
    while i < n:
        c = src[i]
        if c in expo:
            i += 1
            if i < n and src[i] in "+-":
                i += 1
        elif c.isascii() and (c.isalnum() or c == "." or c == "_"):
            # luac consumes hex digits and '.', then one more alphanumeric "to force an error";
            # valid code never has letters here beyond hex digits and suffixes.
            i += 1
        else:
            break
    return i


def tokenize(src, version="5.4"):
    """Returns the tokens of `src` (a str, one char per byte: decode with latin-1) ending with an
    "eof" token, and the comments as (start, end, line) triples. A first line starting with '#' is
    skipped, as luaL_loadfile does."""
    keywords = KEYWORDS_51 if version == "5.1" else KEYWORDS_54
    tokens = []
    comments = []
    i = 0
    n = len(src)
    line = 1
    if src.startswith("#"):
        while i < n and src[i] not in "\r\n":
            i += 1
    while True:
        # blanks, newlines and comments
        while i < n:
            c = src[i]
            if c in _SPACE:
                i += 1
            elif c in "\r\n":
                i = _skip_newline(src, i)
                line += 1
            elif c == "-" and src.startswith("--", i):
                start, start_line = i, line
                m = _LONG_OPEN.match(src, i + 2)
                if m:
                    i = _long_bracket_end(src, m.end(), len(m.group(1)))
                    line += _count_lines(src, start, i)
                else:
                    while i < n and src[i] not in "\r\n":
                        i += 1
                comments.append((start, i, start_line))
            else:
                break
        if i >= n:
            tokens.append(Token("eof", "<eof>", n, n, line, line))
            return tokens, comments
        c = src[i]
        start, start_line = i, line
        if c.isascii() and (c.isalpha() or c == "_"):
            m = _NAME.match(src, i)
            i = m.end()
            text = m.group(0)
            kind = "keyword" if text in keywords else "name"
        elif c in _DIGITS or (c == "." and i + 1 < n and src[i + 1] in _DIGITS):
            i = _numeral_end(src, i)
            kind = "number"
        elif c in "\"'":
            i = _short_string_end(src, i)
            kind = "string"
            line += _count_lines(src, start, i)
        elif c == "[" and _LONG_OPEN.match(src, i):
            m = _LONG_OPEN.match(src, i)
            i = _long_bracket_end(src, m.end(), len(m.group(1)))
            kind = "string"
            line += _count_lines(src, start, i)
        else:
            for op in OPERATORS:
                if src.startswith(op, i):
                    i += len(op)
                    kind = "op"
                    break
            else:
                raise LuaTokenError(f"unexpected symbol {c!r} at line {line}")
        tokens.append(Token(kind, src[start:i], start, i, start_line, line))


def read_source(path):
    """A file's bytes as a str with one char per byte (latin-1), so offsets are byte offsets."""
    with open(path, "rb") as f:
        return f.read().decode("latin-1")
