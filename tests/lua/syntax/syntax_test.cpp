// Lexer, parser and tree of lang/lua/syntax against fixtures written as Lua text.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "lang/lua/syntax/lexer.hpp"
#include "lang/lua/syntax/parser.hpp"
#include "tests/lua/syntax/tree_dump.hpp"

using namespace moonring::lua;

namespace {

// The first error as luac prints it after "chunk:": "LINE: message", or "ok".
std::string verdict(std::string_view src, LuaVersion v) {
  ParseResult r = parse(src, v);
  if (r.ok()) return "ok";
  return std::to_string(r.errors[0].line) + ": " + r.errors[0].message;
}

struct Fixture {
  const char* source;
  const char* lua54;  // expected verdict under 5.4
  const char* lua51;  // expected verdict under 5.1
};

// Each expectation was taken from luac5.4 -p / luac5.1 -p on the same text.
const Fixture kFixtures[] = {
    {"x = 1", "ok", "ok"},
    {"x = \"ab\\q\"", "1: invalid escape sequence near '\"ab\\q'", "ok"},
    {"x = \"ab\\300\"", "1: decimal escape too large near '\"ab\\300\"'",
     "1: escape sequence too large near '\"ab'"},
    {"x = \"ab\\u{7FFFFFFFF}\"", "1: UTF-8 value too large near '\"ab\\u{7FFFFFFFF'", "ok"},
    {"x = 3x", "1: malformed number near '3x'", "1: malformed number near '3x'"},
    {"x = \"ab\n", "1: unfinished string near '\"ab'", "1: unfinished string near '\"ab'"},
    {"x = [==[ab\n\n", "3: unfinished long string (starting at line 1) near <eof>",
     "3: unfinished long string near '<eof>'"},
    {"x = [=ab\n", "1: invalid long string delimiter near '[='",
     "1: invalid long string delimiter near '[='"},
    {"x = \"\\xZZ\"", "1: hexadecimal digit expected near '\"\\xZ'", "ok"},
    {"x = y +\n\n", "3: unexpected symbol near <eof>", "3: unexpected symbol near '<eof>'"},
    {"x = \x01", "1: unexpected symbol near '<\\1>'", "1: unexpected symbol near 'char(1)'"},
    {"local function f()\n  x = 1\n\nfunction g() end\n",
     "5: 'end' expected (to close 'function' at line 1) near <eof>",
     "5: 'end' expected (to close 'function' at line 1) near '<eof>'"},
    {"goto a\nlocal x\n::a::\nprint(x)\n",
     "4: <goto a> at line 1 jumps into the scope of local 'x'", "1: '=' expected near 'a'"},
    {"goto a\nlocal x\n::a::\n", "ok", "1: '=' expected near 'a'"},
    {"::a::\n::a::\n", "3: label 'a' already defined on line 2", "1: unexpected symbol near ':'"},
    {"::a:: do ::a:: end\n", "1: label 'a' already defined on line 1",
     "1: unexpected symbol near ':'"},
    {"goto nowhere\nprint(1)\n\n", "4: no visible label 'nowhere' for <goto> at line 1",
     "1: '=' expected near 'nowhere'"},
    {"break\n", "2: break outside loop at line 1", "2: no loop to break near '<eof>'"},
    {"while true do break x = 1 end", "ok", "1: 'end' expected near 'x'"},
    {"local x <const> = 1\nx = 2\n", "2: attempt to assign to const variable 'x'",
     "1: unexpected symbol near '<'"},
    {"local x <const> = {}\nlocal function f()\n x = 2\nend\n",
     "3: attempt to assign to const variable 'x'", "1: unexpected symbol near '<'"},
    {"local x <const> = 1\nfunction x() end\n", "3: attempt to assign to const variable 'x'",
     "1: unexpected symbol near '<'"},
    {"local a <close>, b <close> = 1, 2\n", "1: multiple to-be-closed variables in local list",
     "1: unexpected symbol near '<'"},
    {"local a <foo> = 1\n", "1: unknown attribute 'foo'", "1: unexpected symbol near '<'"},
    {"function f() return ... end\n", "1: cannot use '...' outside a vararg function near '...'",
     "1: cannot use '...' outside a vararg function near '...'"},
    {"x = 1;;\n", "ok", "1: unexpected symbol near ';'"},
    {"f\n(g)\n", "ok", "2: ambiguous syntax (function call x new statement) near '('"},
    {"return 1\nx = 2\n", "2: <eof> expected near 'x'", "2: '<eof>' expected near 'x'"},
    {"for i = 1 do end\n", "1: ',' expected near 'do'", "1: ',' expected near 'do'"},
    {"for a b in c do end\n", "1: '=' or 'in' expected near 'b'",
     "1: '=' or 'in' expected near 'b'"},
    {"a.b:c = 1\n", "1: function arguments expected near '='",
     "1: function arguments expected near '='"},
    {"x = 1 // 2\n", "ok", "1: unexpected symbol near '/'"},
    {"x = 1 & 2 | ~3 >> 1 << 2\n", "ok", "1: unexpected symbol near '&'"},
    {"x = \"\\z\n   abc\"\n", "ok", "1: unfinished string near '\"z'"},
    {"x = 9223372036854775808 + 0xffffffffffffffffff\n", "ok", "ok"},
    {"x = 1e\n", "1: malformed number near '1e'", "1: malformed number near '1e'"},
    {"x = [[\n[[ nested ]]\n", "ok", "2: nesting of [[...]] is deprecated near '['"},
    {"--[[ comment\nnever closed\n", "3: unfinished long comment (starting at line 1) near <eof>",
     "3: unfinished long comment near '<eof>'"},
    {"repeat local x = 1; goto continue; local y; ::continue:: until x\n",
     "1: <goto continue> at line 1 jumps into the scope of local 'y'",
     "1: '=' expected near 'continue'"},
    {"for i=1,2 do goto continue local y = 1 ::continue:: ; ; end\n", "ok",
     "1: '=' expected near 'continue'"},
    {"local t = {a=}\n", "1: unexpected symbol near '}'", "1: unexpected symbol near '}'"},
    {"a, f() = 1\n", "1: syntax error near '='", "1: syntax error near '='"},
    {"(a) = 1\n", "1: syntax error near '='", "1: syntax error near '='"},
    {"function a:b.c() end\n", "1: '(' expected near '.'", "1: '(' expected near '.'"},
    {"x = 1 1\n", "1: unexpected symbol near '1'", "1: unexpected symbol near '1'"},
    {"return 1 1\n", "1: <eof> expected near '1'", "1: '<eof>' expected near '1'"},
    {"x = y z\n", "2: syntax error near <eof>", "2: '=' expected near '<eof>'"},
    {"\xef\xbb\xbfx = 1\n", "ok", "1: unexpected symbol near '\xef'"},
    {"#!/usr/bin/lua\nx = = 1\n", "2: unexpected symbol near '='", "2: unexpected symbol near '='"},
    {"f(a\n,b\nx\n", "3: ')' expected (to close '(' at line 1) near 'x'",
     "3: ')' expected (to close '(' at line 1) near 'x'"},
    {"x = (1\n\n", "3: ')' expected (to close '(' at line 1) near <eof>",
     "3: ')' expected (to close '(' at line 1) near '<eof>'"},
    {"x = \"\\u{\"", "1: hexadecimal digit expected near '\"\\u{\"'", "ok"},
    {"x = 0x\n", "1: malformed number near '0x'", "1: malformed number near '0x'"},
};

}  // namespace

