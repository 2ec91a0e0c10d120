// Quick fixes for unused locals: the edit applied to the source gives the marked result.
#include <catch2/catch.hpp>

#include "lang/lua/query/code_actions.hpp"
#include "tests/lua/query/query_support.hpp"

using namespace moonring::lua;
using namespace moonring::lua::query;
using moonring::lua::testing::parse_fixture;

namespace {

std::string applied(std::string source, const CodeAction& a) {
  for (auto it = a.edits.rbegin(); it != a.edits.rend(); ++it)
    source.replace(it->range.start, it->range.end - it->range.start, it->new_text);
  return source;
}

}  // namespace

TEST_CASE("prefix an unused variable with _", "[query][actions]") {
  auto p = parse_fixture("local function f(«at|unused», b) return b end\nreturn f");
  auto a = prefix_with_underscore(p.tree(), p.binding, p.at("at"));
  REQUIRE(a);
  CHECK(applied(p.fx.source, *a) == "local function f(_unused, b) return b end\nreturn f");
  auto q = parse_fixture("local «at|_x» = 1");
  CHECK(!prefix_with_underscore(q.tree(), q.binding, q.at("at")));
}

TEST_CASE("remove an unused local: whole line, only when it is safe", "[query][actions]") {
  auto p = parse_fixture("local a = 1\n  local «at|unused» = { 1, 'x' }\nreturn a");
  auto a = remove_unused_local(p.tree(), p.binding, p.at("at"));
  REQUIRE(a);
  CHECK(applied(p.fx.source, *a) == "local a = 1\nreturn a");
  auto fn = parse_fixture("local function «at|helper»() end\nreturn 1");
  a = remove_unused_local(fn.tree(), fn.binding, fn.at("at"));
  REQUIRE(a);
  CHECK(applied(fn.fx.source, *a) == "return 1");
  auto inline_ = parse_fixture("local a = 1 local «at|b» = 2 return a");
  a = remove_unused_local(inline_.tree(), inline_.binding, inline_.at("at"));
  REQUIRE(a);
  CHECK(applied(inline_.fx.source, *a) == "local a = 1  return a");
  // A call may have an effect; two names; a used local.
  auto call = parse_fixture("local «at|x» = compute()");
  CHECK(!remove_unused_local(call.tree(), call.binding, call.at("at")));
  auto two = parse_fixture("local «at|x», y = 1, 2\nreturn y");
  CHECK(!remove_unused_local(two.tree(), two.binding, two.at("at")));
  auto used = parse_fixture("local «at|x» = 1\nreturn x");
  CHECK(!remove_unused_local(used.tree(), used.binding, used.at("at")));
}
