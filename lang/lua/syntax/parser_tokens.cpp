// The parser's token stream and error reporting: lines and wording as luac gives them.
#include <cstdio>

#include "lang/lua/syntax/parser_impl.hpp"

namespace moonring::lua {

namespace {
constexpr std::size_t kMaxErrors = 100;
}

Parser::Parser(std::string_view source, LuaVersion version, ParseResult& out)
    : lexer_(source, version, out.tree.strings_, out.tree.comments_, lex_errors_),
      version_(version),
      out_(out),
      tb_(out.tree) {}

void Parser::next() {
  last_line_ = lexer_.line();
  prev_end_ = tok_.end;
  if (has_ahead_) {
    tok_ = ahead_;
    has_ahead_ = false;
  } else {
    lexer_.next(tok_);
  }
  // Most names are interned soon after: their slot loads meanwhile.
  if (tok_.type == Tok::Name) tb_.names().prefetch(tok_.hash);
  if (lex_errors_.size() != lex_errors_seen_) take_lex_errors();
}

void Parser::take_lex_errors() {
  if (lex_errors_.size() == lex_errors_seen_) return;
  for (; lex_errors_seen_ < lex_errors_.size(); ++lex_errors_seen_) {
    const LexError& e = lex_errors_[lex_errors_seen_];
    if (out_.errors.size() >= kMaxErrors) continue;
    LineCol lc = out_.tree.lines_.position(e.offset);
    out_.errors.push_back(
        {e.line, lc.column, e.offset, e.message, SyntaxErrorKind::Syntax, e.end_offset});
  }
  failed_ = true;
}

Tok Parser::peek_ahead() {
  if (!has_ahead_) {
    lexer_.next(ahead_);
    has_ahead_ = true;
    take_lex_errors();
  }
  return ahead_.type;
}

bool Parser::test_next(Tok t) {
  if (tok_.type != t) return false;
  next();
  return true;
}

void Parser::check(Tok t) {
  if (tok_.type != t) error_expected(t);
}

void Parser::check_next(Tok t) {
  check(t);
  next();
}

void Parser::check_match(Tok what, Tok who, std::uint32_t where) {
  if (test_next(what)) return;
  std::string msg = quoted(what) + " expected";
  if (where != lexer_.line()) {
    msg += std::string(" (to close ") + quoted(who) + " at line " + std::to_string(where) + ")";
  }
  // A missing `end` or `until` is reported and taken as read, so that the construct (and the
  // functions after it) stays in the tree; other closers abandon the statement.
  if (what == Tok::End || what == Tok::Until) {
    error_at_line(msg, true);
    return;
  }
  syntax_error(msg);
}

NodeId Parser::check_name() {
  check(Tok::Name);
  NodeId n = name_node();
  next();
  return n;
}

std::string Parser::quoted(Tok t) const {
  if (version_ == LuaVersion::Lua51) {
    std::string s = token_spelling(t);
    if (s.front() == '\'') return s;
    return std::string("'") + s + "'";
  }
  return token_spelling(t);
}

std::string Parser::near_text() const {
  const std::string_view src = out_.tree.source();
  switch (tok_.type) {
    case Tok::Eof:
      return version_ == LuaVersion::Lua51 ? "'<eof>'" : "<eof>";
    case Tok::String: {
      // luac's token buffer: the delimiters around the decoded value (for a long string, the
      // newline right after the opening bracket is not part of it).
      const std::string_view value =
          std::string_view(out_.tree.strings_).substr(tok_.str_at, tok_.str_len);
      std::string open(1, src[tok_.start]), close = open;
      if (tok_.long_string) {
        std::size_t level = 0;
        while (src[tok_.start + 1 + level] == '=') ++level;
        open = std::string("[") + std::string(level, '=') + "[";
        close = std::string("]") + std::string(level, '=') + "]";
      }
      return std::string("'") + open + std::string(value) + close + "'";
    }
    case Tok::Name:
    case Tok::Number:
      return std::string("'") + std::string(src.substr(tok_.start, tok_.end - tok_.start)) + "'";
    case Tok::Other: {
      auto c = static_cast<unsigned char>(src[tok_.start]);
      char buf[24];
      if (version_ == LuaVersion::Lua51) {
        if (c < 32 || c == 127) {
          std::snprintf(buf, sizeof buf, "'char(%d)'", c);
        } else {
          std::snprintf(buf, sizeof buf, "'%c'", c);
        }
      } else if (c >= 32 && c < 127) {
        std::snprintf(buf, sizeof buf, "'%c'", c);
      } else {
        std::snprintf(buf, sizeof buf, "'<\\%d>'", c);
      }
      return buf;
    }
    default:
      return token_spelling(tok_.type);
  }
}

bool Parser::errors_full() const {
  return out_.errors.size() >= kMaxErrors;
}

void Parser::error_at_line(const std::string& msg, bool with_near) {
  if (errors_full()) return;  // semantic_error would drop it
  semantic_error(with_near ? msg + " near " + near_text() : msg, SyntaxErrorKind::Syntax,
                 {tok_.start, tok_.end});
}

void Parser::semantic_error(const std::string& msg, SyntaxErrorKind kind, Range range) {
  if (out_.errors.size() >= kMaxErrors) return;
  failed_ = true;
  LineCol lc = out_.tree.lines_.position(range.start);
  out_.errors.push_back({lexer_.line(), lc.column, range.start, msg, kind, range.end});
  cut_near_at_nul(out_.errors.back().message);
}

void Parser::syntax_error(const std::string& msg) {
  error_at_line(msg, true);
  throw ParseAbort{};
}

void Parser::error_expected(Tok t) {
  syntax_error(quoted(t) + " expected");
}

void Parser::enter_level() {
  // luac 5.4 fails with "C stack overflow" at 199 nested levels (statements, sub-expressions,
  // assignment targets); 5.1 with "chunk has too many syntax levels" at 200 (blocks and
  // sub-expressions). Either way the parse stops there, which also bounds our own recursion.
  ++depth_;
  const bool v51 = version_ == LuaVersion::Lua51 || version_ == LuaVersion::LuaJIT;
  if (depth_ >= (v51 ? 200 : 199)) {
    --depth_;
    if (v51) {
      error_at_line("chunk has too many syntax levels", false);
    } else {
      error_at_line("C stack overflow", false);
    }
    throw ParseAbort{};
  }
}

bool Parser::block_follow(bool with_until) const {
  switch (tok_.type) {
    case Tok::Else:
    case Tok::Elseif:
    case Tok::End:
    case Tok::Eof:
      return true;
    case Tok::Until:
      return with_until;
    default:
      return false;
  }
}

void Parser::recover() {
  // Skip to something a statement list can go on from: a statement keyword, or what ends a
  // block (left for the construct it closes). Anything else goes, at least one token, so
  // recovery always makes progress.
  switch (tok_.type) {
    case Tok::Eof:
    case Tok::End:
    case Tok::Else:
    case Tok::Elseif:
    case Tok::Until:
      return;
    default:
      break;
  }
  for (;;) {
    next();
    switch (tok_.type) {
      case Tok::Eof:
      case Tok::End:
      case Tok::Else:
      case Tok::Elseif:
      case Tok::Until:
      case Tok::Local:
      case Tok::Function:
      case Tok::If:
      case Tok::While:
      case Tok::For:
      case Tok::Repeat:
      case Tok::Do:
      case Tok::Return:
        return;
      default:
        break;
    }
  }
}

}  // namespace moonring::lua