TEST_CASE("first errors and verdicts match luac's, per version", "[syntax]") {
  for (const Fixture& f : kFixtures) {
    INFO("source: " << f.source);
    CHECK(verdict(f.source, LuaVersion::Lua54) == f.lua54);
    CHECK(verdict(f.source, LuaVersion::Lua51) == f.lua51);
  }
}

TEST_CASE("version names", "[syntax]") {
  CHECK(parse_lua_version("5.1") == LuaVersion::Lua51);
  CHECK(parse_lua_version("Lua 5.4") == LuaVersion::Lua54);
  CHECK(parse_lua_version("lua5.3") == LuaVersion::Lua53);
  CHECK(parse_lua_version("LuaJIT") == LuaVersion::LuaJIT);
  CHECK(parse_lua_version(" luajit 2.1 ") == LuaVersion::LuaJIT);
  CHECK_FALSE(parse_lua_version("5.5").has_value());
  CHECK(lua_version_name(LuaVersion::Lua52) == "Lua 5.2");
}

TEST_CASE("operator precedence per version", "[syntax]") {
  auto expr = [](std::string_view e, LuaVersion v) {
    std::string src = std::string("return ") + std::string(e);
    ParseResult r = parse(src, v);
    REQUIRE(r.ok());
    NodeId ret = r.tree.statements(r.tree.root())[0];
    return dump(r.tree, r.tree.return_values(ret)[0]);
  };
  const auto v54 = LuaVersion::Lua54;
  CHECK(expr("1 + 2 * 3", v54) == "(+ 1 (* 2 3))");
  CHECK(expr("1 - 2 - 3", v54) == "(- (- 1 2) 3)");
  CHECK(expr("2 ^ 3 ^ 2", v54) == "(^ 2 (^ 3 2))");
  CHECK(expr("-2 ^ 2", v54) == "(neg (^ 2 2))");
  CHECK(expr("a .. b .. c", v54) == "(.. a (.. b c))");
  CHECK(expr("not a == b", v54) == "(== (not a) b)");
  CHECK(expr("a or b and c", v54) == "(or a (and b c))");
  CHECK(expr("a < b .. c", v54) == "(< a (.. b c))");
  CHECK(expr("1 | 2 ~ 3 & 4 << 5 .. 6", v54) == "(| 1 (~ 2 (& 3 (<< 4 (.. 5 6)))))");
  CHECK(expr("a // b % c", v54) == "(% (// a b) c)");
  CHECK(expr("~a + #b", v54) == "(+ (bnot a) (# b))");
  CHECK(expr("a.b[c]:d(e)(f)", v54) == "(call (method (index (field a b) c) d e) f)");
  CHECK(expr("f{1, x = 2, [3] = 4; 5}", v54) == "(call f (table 1 (x= 2) ([3]= 4) 5))");
  CHECK(expr("(f())", v54) == "(paren (call f))");
  CHECK(expr("function(a, ...) end", v54) == "(function a ...)");
  CHECK(expr("-x^2 .. y", LuaVersion::Lua51) == "(.. (neg (^ x 2)) y)");
  CHECK(expr("1 + 2 .. 3 * 4", LuaVersion::Lua51) == "(.. (+ 1 2) (* 3 4))");
}

