// The Lua lexer: a hand-written scanner for 5.1-5.4 and LuaJIT, producing one token at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/syntax/tree.hpp"
#include "lang/lua/syntax/version.hpp"

namespace moonring::lua {

enum class Tok : std::uint8_t {
  Eof,
  Name,
  String,
  Number,
  // Reserved words (in the order of their spelling table in lexer.cpp).
  And,
  Break,
  Do,
  Else,
  Elseif,
  End,
  False,
  For,
  Function,
  Goto,
  If,
  In,
  Local,
  Nil,
  Not,
  Or,
  Repeat,
  Return,
  Then,
  True,
  Until,
  While,
  // Multi-character symbols.
  Concat,
  Dots,
  Eq,
  Ge,
  Le,
  Ne,
  Shl,
  Shr,
  IDiv,
  DbColon,
  // Single characters.
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Caret,
  Hash,
  Amp,
  Tilde,
  Pipe,
  Lt,
  Gt,
  Assign,
  LParen,
  RParen,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  Semi,
  Colon,
  Comma,
  Dot,
  Other,  // any other byte: always a syntax error where it stands ("unexpected symbol")
};

struct Token {
  Tok type = Tok::Eof;
  std::uint32_t start = 0;
  std::uint32_t end = 0;
  std::uint32_t line = 1;  // line of the token's first byte
  std::uint32_t hash = 0;  // Name: name_hash of its text
  bool long_string = false;
  NumberValue number;        // Number
  std::uint32_t str_at = 0;  // String: decoded value in the lexer's string store
  std::uint32_t str_len = 0;
};

struct LexError {
  std::uint32_t offset;
  std::uint32_t line;
  std::string message;
  std::uint32_t end_offset;  // where the scanner stood
};

class Lexer {
 public:
  // `strings` receives decoded string values, `comments` the comments, `errors` the lexical
  // errors (scanning goes on after each one).
  Lexer(std::string_view source, LuaVersion version, std::string& strings,
        std::vector<Comment>& comments, std::vector<LexError>& errors);

  // The next token into `t` (written in place: a token returned by value was copied through a
  // store-forwarding stall on every token).
  void next(Token& t);
  Token next() {
    Token t;
    next(t);
    return t;
  }
  // The line where the scanner stands (luac's ls->linenumber): errors are reported there.
  std::uint32_t line() const { return line_; }
  std::uint32_t offset() const { return pos_; }

 private:
  int cur() const { return pos_ < size_ ? static_cast<unsigned char>(src_[pos_]) : -1; }
  int peek(std::uint32_t k = 1) const {
    return pos_ + k < size_ ? static_cast<unsigned char>(src_[pos_ + k]) : -1;
  }
  bool at_newline() const { return pos_ < size_ && (src_[pos_] == '\n' || src_[pos_] == '\r'); }
  void newline();  // consumes \n, \r, \r\n or \n\r; counts a line
  void error(std::string message, std::uint32_t from);
  // `[` `=`* `[`: the level (number of `=`) if it is an opening long bracket, else -1 with
  // the count of `=` seen in *eqs (scanner left after them).
  int long_bracket(std::uint32_t* eqs);
  void long_string(Token& t, int level, bool comment, std::uint32_t start);
  void short_string(Token& t, char quote);
  void escape(std::uint32_t string_start, std::size_t out_start);
  std::string eof_near() const { return version_ == LuaVersion::Lua51 ? "'<eof>'" : "<eof>"; }
  void numeral(Token& t);
  void numeral_51(Token& t);
  void numeral_jit(Token& t);
  Tok name_or_keyword(std::string_view word) const;

  std::string_view src_;
  std::uint32_t size_;
  std::uint32_t pos_ = 0;
  std::uint32_t line_ = 1;
  LuaVersion version_;
  std::string& strings_;
  std::vector<Comment>& comments_;
  std::vector<LexError>& errors_;
};

// How luac writes a token in "near ..." (e.g. "'end'", "<eof>").
std::string token_spelling(Tok t);

// luac formats the token of "near '...'" with %s, which stops at a NUL byte: a message whose
// token holds one ends there (and keeps its closing quote).
void cut_near_at_nul(std::string& message);

}  // namespace moonring::lua
