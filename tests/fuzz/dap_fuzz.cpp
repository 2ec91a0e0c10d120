// libFuzzer target: dap::decode on arbitrary bytes, and the typed arguments of its requests.
// Invariants: no crash; an Invalid (or a typed argument error) always has a reason; a decoded
// message re-encodes to JSON that decodes to the same fields.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "protocol/dap/arguments.hpp"
#include "protocol/dap/message.hpp"

namespace {

using moonring::protocol::Body;
using namespace moonring::dap;

void require(bool ok) {
  if (!ok) std::abort();
}

Message decode_message(const std::string& json) {
  auto decoded = decode(Body::copy_of(json));
  require(std::holds_alternative<Message>(decoded));
  return std::get<Message>(std::move(decoded));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto decoded = decode(Body::copy_of(input));
  if (const Invalid* bad = std::get_if<Invalid>(&decoded)) {
    require(!bad->reason.empty());
    return 0;
  }
  const Message& m = std::get<Message>(decoded);
  std::string out;
  switch (m.kind) {
    case Kind::request: {
      // The typed arguments: no crash, and an error always says what is wrong.
      InitializeArguments initialize;
      if (auto error = decode_initialize_arguments(m.arguments, initialize)) {
        require(error->rfind("initialize: ", 0) == 0);
      } else {
        require(!m.arguments.empty());
      }
      DisconnectArguments disconnect;
      if (auto error = decode_disconnect_arguments(m.arguments, disconnect)) {
        require(error->rfind("disconnect: ", 0) == 0);
      }
      append_request(out, m.seq, m.command, m.arguments);
      const Message again = decode_message(out);
      require(again.kind == Kind::request && again.seq == m.seq && again.command == m.command &&
              again.arguments == m.arguments);
      break;
    }
    case Kind::response: {
      append_response(out, m.seq, m.request_seq, m.command, m.success, m.message, m.body_json);
      const Message again = decode_message(out);
      require(again.kind == Kind::response && again.seq == m.seq &&
              again.request_seq == m.request_seq && again.command == m.command &&
              again.success == m.success && again.message == m.message &&
              again.body_json == m.body_json);
      break;
    }
    case Kind::event: {
      append_event(out, m.seq, m.event, m.body_json);
      const Message again = decode_message(out);
      require(again.kind == Kind::event && again.seq == m.seq && again.event == m.event &&
              again.body_json == m.body_json);
      break;
    }
  }
  return 0;
}