TEST_CASE("lexer: strings, escapes and long brackets", "[syntax]") {
  auto str = [](std::string_view lit, LuaVersion v) {
    std::string src = std::string("return ") + std::string(lit);
    ParseResult r = parse(src, v);
    REQUIRE(r.ok());
    NodeId e = r.tree.return_values(r.tree.statements(r.tree.root())[0])[0];
    REQUIRE(r.tree.kind(e) == NodeKind::String);
    return std::string(r.tree.string_value(e));
  };
  const auto v54 = LuaVersion::Lua54;
  CHECK(str(R"("a\tb\n\\\"\'")", v54) == "a\tb\n\\\"'");
  CHECK(str(R"('\65\066\0677')", v54) == "ABC7");
  CHECK(str(R"("\x41\x4a")", v54) == "AJ");
  CHECK(str("\"a\\z  \n  b\"", v54) == "ab");
  CHECK(str("\"a\\\nb\"", v54) == "a\nb");
  CHECK(str(R"("\u{48}\u{20AC}")", v54) == "H\xE2\x82\xAC");
  CHECK(str(R"("\u{7FFFFFFF}")", v54) == "\xFD\xBF\xBF\xBF\xBF\xBF");
  CHECK(str("[[\nfirst newline skipped]]", v54) == "first newline skipped");
  CHECK(str("[==[a]]b]=]c]==]", v54) == "a]]b]=]c");
  CHECK(str("[[a\r\nb]]", v54) == "a\nb");
  CHECK(str(R"("\q")", LuaVersion::Lua51) == "q");
  CHECK(verdict(R"(x = "\u{110000}")", LuaVersion::Lua53) ==
        "1: UTF-8 value too large near '\"\\u{110000'");
  CHECK(verdict(R"(x = "\x41")", LuaVersion::Lua52) == "ok");
  CHECK(verdict(R"(x = "\u{41}")", LuaVersion::Lua52) != "ok");
  CHECK(verdict(R"(x = "\u{41}")", LuaVersion::LuaJIT) == "ok");
}

