// Per-version views of the standard-library rows, built once, and the signature parser.
#include "lang/lua/stdlib/stdlib.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <string>

#include "lang/lua/stdlib/rows.hpp"

namespace moonring::lua::stdlib {
namespace {

struct VersionIndex {
  std::vector<Member> globals;
  // Library name -> its fields. std::less<> so that string_views look up without a copy.
  std::map<std::string, std::vector<Member>, std::less<>> libraries;
};

bool by_name(const Member& a, const Member& b) {
  return a.name < b.name;
}

VersionIndex build(LuaVersion version) {
  VersionIndex index;
  const std::uint8_t bit = detail::version_bit(version);
  for (const detail::Row& row : detail::rows()) {
    bool documented = (row.documented & bit) != 0;
    bool compat = (row.compat & bit) != 0;
    if (!documented && !compat) continue;
    Member m{row.name, row.kind, !documented, row.params};
    if (row.table.empty()) {
      index.globals.push_back(m);
    } else {
      index.libraries[std::string(row.table)].push_back(m);
    }
  }
  std::sort(index.globals.begin(), index.globals.end(), by_name);
  for (auto& [name, members] : index.libraries) std::sort(members.begin(), members.end(), by_name);
  return index;
}

const VersionIndex& index_of(LuaVersion version) {
  // Built on first use; C++ makes the initialisation thread-safe.
  static const std::array<VersionIndex, 5> all = {
      build(LuaVersion::Lua51), build(LuaVersion::Lua52), build(LuaVersion::Lua53),
      build(LuaVersion::Lua54), build(LuaVersion::LuaJIT)};
  return all[static_cast<std::size_t>(version)];
}

const Member* find_in(std::span<const Member> members, std::string_view name) {
  auto it = std::lower_bound(members.begin(), members.end(), name,
                             [](const Member& m, std::string_view n) { return m.name < n; });
  if (it == members.end() || it->name != name) return nullptr;
  return &*it;
}

}  // namespace

std::span<const Member> globals(LuaVersion version) {
  return index_of(version).globals;
}

std::span<const Member> fields(LuaVersion version, std::string_view table) {
  const auto& libs = index_of(version).libraries;
  auto it = libs.find(table);
  if (it == libs.end()) return {};
  return it->second;
}

const Member* find_global(LuaVersion version, std::string_view name) {
  return find_in(globals(version), name);
}

const Member* find_field(LuaVersion version, std::string_view table, std::string_view name) {
  return find_in(fields(version, table), name);
}

// params -> item {"," item}; item -> name | "[" params "]" | "···"; brackets mark optional parts.
std::vector<Param> parameters(std::string_view params) {
  std::vector<Param> out;
  int depth = 0;
  std::size_t i = 0;
  auto is_name_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  while (i < params.size()) {
    char c = params[i];
    if (c == '[') {
      ++depth;
      ++i;
    } else if (c == ']') {
      --depth;
      ++i;
    } else if (params.substr(i).starts_with("···") || params.substr(i).starts_with("...")) {
      out.push_back(Param{"···", depth > 0, true});
      i += params.substr(i).starts_with("...") ? 3 : std::string_view("···").size();
    } else if (is_name_char(c)) {
      std::size_t start = i;
      while (i < params.size() && is_name_char(params[i])) ++i;
      Param p{params.substr(start, i - start), depth > 0, false};
      // "x2..." (LuaJIT's docs) is a named vararg; "func|true" names the first alternative.
      if (params.substr(i).starts_with("...")) {
        p.vararg = true;
        i += 3;
      }
      while (i < params.size() && params[i] == '|') {
        ++i;
        while (i < params.size() && is_name_char(params[i])) ++i;
      }
      out.push_back(p);
    } else {
      ++i;  // ',' and blanks
    }
  }
  return out;
}

}  // namespace moonring::lua::stdlib
