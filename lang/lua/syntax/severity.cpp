// Severity names: see severity.hpp.
#include "lang/lua/syntax/severity.hpp"

namespace moonring::lua {

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Information:
      return "information";
    case Severity::Hint:
      return "hint";
  }
  return "warning";
}

}  // namespace moonring::lua