TEST_CASE("lexer: numerals per version", "[syntax]") {
  auto num = [](std::string_view lit, LuaVersion v) {
    std::string src = std::string("return ") + std::string(lit);
    ParseResult r = parse(src, v);
    REQUIRE(r.ok());
    NodeId e = r.tree.return_values(r.tree.statements(r.tree.root())[0])[0];
    REQUIRE(r.tree.kind(e) == NodeKind::Number);
    return r.tree.number_value(e);
  };
  const auto v54 = LuaVersion::Lua54;
  CHECK(num("42", v54).kind == NumberKind::Integer);
  CHECK(num("42", v54).integer == 42);
  CHECK(num("42", LuaVersion::Lua51).kind == NumberKind::Float);
  CHECK(num("0xff", v54).integer == 255);
  CHECK(num("0xffffffffffffffff", v54).integer == -1);  // hex wraps around
  CHECK(num("9223372036854775807", v54).integer == INT64_MAX);
  CHECK(num("9223372036854775808", v54).kind == NumberKind::Float);  // decimal overflows to float
  CHECK(num("0x1p4", v54).real == 16.0);
  CHECK(num("0x.8", v54).real == 0.5);
  CHECK(num(".5e1", v54).real == 5.0);
  CHECK(num("3.", v54).real == 3.0);
  CHECK(num("0x10", LuaVersion::Lua51).real == 16.0);
  CHECK(num("12LL", LuaVersion::LuaJIT).kind == NumberKind::Int64);
  CHECK(num("0xffULL", LuaVersion::LuaJIT).kind == NumberKind::UInt64);
  CHECK(num("0xffULL", LuaVersion::LuaJIT).integer == 255);
  CHECK(num("2.5i", LuaVersion::LuaJIT).kind == NumberKind::Imaginary);
  CHECK(num("2.5i", LuaVersion::LuaJIT).real == 2.5);
  CHECK(verdict("x = 12LL", v54) == "1: malformed number near '12L'");
  CHECK(verdict("x = 3x", LuaVersion::Lua53) == "1: syntax error near <eof>");
  CHECK(verdict("x = 0x1p-2", LuaVersion::Lua51) != "ok");
  CHECK(verdict("x = 1e+5", LuaVersion::Lua51) == "ok");
}

TEST_CASE("lexer: tokens that exist only in some versions", "[syntax]") {
  CHECK(verdict("goto x ::x::", LuaVersion::Lua52) == "ok");
  CHECK(verdict("goto x ::x::", LuaVersion::LuaJIT) == "ok");
  CHECK(verdict("local goto = 1", LuaVersion::Lua51) == "ok");
  CHECK(verdict("local goto = 1", LuaVersion::Lua52) != "ok");
  CHECK(verdict("x = 7 // 2", LuaVersion::Lua53) == "ok");
  CHECK(verdict("x = 7 // 2", LuaVersion::Lua52) != "ok");
  CHECK(verdict("x = 7 & 2", LuaVersion::LuaJIT) != "ok");
  CHECK(verdict("local x <const> = 1", LuaVersion::Lua54) == "ok");
  CHECK(verdict("local x <const> = 1", LuaVersion::Lua53) != "ok");
}

namespace {
// The tokens of `src`, up to the end (its lexical errors dropped).
std::vector<Token> tokens(std::string_view src, LuaVersion v) {
  std::string strings;
  std::vector<Comment> comments;
  std::vector<LexError> errors;
  Lexer lexer(src, v, strings, comments, errors);
  std::vector<Token> out;
  for (Token t = lexer.next(); t.type != Tok::Eof; t = lexer.next()) out.push_back(t);
  return out;
}
}  // namespace

