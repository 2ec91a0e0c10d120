// The undefined-global quick fix's two halves: the name at the diagnostic, the new .luarc.json.
#include "lang/lua/query/global_fix.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace moonring::lua::query {

namespace {

using Json = nlohmann::ordered_json;

// The array `name` goes into, made where missing; nullptr when a key there is of another type.
Json* globals_of(Json& luarc) {
  if (auto flat = luarc.find("diagnostics.globals"); flat != luarc.end())
    return flat->is_array() ? &*flat : nullptr;
  Json& diagnostics = luarc["diagnostics"];
  if (diagnostics.is_null()) diagnostics = Json::object();
  if (!diagnostics.is_object()) return nullptr;
  Json& globals = diagnostics["globals"];
  if (globals.is_null()) globals = Json::array();
  return globals.is_array() ? &globals : nullptr;
}

}  // namespace

std::optional<std::string> global_at(const Tree& tree, const FileBinding& binding,
                                     std::uint32_t offset) {
  for (const GlobalAccess& g : binding.globals)
    if (g.range.start <= offset && offset <= g.range.end) return std::string(global_name(tree, g));
  return std::nullopt;
}

std::optional<std::string> luarc_with_global(std::optional<std::string_view> text,
                                             std::string_view name) {
  Json luarc = Json::object();
  if (text && text->find_first_not_of(" \t\r\n") != std::string_view::npos) {
    // Strict JSON: a comment makes this fail, and the fix is not offered rather than lose it.
    luarc = Json::parse(*text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/false);
    if (!luarc.is_object()) return std::nullopt;
  }
  Json* globals = globals_of(luarc);
  if (!globals) return std::nullopt;
  if (std::find(globals->begin(), globals->end(), Json(name)) != globals->end())
    return std::nullopt;
  globals->push_back(std::string(name));
  return luarc.dump(2) + "\n";
}

}  // namespace moonring::lua::query
