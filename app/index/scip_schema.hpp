// The numbers of third_party/scip/scip.proto that the index writes and the merge reads: enum
// values and which fields are embedded messages. Written out here so that `moonring` needs no
// protobuf runtime (libprotobuf cost every command ~0.7 ms and 77 page faults at start); the
// tests decode what is written with protoc and the generated classes, which checks these.
#pragma once

#include <cstdint>

namespace moonring::app::scip_schema {

// SymbolInformation.Kind
enum class Kind : std::int32_t {
  unspecified = 0,
  field = 15,
  function = 17,
  method = 26,
  parameter = 37,
  variable = 61
};

// Severity
enum class Severity : std::int32_t {
  unspecified = 0,
  error = 1,
  warning = 2,
  information = 3,
  hint = 4
};

// DiagnosticTag
enum class DiagnosticTag : std::int32_t { unnecessary = 1, deprecated = 2 };

// SymbolRole (bits)
inline constexpr std::int32_t kDefinition = 0x1;
inline constexpr std::int32_t kWriteAccess = 0x4;
inline constexpr std::int32_t kReadAccess = 0x8;

// PositionEncoding, TextEncoding
inline constexpr std::int32_t kUtf16CodeUnitOffsetFromLineStart = 2;
inline constexpr std::int32_t kUtf8 = 1;

// The messages a Document holds, and which of their fields are messages themselves.
enum class Message : std::uint8_t {
  document,
  occurrence,
  symbol_information,
  relationship,
  diagnostic
};

// The message type of `field` of `m`, or false when that field is not a message.
constexpr bool embedded(Message m, std::uint32_t field, Message& out) {
  switch (m) {
    case Message::document:  // 2 occurrences, 3 symbols
      if (field == 2) return out = Message::occurrence, true;
      if (field == 3) return out = Message::symbol_information, true;
      return false;
    case Message::occurrence:  // 6 diagnostics
      if (field == 6) return out = Message::diagnostic, true;
      return false;
    case Message::symbol_information:  // 4 relationships, 7 signature_documentation
      if (field == 4) return out = Message::relationship, true;
      if (field == 7) return out = Message::document, true;
      return false;
    case Message::relationship:
    case Message::diagnostic:
      return false;
  }
  return false;
}

}  // namespace moonring::app::scip_schema
