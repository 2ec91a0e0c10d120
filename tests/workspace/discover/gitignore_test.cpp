// .gitignore semantics, exclude globs and associations, as fixtures: a tree (paths with their
// contents; .gitignore files are part of it) and the files discovery must find in it.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "tests/workspace/discover/temp_tree.hpp"
#include "workspace/discover/discover.hpp"

using namespace moonring::workspace;

namespace {

struct Fixture {
  const char* name;
  std::vector<std::pair<std::string, std::string>> tree;
  std::vector<std::string> expected;  // relative to the root, sorted
  std::vector<std::string> excludes = {};
  std::vector<std::string> associations = {"*.lua"};
};

std::vector<std::string> found(const moonring::test::TempTree& t, const Fixture& f) {
  DiscoverOptions options;
  options.roots = {t.root()};
  options.excludes = f.excludes;
  options.associations = f.associations;
  Discovery d = collect_files(options);
  for (const auto& p : d.problems) FAIL_CHECK(p.message());
  std::vector<std::string> out;
  for (const auto& file : d.files) out.push_back(file.path.substr(t.root().size() + 1));
  return out;
}

}  // namespace

TEST_CASE("gitignore semantics") {
  const Fixture fixtures[] = {
      {"a name without a slash matches at any depth",
       {{".gitignore", "*.gen.lua\n"},
        {"a.lua", ""},
        {"x.gen.lua", ""},
        {"d/e/y.gen.lua", ""},
        {"d/e/y.lua", ""}},
       {"a.lua", "d/e/y.lua"}},
      {"negation re-includes; the last matching line wins",
       {{".gitignore", "*.lua\n!keep.lua\n!also.lua\nalso.lua\n"},
        {"a.lua", ""},
        {"keep.lua", ""},
        {"d/keep.lua", ""},
        {"also.lua", ""}},
       {"d/keep.lua", "keep.lua"}},
      {"a trailing slash matches folders only",
       {{".gitignore", "out/\n"},
        {"out/a.lua", ""},
        {"d/out/b.lua", ""},
        {"d/c.lua", ""},
        {"e/out", ""}},
       {"d/c.lua", "e/out"},
       {},
       {"*.lua", "out"}},
      {"a leading or middle slash anchors to the .gitignore's folder",
       {{".gitignore", "/top.lua\nsub/x.lua\n"},
        {"top.lua", ""},
        {"d/top.lua", ""},
        {"sub/x.lua", ""},
        {"a/sub/x.lua", ""}},
       {"a/sub/x.lua", "d/top.lua"}},
      {"** across folders",
       {{".gitignore", "**/gen/*.lua\na/**/z.lua\ndoc/**\n"},
        {"gen/a.lua", ""},
        {"x/y/gen/b.lua", ""},
        {"gen/sub/c.lua", ""},
        {"a/z.lua", ""},
        {"a/b/c/z.lua", ""},
        {"b/a/z.lua", ""},
        {"doc/d.lua", ""},
        {"doc/e/f.lua", ""},
        {"doc.lua", ""}},
       {"b/a/z.lua", "doc.lua", "gen/sub/c.lua"}},
      {"character classes",
       {{".gitignore", "test_[0-9].lua\n[!a-m]*.lua\n"},
        {"test_1.lua", ""},
        {"test_a.lua", ""},
        {"bee.lua", ""},
        {"zed.lua", ""}},
       {"bee.lua"}},
      {"a deeper .gitignore wins, and its rules are relative to its folder",
       {{".gitignore", "*.tmp.lua\nlocal.lua\n"},
        {"sub/.gitignore", "!keep.tmp.lua\n/only_here.lua\n"},
        {"keep.tmp.lua", ""},
        {"sub/keep.tmp.lua", ""},
        {"sub/drop.tmp.lua", ""},
        {"sub/only_here.lua", ""},
        {"sub/deeper/only_here.lua", ""},
        {"only_here.lua", ""},
        {"sub/local.lua", ""}},
       {"only_here.lua", "sub/deeper/only_here.lua", "sub/keep.tmp.lua"}},
      {"a file inside an ignored folder cannot be re-included",
       {{".gitignore", "build/\n!build/keep.lua\n"}, {"build/keep.lua", ""}, {"a.lua", ""}},
       {"a.lua"}},
      {"comments, escapes and trailing spaces",
       {{".gitignore", "# not a rule.lua\n\\#hash.lua\ntrail.lua   \n\\!bang.lua\n\r\n"},
        {"# not a rule.lua", ""},
        {"#hash.lua", ""},
        {"trail.lua", ""},
        {"!bang.lua", ""},
        {"ok.lua", ""}},
       {"# not a rule.lua", "ok.lua"}},
      {"the .git folder is never walked", {{".git/hooks/x.lua", ""}, {"a.lua", ""}}, {"a.lua"}},
      {"configured excludes use the same dialect",
       {{"vendor/v.lua", ""},
        {"src/vendor/w.lua", ""},
        {"src/a_spec.lua", ""},
        {"src/a.lua", ""},
        {"gen/keep.lua", ""},
        {"gen/drop.lua", ""}},
       {"gen/keep.lua", "src/a.lua"},
       {"vendor/", "**/*_spec.lua", "gen/*.lua", "!gen/keep.lua"}},
      {"associations: several globs, and a negated one",
       {{"a.lua", ""}, {"s/http.nse", ""}, {"s/http_spec.lua", ""}, {"readme.txt", ""}},
       {"a.lua", "s/http.nse"},
       {},
       {"*.lua", "*.nse", "!*_spec.lua"}},
      {"an association with a slash is anchored at the root",
       {{"scripts/a.nse", ""}, {"other/b.nse", ""}, {"c.lua", ""}},
       {"c.lua", "scripts/a.nse"},
       {},
       {"*.lua", "scripts/*.nse"}},
  };
  for (const auto& f : fixtures) {
    INFO(f.name);
    moonring::test::TempTree t;
    for (const auto& [rel, content] : f.tree) t.add(rel, content);
    CHECK(found(t, f) == f.expected);
  }
}
