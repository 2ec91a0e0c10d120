// See service_values.hpp.
#include "lang/lua/services/service_values.hpp"

#include <system_error>

namespace moonring::lua {

service::Place place(const workspace::Snapshot& doc, std::uint32_t offset) {
  const workspace::Position p8 = doc.position_at(offset, workspace::PositionEncoding::utf8);
  const workspace::Position p16 = doc.position_at(offset, workspace::PositionEncoding::utf16);
  return {p8.line, p8.character, p16.character};
}

service::Span span(const workspace::Snapshot& doc, Range r) {
  return {{r.start, r.end}, place(doc, r.start), place(doc, r.end)};
}

Error refused(std::string message) {
  return Error{std::make_error_code(std::errc::invalid_argument), std::move(message)};
}

Error cancelled() {
  return Error{std::make_error_code(std::errc::operation_canceled), "cancelled"};
}

service::OutlineKind outline_kind(query::OutlineKind kind) {
  using K = query::OutlineKind;
  using S = service::OutlineKind;
  switch (kind) {
    case K::Function:
      return S::function;
    case K::Method:
      return S::method;
    case K::Variable:
      return S::variable;
    case K::Constant:
      return S::constant;
    case K::Field:
      return S::field;
    case K::Module:
      return S::module;
  }
  return S::variable;
}

}  // namespace moonring::lua