TEST_CASE("lexer: every reserved word, and the names one byte away from one", "[syntax]") {
  const char* const reserved[] = {"and",   "break", "do",       "else", "elseif", "end",
                                  "false", "for",   "function", "goto", "if",     "in",
                                  "local", "nil",   "not",      "or",   "repeat", "return",
                                  "then",  "true",  "until",    "while"};
  for (const LuaVersion v : {LuaVersion::Lua51, LuaVersion::Lua54}) {
    for (const std::string word : reserved) {
      INFO(word);
      std::vector<Token> t = tokens(word, v);
      REQUIRE(t.size() == 1);
      const bool is_name = word == "goto" && v == LuaVersion::Lua51;
      CHECK((t[0].type == Tok::Name) == is_name);
      if (!is_name) CHECK(token_spelling(t[0].type) == "'" + word + "'");
      // Longer, shorter, another last byte, another first byte, capitalised: names all.
      for (const std::string& near :
           {word + "x", word.substr(0, word.size() - 1), word.substr(0, word.size() - 1) + "z",
            "x" + word.substr(1), "_" + word,
            std::string(1, static_cast<char>(word[0] - 32)) + word.substr(1)}) {
        if (near.empty()) continue;
        bool also_reserved = false;
        for (const std::string other : reserved) also_reserved |= other == near;
        if (also_reserved) continue;  // not a near miss then
        INFO(near);
        t = tokens(near, v);
        REQUIRE(t.size() == 1);
        CHECK(t[0].type == Tok::Name);
      }
    }
  }
}

TEST_CASE("lexer: a name's hash is the name table's", "[syntax]") {
  // The parser interns each name with the hash the lexer computed as it scanned it: it must be
  // name_hash of the text, or find() and intern() of the same text would disagree.
  const std::string src = "local alpha, _b2, Z = x9, y.zeta, self:m(\"str\")\nreturn alpha_1";
  for (const Token& t : tokens(src, LuaVersion::Lua54)) {
    if (t.type != Tok::Name) continue;
    const std::string_view text = std::string_view(src).substr(t.start, t.end - t.start);
    INFO(text);
    CHECK(t.hash == name_hash(text));
  }
  ParseResult r = parse(src, LuaVersion::Lua54);
  REQUIRE(r.ok());
  const NameTable& names = r.tree.names();
  for (NameId id = 0; id < names.size(); ++id) CHECK(names.find(names.text(id)) == id);
  for (NodeId n = 0; n < r.tree.node_count(); ++n) {
    if (r.tree.kind(n) != NodeKind::Name) continue;
    CHECK(names.find(r.tree.text(n)) == r.tree.name_id(n));
  }
}

TEST_CASE("comments are kept with their ranges", "[syntax]") {
  const std::string src = "#!/bin/lua\n-- one\nx = 1 --[==[ two\n]==] --[ three\n";
  ParseResult r = parse(src, LuaVersion::Lua54);
  REQUIRE(r.ok());
  auto comments = r.tree.comments();
  REQUIRE(comments.size() == 3);
  auto text = [&](Range g) { return src.substr(g.start, g.end - g.start); };
  CHECK(text(comments[0].range) == "-- one");
  CHECK(text(comments[0].text) == " one");
  CHECK_FALSE(comments[0].long_form);
  CHECK(text(comments[1].range) == "--[==[ two\n]==]");
  CHECK(text(comments[1].text) == " two\n");
  CHECK(comments[1].long_form);
  CHECK(text(comments[2].text) == "[ three");
}

TEST_CASE("tree: names, ranges, lines and views", "[syntax]") {
  const std::string src =
      "local a <const>, b = 1, 'two'\n"
      "function t.x.y:m(p, ...) return self end\n"
      "for i = 1, 10, 2 do print(i) end\n"
      "for k, v in pairs(t) do end\n"
      "if a then elseif b then else end\n"
      "while a do break end repeat local z until z\n"
      "::top:: goto top\n";
  ParseResult r = parse(src, LuaVersion::Lua54);
  INFO((r.ok() ? std::string() : r.errors[0].message));
  REQUIRE(r.ok());
  const Tree& t = r.tree;
  auto stats = t.statements(t.root());
  REQUIRE(stats.size() == 9);

  REQUIRE(t.kind(stats[0]) == NodeKind::Local);
  LocalView local = t.local(stats[0]);
  REQUIRE(local.names.size() == 2);
  CHECK(t.name_text(local.names[0]) == "a");
  CHECK(t.attrib(local.names[0]) == LocalAttrib::Const);
  CHECK(t.attrib(local.names[1]) == LocalAttrib::None);
  CHECK(t.text(local.names[1]) == "b");
  CHECK(t.string_value(local.values[1]) == "two");
  CHECK(t.text(stats[0]) == "local a <const>, b = 1, 'two'");

  REQUIRE(t.kind(stats[1]) == NodeKind::Function);
  FunctionView fn = t.function(stats[1]);
  CHECK(t.text(fn.target) == "t.x.y");
  CHECK(t.name_text(fn.method) == "m");
  FunctionExprView body = t.function_expr(fn.body);
  CHECK(body.is_method);
  CHECK(body.is_vararg);
  REQUIRE(body.params.size() == 1);
  CHECK(t.position(t.range(body.params[0]).start).line == 2);
  CHECK(t.position(t.range(body.params[0]).start).column == 18);

  NumericForView nf = t.numeric_for(stats[2]);
  CHECK(t.name_text(nf.variable) == "i");
  CHECK(t.text(nf.step) == "2");
  GenericForView gf = t.generic_for(stats[3]);
  CHECK(gf.names.size() == 2);
  CHECK(t.kind(gf.values[0]) == NodeKind::Call);

  auto clauses = t.if_clauses(stats[4]);
  REQUIRE(clauses.size() == 3);
  CHECK(t.if_clause(clauses[2]).condition == kNoNode);
  CHECK(t.kind(stats[5]) == NodeKind::While);
  CHECK(t.kind(stats[6]) == NodeKind::Repeat);
  CHECK(t.kind(t.repeat(stats[6]).condition) == NodeKind::Name);
  CHECK(t.kind(stats[7]) == NodeKind::Label);
  CHECK(t.name_text(t.child(stats[8])) == "top");

  // The same identifier is one interned name.
  CHECK(t.name_id(local.names[0]) == t.name_id(t.if_clause(clauses[0]).condition));
  CHECK(t.names().find("pairs") != kNoNode);
  CHECK(t.names().find("nope") == kNoNode);
}

