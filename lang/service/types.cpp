// Names of the service's enumerations, for logs and messages.
#include "lang/service/types.hpp"

namespace moonring::service {

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::information:
      return "information";
    case Severity::hint:
      return "hint";
  }
  return "?";
}

}  // namespace moonring::service
