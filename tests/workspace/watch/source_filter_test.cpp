// SourceFilter: associations and excludes relative to the innermost root, folders below an
// excluded one, .git, paths outside every root, and the "/" root.
#include <catch2/catch.hpp>

#include "workspace/watch/source_filter.hpp"

using namespace moonring::workspace;

TEST_CASE("source filter: sources under the innermost root, excludes below folders") {
  SourceFilter f({"/w/", "/w/sub"}, {"*.lua", "*.nse"}, {"build/", "/top.lua", "*_spec.lua"});
  CHECK(f.roots() == std::vector<std::string>{"/w", "/w/sub"});
  CHECK(f.accepts("/w/a.lua", false));
  CHECK(f.accepts("/w/x/y/script.nse", false));
  CHECK_FALSE(f.accepts("/w/notes.txt", false));
  CHECK_FALSE(f.accepts("/w/build/gen.lua", false));    // below an excluded folder
  CHECK_FALSE(f.accepts("/w/x/build/gen.lua", false));  // at any depth
  CHECK_FALSE(f.accepts("/w/a_spec.lua", false));
  CHECK_FALSE(f.accepts("/w/.git/hooks/x.lua", false));
  CHECK_FALSE(f.accepts("/w/build", true));
  CHECK(f.accepts("/w/src", true));
  // "/top.lua" is anchored at each root: /w/top.lua is out, /w/sub/top.lua is the inner root's.
  CHECK_FALSE(f.accepts("/w/top.lua", false));
  CHECK(f.root_of("/w/sub/top.lua") == 1u);
  CHECK_FALSE(f.accepts("/w/sub/top.lua", false));
  CHECK(f.accepts("/w/sub/other.lua", false));
  // Outside every root, or only sharing a prefix with one.
  CHECK_FALSE(f.accepts("/elsewhere/a.lua", false));
  CHECK_FALSE(f.accepts("/wx/a.lua", false));
  CHECK_FALSE(f.root_of("/wx/a.lua"));
}

TEST_CASE("source filter: path_below and the root folder") {
  CHECK(path_below("/a/b", "/a"));
  CHECK_FALSE(path_below("/ab", "/a"));
  CHECK_FALSE(path_below("/a", "/a"));
  CHECK(path_below("/a", "/"));
  CHECK_FALSE(path_below("/", "/"));
  SourceFilter f({"/"}, {"*.lua"}, {});
  CHECK(f.accepts("/x/y.lua", false));
  CHECK_FALSE(f.accepts("/x/y.txt", false));
}
