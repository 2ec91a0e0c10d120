// Checking the binder against a fixture whose marks say what each name means:
//   «L|x»   with L any other tag: the first mark with a tag is the declaration of a local, every
//           later one a reference that resolves to it;
//   «g|x»   a global read, «s|x» a global write (both must appear among the global accesses, and
//           every global access must be marked; the key of _ENV.x is marked the same way);
//   «env|_ENV»  the chunk's implicit _ENV upvalue (5.2+);
//   «f.L|x» a free name that is a field of the local _ENV declared as L.
#pragma once

#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "lang/lua/semantic/binder.hpp"
#include "lang/lua/syntax/parser.hpp"
#include "tests/lua/semantic/fixture.hpp"

namespace moonring::lua::testing {

struct Bound {
  Fixture fx;
  ParseResult parsed;
  FileBinding binding;
  std::map<std::string, LocalId> locals;  // tag -> local declared at its first mark

  const LocalInfo& local(const std::string& tag) const { return binding.locals.at(locals.at(tag)); }
};

inline Bound bind_fixture(std::string_view marked, LuaVersion version = LuaVersion::Lua54) {
  Bound b{fixture(marked), {}, {}, {}};
  b.parsed = parse(b.fx.source, version);
  INFO(b.fx.source);
  std::string first_error = b.parsed.ok() ? "" : b.parsed.errors[0].message;
  INFO("first error: " << first_error);
  REQUIRE(b.parsed.ok());
  b.binding = bind(b.parsed.tree);

  std::size_t global_marks = 0;
  for (const Mark& m : b.fx.marks) {
    INFO("mark «" << m.tag << "|" << m.text << "» at " << m.range.start);
    if (m.tag == "g" || m.tag == "s") {
      ++global_marks;
      // A free name has a reference; the key of _ENV.x / _ENV["x"] only an access.
      if (const NameRef* ref = b.binding.ref_at(m.range.start)) {
        CHECK(ref->target == RefTarget::Global);
        CHECK(ref->write == (m.tag == "s"));
      }
      bool found = false;
      for (const GlobalAccess& g : b.binding.globals)
        if (g.range.start == m.range.start && g.range.end == m.range.end &&
            g.kind == (m.tag == "s" ? AccessKind::Set : AccessKind::Get))
          found = true;
      CHECK(found);
    } else if (m.tag == "env") {
      const NameRef* ref = b.binding.ref_at(m.range.start);
      REQUIRE(ref != nullptr);
      CHECK(ref->target == RefTarget::Env);
    } else if (m.tag.starts_with("f.")) {
      const NameRef* ref = b.binding.ref_at(m.range.start);
      REQUIRE(ref != nullptr);
      CHECK(ref->target == RefTarget::EnvField);
      REQUIRE(b.locals.contains(m.tag.substr(2)));
      CHECK(ref->local == b.locals.at(m.tag.substr(2)));
    } else if (!m.tag.empty()) {
      auto it = b.locals.find(m.tag);
      if (it == b.locals.end()) {
        LocalId id = b.binding.local_declared_at(m.range.start);
        REQUIRE(id != kNoLocal);
        CHECK(b.binding.locals[id].decl.start == m.range.start);
        CHECK(b.binding.locals[id].decl.end == m.range.end);
        b.locals.emplace(m.tag, id);
      } else {
        const NameRef* ref = b.binding.ref_at(m.range.start);
        REQUIRE(ref != nullptr);
        CHECK(ref->target == RefTarget::Local);
        CHECK(ref->local == it->second);
      }
    }
  }
  // Exactness: no global access that the fixture does not mark.
  CHECK(b.binding.globals.size() == global_marks);
  return b;
}

}  // namespace moonring::lua::testing
