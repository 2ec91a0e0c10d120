// Coalescing: a burst of events merged into what changed between its start and its end.
#include <catch2/catch.hpp>

#include <vector>

#include "workspace/watch/coalesce.hpp"

using namespace moonring::workspace;

namespace {

WatchEvent ev(ChangeKind kind, std::string path, std::string from = {}, bool dir = false) {
  return WatchEvent{kind, std::move(path), std::move(from), dir};
}

std::vector<WatchEvent> merge(std::vector<WatchEvent> burst) {
  Coalescer c;
  for (auto& e : burst) c.add(std::move(e));
  return c.take();
}

using K = ChangeKind;

}  // namespace

TEST_CASE("a burst merges into what changed between its start and its end") {
  struct Case {
    const char* name;
    std::vector<WatchEvent> burst;
    std::vector<WatchEvent> merged;
  };
  const Case cases[] = {
      {"ten writes are one change",
       std::vector<WatchEvent>(10, ev(K::changed, "a.lua")),
       {ev(K::changed, "a.lua")}},
      {"created then written is created",
       {ev(K::created, "a.lua"), ev(K::changed, "a.lua"), ev(K::changed, "a.lua")},
       {ev(K::created, "a.lua")}},
      {"created then deleted is nothing", {ev(K::created, "a.lua"), ev(K::deleted, "a.lua")}, {}},
      {"changed then deleted is deleted",
       {ev(K::changed, "a.lua"), ev(K::deleted, "a.lua")},
       {ev(K::deleted, "a.lua")}},
      {"deleted then created again is a change",
       {ev(K::deleted, "a.lua"), ev(K::created, "a.lua")},
       {ev(K::changed, "a.lua")}},
      {"paths keep the order they first appeared in",
       {ev(K::changed, "b.lua"), ev(K::created, "a.lua"), ev(K::changed, "b.lua")},
       {ev(K::changed, "b.lua"), ev(K::created, "a.lua")}},
      {"a rename of untouched files stays a rename",
       {ev(K::renamed, "b.lua", "a.lua")},
       {ev(K::renamed, "b.lua", "a.lua")}},
      {"created then renamed is created under the new name",
       {ev(K::created, "a.lua"), ev(K::renamed, "b.lua", "a.lua")},
       {ev(K::created, "b.lua")}},
      {"a rename over a changed file: the old name deleted, the new one changed",
       {ev(K::changed, "b.lua"), ev(K::renamed, "b.lua", "a.lua")},
       {ev(K::changed, "b.lua"), ev(K::deleted, "a.lua")}},
      {"folder events and rescans pass through",
       {ev(K::renamed, "d2", "d1", true), ev(K::rescan, ""), ev(K::deleted, "d3", {}, true)},
       {ev(K::renamed, "d2", "d1", true), ev(K::rescan, ""), ev(K::deleted, "d3", {}, true)}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(merge(c.burst) == c.merged);
  }
}

TEST_CASE("take() empties the coalescer") {
  Coalescer c;
  CHECK(c.empty());
  c.add(ev(K::changed, "a.lua"));
  CHECK_FALSE(c.empty());
  CHECK(c.take().size() == 1);
  CHECK(c.empty());
  c.add(ev(K::created, "a.lua"));
  CHECK(c.take() == std::vector<WatchEvent>{ev(K::created, "a.lua")});
}
