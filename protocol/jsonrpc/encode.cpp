// JSON-RPC 2.0 encoding: compact message bodies appended to the caller's string (so a reused
// string makes replies allocation-free). Raw JSON arguments are the caller's, copied verbatim.
#include <algorithm>
#include <charconv>

#include "protocol/jsonrpc/message.hpp"

namespace moonring::jsonrpc {
namespace {

void append_integer(std::string& out, int64_t n) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, result.ptr);
}

}  // namespace

void Id::append_json(std::string& out) const {
  switch (kind) {
    case Kind::integer:
      append_integer(out, integer);
      break;
    case Kind::string:
      append_json_string(out, string);
      break;
    case Kind::none:
    case Kind::null:
      out += "null";
      break;
  }
}

void append_request(std::string& out, const Id& id, std::string_view method,
                    std::string_view params_json) {
  out += R"({"jsonrpc":"2.0","id":)";
  id.append_json(out);
  out += R"(,"method":)";
  append_json_string(out, method);
  if (!params_json.empty()) {
    out += R"(,"params":)";
    out += params_json;
  }
  out += '}';
}

void append_notification(std::string& out, std::string_view method, std::string_view params_json) {
  out += R"({"jsonrpc":"2.0","method":)";
  append_json_string(out, method);
  if (!params_json.empty()) {
    out += R"(,"params":)";
    out += params_json;
  }
  out += '}';
}

void append_result_head(std::string& out, const Id& id) {
  constexpr std::string_view kHead = R"({"jsonrpc":"2.0","id":)";
  constexpr std::string_view kResult = R"(,"result":)";
  if (id.kind != Id::Kind::integer) {
    out += kHead;
    id.append_json(out);
    out += kResult;
    return;
  }
  // The usual reply: sized once, then filled (this runs once per request).
  char digits[24];
  const auto number = std::to_chars(digits, digits + sizeof digits, id.integer);
  const auto id_size = static_cast<std::size_t>(number.ptr - digits);
  const std::size_t at = out.size();
  out.resize(at + kHead.size() + id_size + kResult.size());
  char* p = out.data() + at;
  p = std::copy(kHead.begin(), kHead.end(), p);
  p = std::copy(digits, number.ptr, p);
  std::copy(kResult.begin(), kResult.end(), p);
}

void append_result(std::string& out, const Id& id, std::string_view result_json) {
  append_result_head(out, id);
  out += result_json.empty() ? std::string_view("null") : result_json;
  out += '}';
}

void append_error(std::string& out, const Id& id, const ErrorObject& error) {
  out += R"({"jsonrpc":"2.0","id":)";
  id.append_json(out);
  out += R"(,"error":{"code":)";
  append_integer(out, error.code);
  out += R"(,"message":)";
  append_json_string(out, error.message);
  if (!error.data_json.empty()) {
    out += R"(,"data":)";
    out += error.data_json;
  }
  out += "}}";
}

}  // namespace moonring::jsonrpc