TEST_CASE("name table: many distinct names, each interned once", "[syntax]") {
  // Past several growths of the hash table: every name keeps its id and text, lookups agree.
  NameTable names;
  std::vector<NameId> ids;
  for (int i = 0; i < 70000; ++i) ids.push_back(names.intern("n" + std::to_string(i)));
  REQUIRE(names.size() == 70000);
  for (int i = 0; i < 70000; ++i) {
    const std::string name = "n" + std::to_string(i);
    REQUIRE(ids[i] == static_cast<NameId>(i));
    REQUIRE(names.text(ids[i]) == name);
    REQUIRE(names.intern(name) == ids[i]);
    REQUIRE(names.find(name) == ids[i]);
  }
  CHECK(names.find("n70000") == kNoNode);
  CHECK(names.find("") == kNoNode);
  CHECK(names.intern("") == 70000);
  CHECK(names.find("") == 70000);
}

TEST_CASE("a tree's source: its own copy, or a view of the caller's text", "[syntax]") {
  // A short source sits inside std::string's own buffer: a moved or copied tree must still see
  // its text, not the buffer of the tree it came from.
  const std::string text = "local x = y";
  ParseResult owned = parse(text, LuaVersion::Lua54);
  CHECK(owned.tree.source().data() != text.data());
  ParseResult moved = std::move(owned);
  ParseResult copied = moved;
  owned = parse("return 1", LuaVersion::Lua54);  // reuses the moved-from tree
  for (const ParseResult* r : {&moved, &copied}) {
    CHECK(r->tree.source() == text);
    CHECK(r->tree.source().data() != text.data());
    CHECK(r->tree.text(r->tree.statements(r->tree.root())[0]) == text);
  }
  CHECK(moved.tree.source().data() != copied.tree.source().data());
  CHECK(owned.tree.source() == "return 1");

  ParseResult viewed = parse_view(text, LuaVersion::Lua54);
  CHECK(viewed.tree.source().data() == text.data());
  ParseResult viewed_moved = std::move(viewed);
  CHECK(viewed_moved.tree.source().data() == text.data());
  CHECK(viewed_moved.tree.text(viewed_moved.tree.statements(viewed_moved.tree.root())[0]) == text);
}

