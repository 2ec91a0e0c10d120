// The Lua lexer: tokens, names, strings, escapes and comments (numerals: lexer_numeral.cpp). Each
// version's quirks follow its llex.c, checked against luac5.4/luac5.1: which escapes exist and
// where each error stands.
#include "lang/lua/syntax/lexer.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "lang/lua/syntax/lexer_chars.hpp"

namespace moonring::lua {

using namespace lex;

namespace {

constexpr std::string_view kReserved[] = {"and",   "break", "do",       "else", "elseif", "end",
                                          "false", "for",   "function", "goto", "if",     "in",
                                          "local", "nil",   "not",      "or",   "repeat", "return",
                                          "then",  "true",  "until",    "while"};

// For each first letter, the words of kReserved (in alphabetical order) that start with it: a
// name is compared with two of them at most, not with all 22.
struct ReservedRange {
  std::uint8_t begin = 0;
  std::uint8_t end = 0;
};
constexpr std::array<ReservedRange, 26> make_reserved_ranges() {
  std::array<ReservedRange, 26> ranges{};
  for (std::size_t i = std::size(kReserved); i-- > 0;) {
    ReservedRange& r = ranges[static_cast<std::size_t>(kReserved[i][0] - 'a')];
    if (r.end == 0) r.end = static_cast<std::uint8_t>(i + 1);
    r.begin = static_cast<std::uint8_t>(i);
  }
  return ranges;
}
constexpr std::array<ReservedRange, 26> kReservedByLetter = make_reserved_ranges();

void append_utf8(std::string& out, std::uint32_t x) {
  // Lua's luaO_utf8esc: up to 6 bytes (values up to 2^31).
  if (x < 0x80) {
    out += static_cast<char>(x);
    return;
  }
  char buf[8];
  int n = 1;
  std::uint32_t mfb = 0x3f;
  do {
    buf[8 - n++] = static_cast<char>(0x80 | (x & 0x3f));
    x >>= 6;
    mfb >>= 1;
  } while (x > mfb);
  buf[8 - n] = static_cast<char>((~mfb << 1) | x);
  out.append(buf + 8 - n, static_cast<std::size_t>(n));
}

}  // namespace

std::string token_spelling(Tok t) {
  if (t == Tok::Eof) return "<eof>";
  if (t >= Tok::And && t <= Tok::While) {
    return std::string("'") +
           std::string(kReserved[static_cast<int>(t) - static_cast<int>(Tok::And)]) + "'";
  }
  switch (t) {
    case Tok::Concat:
      return "'..'";
    case Tok::Dots:
      return "'...'";
    case Tok::Eq:
      return "'=='";
    case Tok::Ge:
      return "'>='";
    case Tok::Le:
      return "'<='";
    case Tok::Ne:
      return "'~='";
    case Tok::Shl:
      return "'<<'";
    case Tok::Shr:
      return "'>>'";
    case Tok::IDiv:
      return "'//'";
    case Tok::DbColon:
      return "'::'";
    case Tok::Plus:
      return "'+'";
    case Tok::Minus:
      return "'-'";
    case Tok::Star:
      return "'*'";
    case Tok::Slash:
      return "'/'";
    case Tok::Percent:
      return "'%'";
    case Tok::Caret:
      return "'^'";
    case Tok::Hash:
      return "'#'";
    case Tok::Amp:
      return "'&'";
    case Tok::Tilde:
      return "'~'";
    case Tok::Pipe:
      return "'|'";
    case Tok::Lt:
      return "'<'";
    case Tok::Gt:
      return "'>'";
    case Tok::Assign:
      return "'='";
    case Tok::LParen:
      return "'('";
    case Tok::RParen:
      return "')'";
    case Tok::LBrace:
      return "'{'";
    case Tok::RBrace:
      return "'}'";
    case Tok::LBracket:
      return "'['";
    case Tok::RBracket:
      return "']'";
    case Tok::Semi:
      return "';'";
    case Tok::Colon:
      return "':'";
    case Tok::Comma:
      return "','";
    case Tok::Dot:
      return "'.'";
    case Tok::Name:
      return "<name>";
    case Tok::String:
      return "<string>";
    case Tok::Number:
      return "<number>";
    default:
      return "?";
  }
}

Lexer::Lexer(std::string_view source, LuaVersion version, std::string& strings,
             std::vector<Comment>& comments, std::vector<LexError>& errors)
    : src_(source),
      size_(static_cast<std::uint32_t>(source.size())),
      version_(version),
      strings_(strings),
      comments_(comments),
      errors_(errors) {
  // What luaL_loadfile skips: a UTF-8 BOM (not 5.1), then a first line starting with '#'
  // (up to '\n' only; the '\n' stays, so line numbers are kept).
  if (version_ != LuaVersion::Lua51 && src_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
  if (pos_ < size_ && src_[pos_] == '#') {
    while (pos_ < size_ && src_[pos_] != '\n') ++pos_;
  }
}

void Lexer::newline() {
  char old = src_[pos_++];
  if (pos_ < size_ && (src_[pos_] == '\n' || src_[pos_] == '\r') && src_[pos_] != old) ++pos_;
  ++line_;
}

void cut_near_at_nul(std::string& message) {
  const std::size_t nul = message.find('\0');
  if (nul == std::string::npos) return;
  message.resize(nul);
  message += '\'';
}

void Lexer::error(std::string message, std::uint32_t from) {
  cut_near_at_nul(message);
  errors_.push_back({from, line_, std::move(message), std::max(from, pos_)});
}

Tok Lexer::name_or_keyword(std::string_view w) const {
  if (w.size() < 2 || w.size() > 8 || w[0] < 'a' || w[0] > 'w') return Tok::Name;
  const ReservedRange range = kReservedByLetter[static_cast<std::size_t>(w[0] - 'a')];
  for (std::size_t i = range.begin; i < range.end; ++i) {
    const std::string_view word = kReserved[i];
    if (word.size() != w.size()) continue;
    // A byte loop: the words are short, and a memcmp call per candidate cost more than the match.
    std::size_t k = 1;
    while (k < w.size() && word[k] == w[k]) ++k;
    if (k == w.size()) {
      Tok t = static_cast<Tok>(static_cast<int>(Tok::And) + static_cast<int>(i));
      if (t == Tok::Goto && !has_goto(version_)) return Tok::Name;
      return t;
    }
  }
  return Tok::Name;
}

int Lexer::long_bracket(std::uint32_t* eqs) {
  // At '['.
  std::uint32_t p = pos_ + 1;
  while (p < size_ && src_[p] == '=') ++p;
  std::uint32_t n = p - pos_ - 1;
  *eqs = n;
  if (p < size_ && src_[p] == '[') {
    pos_ = p + 1;
    return static_cast<int>(n);
  }
  pos_ = p;
  return -1;
}

void Lexer::long_string(Token& t, int level, bool comment, std::uint32_t start) {
  const std::uint32_t first_line = line_;
  if (at_newline()) newline();  // a first newline is skipped
  const std::uint32_t body = pos_;
  std::string* out = comment ? nullptr : &strings_;
  const std::size_t out_start = strings_.size();
  std::uint32_t run = pos_;  // bytes copied verbatim up to here
  auto flush = [&](std::uint32_t upto) {
    if (out) out->append(src_.data() + run, upto - run);
  };
  for (;;) {
    if (pos_ >= size_) {
      flush(pos_);
      const char* what = comment ? "comment" : "string";
      std::string msg = std::string("unfinished long ") + what;
      if (version_ != LuaVersion::Lua51 && version_ != LuaVersion::LuaJIT) {
        msg += std::string(" (starting at line ") + std::to_string(first_line) + ")";
      }
      error(msg + " near " + eof_near(), start);
      t.end = pos_;
      if (comment) comments_.push_back({{start, pos_}, {body, pos_}, true});
      t.str_at = static_cast<std::uint32_t>(out_start);
      t.str_len = static_cast<std::uint32_t>(strings_.size() - out_start);
      return;
    }
    char c = src_[pos_];
    if (c == ']') {
      std::uint32_t p = pos_ + 1;
      while (p < size_ && src_[p] == '=') ++p;
      if (p < size_ && src_[p] == ']' && static_cast<int>(p - pos_ - 1) == level) {
        flush(pos_);
        if (comment) comments_.push_back({{start, p + 1}, {body, pos_}, true});
        pos_ = p + 1;
        t.end = pos_;
        t.str_at = static_cast<std::uint32_t>(out_start);
        t.str_len = static_cast<std::uint32_t>(strings_.size() - out_start);
        return;
      }
      pos_ = p;  // lparser's skip_sep: the '=' are part of the contents
    } else if (c == '\n' || c == '\r') {
      flush(pos_);
      if (out) *out += '\n';
      newline();
      run = pos_;
    } else if (c == '[' && version_ == LuaVersion::Lua51 && level == 0) {
      // 5.1 (LUA_COMPAT_LSTR): '[[' inside a level-0 long string or comment is an error.
      std::uint32_t p = pos_ + 1;
      while (p < size_ && src_[p] == '=') ++p;
      if (p < size_ && src_[p] == '[' && p == pos_ + 1) {
        error("nesting of [[...]] is deprecated near '['", pos_);
      }
      pos_ = p;
    } else {
      ++pos_;
    }
  }
}

void Lexer::escape(std::uint32_t string_start, std::size_t out_start) {
  // At the character after '\'. Appends the value to strings_ and leaves the scanner after it.
  const bool v51 = version_ == LuaVersion::Lua51;
  const std::uint32_t esc_start = pos_ - 1;
  // luac's message shows its token buffer: the quote, the string decoded so far, and the raw
  // escape up to where it failed.
  auto near = [&] {
    return std::string(1, src_[string_start]) + strings_.substr(out_start) +
           std::string(src_.substr(esc_start, pos_ - esc_start));
  };
  auto fail = [&](const char* msg) {
    // esccheck: the offending character joins the buffer (and is consumed), unless it is the
    // end of the source.
    if (pos_ < size_ && !at_newline()) ++pos_;
    error(std::string(msg) + " near '" + near() + "'", string_start);
  };
  int c = cur();
  switch (c) {
    case 'a':
      strings_ += '\a';
      ++pos_;
      return;
    case 'b':
      strings_ += '\b';
      ++pos_;
      return;
    case 'f':
      strings_ += '\f';
      ++pos_;
      return;
    case 'n':
      strings_ += '\n';
      ++pos_;
      return;
    case 'r':
      strings_ += '\r';
      ++pos_;
      return;
    case 't':
      strings_ += '\t';
      ++pos_;
      return;
    case 'v':
      strings_ += '\v';
      ++pos_;
      return;
    case '\\':
    case '"':
    case '\'':
      strings_ += static_cast<char>(c);
      ++pos_;
      return;
    case '\n':
    case '\r':
      strings_ += '\n';
      newline();
      return;
    case -1:
      return;  // "unfinished string" comes next
    default:
      break;
  }
  if (c == 'x' && has_hex_escape(version_)) {
    ++pos_;
    int r = 0;
    for (int i = 0; i < 2; ++i) {
      if (!is_xdigit(cur())) return fail("hexadecimal digit expected");
      r = r * 16 + hex_value(cur());
      ++pos_;
    }
    strings_ += static_cast<char>(r);
    return;
  }
  if (c == 'z' && has_hex_escape(version_)) {
    ++pos_;
    while (is_space(cur())) {
      if (at_newline()) {
        newline();
      } else {
        ++pos_;
      }
    }
    return;
  }
  if (c == 'u' && has_utf8_escape(version_)) {
    ++pos_;
    if (cur() != '{') return fail("missing '{'");
    ++pos_;
    if (!is_xdigit(cur())) return fail("hexadecimal digit expected");
    const std::uint64_t limit = version_ == LuaVersion::Lua54 ? 0x7FFFFFFFu : 0x10FFFFu;
    std::uint64_t r = 0;
    while (is_xdigit(cur())) {
      r = r * 16 + static_cast<std::uint64_t>(hex_value(cur()));
      if (r > limit) return fail("UTF-8 value too large");
      ++pos_;
    }
    if (cur() != '}') return fail("missing '}'");
    ++pos_;
    append_utf8(strings_, static_cast<std::uint32_t>(r));
    return;
  }
  if (is_digit(c)) {
    int r = 0;
    for (int i = 0; i < 3 && is_digit(cur()); ++i) {
      r = r * 10 + (cur() - '0');
      ++pos_;
    }
    if (r > 255) {
      if (v51) {  // 5.1's buffer holds neither the backslash nor the digits
        error(std::string("escape sequence too large near '") + std::string(1, src_[string_start]) +
                  strings_.substr(out_start) + "'",
              string_start);
      } else {
        fail(version_ == LuaVersion::LuaJIT ? "invalid escape sequence"
                                            : "decimal escape too large");
      }
      return;
    }
    strings_ += static_cast<char>(r);
    return;
  }
  if (v51) {  // 5.1 takes any other escaped character as itself (\z too)
    strings_ += static_cast<char>(c);
    ++pos_;
    return;
  }
  fail("invalid escape sequence");
}

void Lexer::short_string(Token& t, char quote) {
  const std::uint32_t start = pos_++;
  const std::size_t out_start = strings_.size();
  for (;;) {
    std::uint32_t run = pos_;
    while (pos_ < size_) {
      char c = src_[pos_];
      if (c == quote || c == '\\' || c == '\n' || c == '\r') break;
      ++pos_;
    }
    strings_.append(src_.data() + run, pos_ - run);
    if (pos_ >= size_) {
      error(std::string("unfinished string near ") + eof_near(), start);
      break;
    }
    char c = src_[pos_];
    if (c == quote) {
      ++pos_;
      break;
    }
    if (c == '\n' || c == '\r') {
      error(std::string("unfinished string near '") + std::string(1, quote) +
                strings_.substr(out_start) + "'",
            start);
      break;  // the newline is left for the next token
    }
    ++pos_;  // the backslash
    std::size_t errors_before = errors_.size();
    escape(start, out_start);
    if (errors_.size() != errors_before) {
      // Recovery: skip to the closing quote on this line.
      while (pos_ < size_ && src_[pos_] != quote && src_[pos_] != '\n' && src_[pos_] != '\r') {
        ++pos_;
      }
      if (pos_ < size_ && src_[pos_] == quote) ++pos_;
      break;
    }
  }
  t.end = pos_;
  t.str_at = static_cast<std::uint32_t>(out_start);
  t.str_len = static_cast<std::uint32_t>(strings_.size() - out_start);
}

void Lexer::next(Token& t) {
  t = Token{};
  for (;;) {
    // Blanks.
    while (pos_ < size_) {
      char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\f' || c == '\v') {
        ++pos_;
      } else if (c == '\n' || c == '\r') {
        newline();
      } else {
        break;
      }
    }
    t.start = pos_;
    t.line = line_;
    if (pos_ >= size_) {
      t.type = Tok::Eof;
      t.end = pos_;
      return;
    }
    const int c = static_cast<unsigned char>(src_[pos_]);
    if (is_alpha(c)) {
      // The name's hash is computed where its bytes are read anyway (NameTable::intern).
      std::uint32_t hash = name_hash_step(kNameHashBasis, static_cast<unsigned char>(c));
      std::uint32_t p = pos_ + 1;
      for (; p < size_; ++p) {
        const auto b = static_cast<unsigned char>(src_[p]);
        if (!is_alnum(b)) break;
        hash = name_hash_step(hash, b);
      }
      t.type = name_or_keyword(src_.substr(pos_, p - pos_));
      t.hash = hash;
      pos_ = p;
      t.end = p;
      return;
    }
    if (is_digit(c)) {
      t.type = Tok::Number;
      if (version_ == LuaVersion::Lua51) {
        numeral_51(t);
      } else if (version_ == LuaVersion::LuaJIT) {
        numeral_jit(t);
      } else {
        numeral(t);
      }
      return;
    }
    auto one = [&](Tok type) {
      ++pos_;
      t.type = type;
      t.end = pos_;
      return;
    };
    auto two = [&](Tok type) {
      pos_ += 2;
      t.type = type;
      t.end = pos_;
      return;
    };
    const int n = peek();
    switch (c) {
      case '-':
        if (n != '-') return one(Tok::Minus);
        {
          const std::uint32_t start = pos_;
          pos_ += 2;
          if (cur() == '[') {
            std::uint32_t eqs;
            std::uint32_t save = pos_;
            int level = long_bracket(&eqs);
            if (level >= 0) {
              Token ignored;
              long_string(ignored, level, true, start);
              continue;
            }
            pos_ = save;
          }
          const std::uint32_t body = pos_;
          while (pos_ < size_ && src_[pos_] != '\n' && src_[pos_] != '\r') ++pos_;
          comments_.push_back({{start, pos_}, {body, pos_}, false});
          continue;
        }
      case '[': {
        std::uint32_t eqs;
        const std::uint32_t start = pos_;
        int level = long_bracket(&eqs);
        if (level >= 0) {
          t.type = Tok::String;
          t.long_string = true;
          long_string(t, level, false, start);
          return;
        }
        if (eqs > 0) {
          error(std::string("invalid long string delimiter near '") +
                    std::string(src_.substr(start, pos_ - start)) + "'",
                start);
          // Recovery: the '[' and its '=' read as a '['.
        } else {
          pos_ = start + 1;
        }
        t.type = Tok::LBracket;
        t.end = pos_;
        return;
      }
      case '=':
        return n == '=' ? two(Tok::Eq) : one(Tok::Assign);
      case '<':
        if (n == '=') return two(Tok::Le);
        if (n == '<' && has_bitwise_ops(version_)) return two(Tok::Shl);
        return one(Tok::Lt);
      case '>':
        if (n == '=') return two(Tok::Ge);
        if (n == '>' && has_bitwise_ops(version_)) return two(Tok::Shr);
        return one(Tok::Gt);
      case '/':
        if (n == '/' && has_integers(version_)) return two(Tok::IDiv);
        return one(Tok::Slash);
      case '~':
        return n == '=' ? two(Tok::Ne) : one(Tok::Tilde);
      case ':':
        if (n == ':' && has_goto(version_)) return two(Tok::DbColon);
        return one(Tok::Colon);
      case '"':
      case '\'':
        t.type = Tok::String;
        short_string(t, static_cast<char>(c));
        return;
      case '.':
        if (n == '.') {
          if (peek(2) == '.') {
            pos_ += 3;
            t.type = Tok::Dots;
            t.end = pos_;
            return;
          }
          return two(Tok::Concat);
        }
        if (!is_digit(n)) return one(Tok::Dot);
        t.type = Tok::Number;
        if (version_ == LuaVersion::Lua51) {
          numeral_51(t);
        } else if (version_ == LuaVersion::LuaJIT) {
          numeral_jit(t);
        } else {
          ++pos_;  // the '.' is part of the numeral's text
          numeral(t);
        }
        return;
      case '+':
        return one(Tok::Plus);
      case '*':
        return one(Tok::Star);
      case '%':
        return one(Tok::Percent);
      case '^':
        return one(Tok::Caret);
      case '#':
        return one(Tok::Hash);
      case '&':
        return one(Tok::Amp);
      case '|':
        return one(Tok::Pipe);
      case '(':
        return one(Tok::LParen);
      case ')':
        return one(Tok::RParen);
      case '{':
        return one(Tok::LBrace);
      case '}':
        return one(Tok::RBrace);
      case ']':
        return one(Tok::RBracket);
      case ';':
        return one(Tok::Semi);
      case ',':
        return one(Tok::Comma);
      default:
        return one(Tok::Other);
    }
  }
}

}  // namespace moonring::lua
