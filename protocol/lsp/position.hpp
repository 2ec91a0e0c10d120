// LSP positions, typed: Position, Range, and TextDocumentPositionParams (the params of hover,
// definition, references, completion...). Decoding ignores unknown fields; a missing or mistyped
// required field is -32602 naming it. The usual params, as clients send them, are read with plain
// compares; anything else goes through simdjson (the two agree: a test and the fuzzer check it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/jsonrpc/message.hpp"

namespace moonring::lsp {

// Zero-based; `character` counts in the negotiated position encoding. Both are LSP uintegers
// (0 to 2^31 - 1).
struct Position {
  int64_t line = 0;
  int64_t character = 0;
  bool operator==(const Position&) const = default;
};

struct Range {
  Position start;
  Position end;
  bool operator==(const Range&) const = default;
};

struct TextDocumentPositionParams {
  Position position;
  // textDocument.uri: a view into the params it was decoded from, or into `unescaped` when the
  // JSON string had escapes.
  std::string_view uri() const { return escaped_ ? std::string_view(unescaped_) : uri_; }

 private:
  friend std::optional<jsonrpc::ErrorObject> decode_position_params_general(
      std::string_view, TextDocumentPositionParams&);
  friend std::optional<jsonrpc::ErrorObject> decode_position_params(std::string_view,
                                                                    TextDocumentPositionParams&);
  friend std::optional<jsonrpc::ErrorObject> decode_position_params(const jsonrpc::Message&,
                                                                    TextDocumentPositionParams&);
  // What the fast path read: a URI without escapes.
  void set_plain(std::string_view uri, Position at) {
    position = at;
    uri_ = uri;
    unescaped_.clear();
    escaped_ = false;
  }
  std::string_view uri_;
  std::string unescaped_;
  bool escaped_ = false;
};

// Decodes `params_json` (a request's raw params) into `out`: nullopt, or the -32602 error naming
// the field at fault ("missing required field 'position.line'").
std::optional<jsonrpc::ErrorObject> decode_position_params(std::string_view params_json,
                                                           TextDocumentPositionParams& out);
// A request's params, which the dispatcher may have left unchecked (ParamsCheck::deferred): the
// fast path accepts only valid JSON; anything else is checked first, and params that are not JSON
// give a -32700 error (in a dispatcher, answering it makes the dispatcher read the whole message
// again with the general decoder and answer that instead).
std::optional<jsonrpc::ErrorObject> decode_position_params(const jsonrpc::Message& request,
                                                           TextDocumentPositionParams& out);
// The same without the fast path (for the tests and the fuzzer).
std::optional<jsonrpc::ErrorObject> decode_position_params_general(std::string_view params_json,
                                                                   TextDocumentPositionParams& out);

// {"line":L,"character":C} and {"start":...,"end":...} appended to `out`.
void append_position(std::string& out, const Position& position);
void append_range(std::string& out, const Range& range);
// A range written at `out` (room for kMaxRangeJson bytes); returns the end of what it wrote.
inline constexpr std::size_t kMaxRangeJson = 160;
char* write_range(char* out, const Range& range);

}  // namespace moonring::lsp