TEST_CASE("line cursor: the positions the line index gives, in any order", "[syntax]") {
  // Every kind of line break, runs of empty lines and long lines, so that the cursor steps a line
  // at a time, jumps past its few steps, and goes back.
  std::string src;
  for (int i = 0; i < 300; ++i) {
    src += std::string(static_cast<std::size_t>((i * 37) % 50), 'x');
    const char* breaks[] = {"\n", "\r", "\r\n", "\n\r", "\n\n\n\n\n\n\n\n\n\n\n\n"};
    src += breaks[i % 5];
  }
  const LineIndex lines(src);
  const auto size = static_cast<std::uint32_t>(src.size());
  const auto same = [](LineCol a, LineCol b) { return a.line == b.line && a.column == b.column; };
  LineCursor forward(lines);
  for (std::uint32_t o = 0; o <= size; ++o) REQUIRE(same(forward.position(o), lines.position(o)));
  LineCursor backward(lines);
  for (std::uint32_t o = size + 1; o-- > 0;) REQUIRE(same(backward.position(o), lines.position(o)));
  LineCursor strides(lines);  // forward in long strides, with a step back now and then
  for (std::uint32_t o = 0, k = 0; o <= size; o += 1 + (k * 131) % 400, ++k) {
    REQUIRE(same(strides.position(o), lines.position(o)));
    if (k % 7 == 0 && o > 90) REQUIRE(same(strides.position(o - 90), lines.position(o - 90)));
  }
}

TEST_CASE("every node lies inside its parent and the source", "[syntax]") {
  const std::string src =
      "local function f(a, b)\n  return a + b * #{1, 2, x = 3}\nend\n"
      "x, y.z = f(1, 2), ('s'):rep(3)\n"
      "do local t <close> = nil end\n"
      "if a then b() elseif c then d() else e() end\n"
      "while a do b() end repeat local r = 1 until r\n"
      "for i = 1, 2 do f(i) end for k, v in next, t do f(k, v) end\n";
  ParseResult r = parse(src, LuaVersion::Lua54);
  REQUIRE(r.ok());
  CHECK(check_ranges(r.tree).empty());
}

TEST_CASE("error recovery keeps the functions after an error", "[syntax]") {
  const std::string src =
      "local function broken()\n"
      "  if x then\n"
      "    y = = 1\n"
      "  end\n"
      "end\n"
      "\n"
      "local function after_missing_end()\n"
      "  for i = 1, 2 do\n"
      "end\n"
      "\n"
      "function later() return 1 end\n"
      "function last() return 2 end\n";
  ParseResult r = parse(src, LuaVersion::Lua54);
  REQUIRE_FALSE(r.ok());
  CHECK(r.errors[0].line == 3);
  CHECK(r.errors[0].message == "unexpected symbol near '='");
  REQUIRE(r.errors.size() >= 2);
  CHECK(r.errors[1].message == "'end' expected (to close 'function' at line 7) near <eof>");
  // Every function is in the tree, the ones after the missing `end` included.
  std::vector<std::string> functions;
  collect_function_names(r.tree, r.tree.root(), functions);
  CHECK(functions == std::vector<std::string>{"broken", "after_missing_end", "later", "last"});
  CHECK(check_ranges(r.tree).empty());
}

TEST_CASE("recovery from an error at the top level and a stray end", "[syntax]") {
  const std::string src = "x = \nend\nlocal function g() end\nuntil\nfunction h() end\n";
  ParseResult r = parse(src, LuaVersion::Lua54);
  REQUIRE_FALSE(r.ok());
  CHECK(r.errors[0].line == 2);
  std::vector<std::string> functions;
  collect_function_names(r.tree, r.tree.root(), functions);
  CHECK(functions == std::vector<std::string>{"g", "h"});
}

TEST_CASE("error kinds and ranges for diagnostics", "[syntax]") {
  {
    const std::string src = "local x <const> = 1\nx = 2\n";
    ParseResult r = parse(src, LuaVersion::Lua54);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].kind == SyntaxErrorKind::AssignConst);
    CHECK(src.substr(r.errors[0].offset, r.errors[0].end_offset - r.errors[0].offset) == "x");
    CHECK(r.errors[0].offset == 20);
  }
  {
    const std::string src = "do goto out end\nlocal q\n";
    ParseResult r = parse(src, LuaVersion::Lua54);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].kind == SyntaxErrorKind::Goto);
    CHECK(r.errors[0].line == 3);
    CHECK(src.substr(r.errors[0].offset, r.errors[0].end_offset - r.errors[0].offset) == "out");
  }
  {
    ParseResult r = parse("x = = 1", LuaVersion::Lua54);
    REQUIRE_FALSE(r.ok());
    CHECK(r.errors[0].kind == SyntaxErrorKind::Syntax);
    CHECK(r.errors[0].offset == 4);
    CHECK(r.errors[0].end_offset == 5);
    CHECK(r.errors[0].column == 5);
  }
}

