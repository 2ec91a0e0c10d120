// SCIP's symbol grammar (third_party/scip/scip.proto, message Symbol): escaping and descriptors.
#include "lang/lua/index/scip_symbol.hpp"

namespace moonring::lua::index {
namespace {

bool identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '+' || c == '-' || c == '$';
}

// A package part: spaces doubled, `.` for an empty one.
void append_part(std::string& out, std::string_view part) {
  if (part.empty()) {
    out += '.';
    return;
  }
  for (char c : part) {
    out += c;
    if (c == ' ') out += ' ';
  }
}

}  // namespace

std::string symbol_prefix(const Package& package) {
  std::string out = "moonring . ";
  append_part(out, package.name);
  out += ' ';
  append_part(out, package.version);
  out += ' ';
  return out;
}

std::string descriptor_name(std::string_view name) {
  bool simple = !name.empty();
  for (char c : name) simple = simple && identifier_char(c);
  if (simple) return std::string(name);
  std::string out = "`";
  for (char c : name) {
    out += c;
    if (c == '`') out += '`';
  }
  out += '`';
  return out;
}

std::string module_descriptors(std::string_view relative_path) {
  if (relative_path.ends_with(".lua")) relative_path.remove_suffix(4);
  std::string out;
  while (!relative_path.empty()) {
    std::size_t slash = relative_path.find('/');
    std::string_view part = relative_path.substr(0, slash);
    if (!part.empty()) out += descriptor_name(part) + '/';
    if (slash == std::string_view::npos) break;
    relative_path.remove_prefix(slash + 1);
  }
  return out;
}

std::string term_or_method(std::string_view name, bool function) {
  return descriptor_name(name) + (function ? "()." : ".");
}

}  // namespace moonring::lua::index