TEST_CASE("limits: locals, upvalues and nesting", "[syntax]") {
  std::string locals;
  for (int i = 0; i < 201; ++i) locals += std::string("local a") + std::to_string(i) + " = 1\n";
  CHECK(verdict(locals, LuaVersion::Lua54) ==
        "201: too many local variables (limit is 200) in main function near '='");
  CHECK(verdict(locals, LuaVersion::Lua51) ==
        "201: main function has more than 200 local variables");

  std::string ups;
  for (int i = 0; i < 70; ++i) ups += std::string("local a") + std::to_string(i) + " = 1\n";
  ups += "local function f()\n  return a0";
  for (int i = 1; i < 70; ++i) ups += std::string(" + a") + std::to_string(i);
  ups += "\nend\n";
  CHECK(verdict(ups, LuaVersion::Lua54) == "ok");
  CHECK(verdict(ups, LuaVersion::Lua51) == "72: function at line 71 has more than 60 upvalues");
  CHECK(verdict(ups, LuaVersion::LuaJIT) != "ok");  // LuaJIT keeps 5.1's limit of 60

  // Globals in 5.2+ go through the _ENV upvalue, which counts towards the 255.
  std::string env_ups = "local function f()\n";
  for (int i = 0; i < 150; ++i) env_ups += "local a" + std::to_string(i) + " = 1\n";
  env_ups += "local function g()\n";
  for (int i = 0; i < 150; ++i) env_ups += "local b" + std::to_string(i) + " = 1\n";
  env_ups += "local function h()\n  return a0";
  for (int i = 1; i < 150; ++i) env_ups += " + a" + std::to_string(i);
  for (int i = 0; i < 105; ++i) env_ups += " + b" + std::to_string(i);
  env_ups += "\nend\nend\nend\n";
  CHECK(verdict(env_ups, LuaVersion::Lua54) == "ok");  // 255 upvalues
  CHECK(verdict(env_ups + "x = function() return a0 end", LuaVersion::Lua54) == "ok");
  std::string with_global = env_ups;
  with_global.replace(with_global.find("return a0"), 9, "return gg + a0");
  CHECK(verdict(with_global, LuaVersion::Lua54).find("too many upvalues (limit is 255)") !=
        std::string::npos);

  auto nested = [](int n) {
    return std::string("x = ") + std::string(n, '(') + "1" + std::string(n, ')');
  };
  CHECK(verdict(nested(196), LuaVersion::Lua54) == "ok");
  CHECK(verdict(nested(197), LuaVersion::Lua54) == "1: C stack overflow");
  CHECK(verdict(nested(197), LuaVersion::Lua51) == "ok");
  CHECK(verdict(nested(198), LuaVersion::Lua51) == "1: chunk has too many syntax levels");
  // Registers: 199 locals leave room for a call with 54 arguments (5.4: 255 registers; 5.1
  // gives up at 250). luac reports the argument it was reading when they ran out.
  std::string regs;
  for (int i = 0; i < 199; ++i) regs += "local a" + std::to_string(i) + " = 1\n";
  auto call = [](int n) {
    std::string s = "f(";
    for (int i = 1; i <= n; ++i) {
      if (i > 1) s += ',';
      s += std::to_string(i);
    }
    return s + ")\n";
  };
  CHECK(verdict(regs + call(54), LuaVersion::Lua54) == "ok");
  CHECK(verdict(regs + call(58), LuaVersion::Lua54) ==
        "200: function or expression needs too many registers near '56'");
  CHECK(verdict(regs + call(58), LuaVersion::Lua51) ==
        "200: function or expression too complex near '51'");
  std::string values = "return x";
  for (int i = 1; i < 300; ++i) values += ", x";
  CHECK(verdict(values, LuaVersion::Lua54) ==
        "1: function or expression needs too many registers near 'x'");
  std::string table = "t = {x";  // items are flushed every 50: no limit
  for (int i = 1; i < 300; ++i) table += ", x";
  CHECK(verdict(table + "}", LuaVersion::Lua54) == "ok");

  // Deep input never overflows our own stack.
  CHECK(verdict(nested(100000), LuaVersion::Lua54) == "1: C stack overflow");
  CHECK(verdict(std::string(100000, '{'), LuaVersion::Lua54) != "ok");
}
