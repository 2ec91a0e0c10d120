// libFuzzer target: jsonrpc::decode on arbitrary bytes. Invariants: no crash; decode (with its
// fast path for the usual request) agrees with the general decoder, and so do the two paths of
// the typed position params, and a decode that defers the params check to the typed reader; views
// lie inside the body;
// every decoded message and every error reply re-encodes to JSON that decodes to the same thing (a
// request's result reply included); any bytes as a method name encode to valid JSON.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "protocol/jsonrpc/decode_paths.hpp"
#include "protocol/jsonrpc/message.hpp"
#include "protocol/lsp/position.hpp"

namespace {

using moonring::protocol::Body;
using namespace moonring::jsonrpc;

void require(bool ok) {
  if (!ok) std::abort();
}

bool inside(std::string_view view, const Message& m) {
  return view.empty() || (view.data() >= m.body->data() &&
                          view.data() + view.size() <= m.body->data() + m.body->size());
}

// `json` must decode to exactly one message.
Message one_message(const std::string& json) {
  Decoded d = decode(Body::copy_of(json));
  require(!d.batch && d.items.size() == 1);
  Message* m = std::get_if<Message>(&d.items[0]);
  require(m != nullptr);
  return std::move(*m);
}

// Typed position params: the fast path agrees with the general one on any decoded params.
void check_position_params(std::string_view params) {
  moonring::lsp::TextDocumentPositionParams fast;
  moonring::lsp::TextDocumentPositionParams general;
  const auto a = moonring::lsp::decode_position_params(params, fast);
  const auto b = moonring::lsp::decode_position_params_general(params, general);
  require(a.has_value() == b.has_value());
  if (a) {
    require(a->code == code::invalid_params && a->message == b->message);
  } else {
    require(fast.uri() == general.uri() && fast.position == general.position);
  }
}

void check_message(const Message& m) {
  require(m.body != nullptr);
  if (!m.params.empty()) check_position_params(m.params);
  require(inside(m.method, m) && inside(m.params, m) && inside(m.result, m));
  std::string out;
  switch (m.kind) {
    case Kind::request: {
      append_request(out, m.id, m.method, m.params);
      const Message again = one_message(out);
      require(again.kind == Kind::request && again.id == m.id && again.method == m.method &&
              again.params == m.params);
      out.clear();
      const std::string_view result = m.params.empty() ? "null" : m.params;
      append_result(out, m.id, result);
      const Message reply = one_message(out);
      require(reply.kind == Kind::response && reply.id == m.id && reply.result == result);
      break;
    }
    case Kind::notification: {
      append_notification(out, m.method, m.params);
      const Message again = one_message(out);
      require(again.kind == Kind::notification && again.method == m.method &&
              again.params == m.params);
      break;
    }
    case Kind::response: {
      if (m.error) {
        append_error(out, m.id, *m.error);
      } else {
        append_result(out, m.id, m.result);
      }
      const Message again = one_message(out);
      require(again.kind == Kind::response && again.id == m.id && again.result == m.result);
      require(again.error.has_value() == m.error.has_value());
      if (m.error) {
        require(again.error->code == m.error->code && again.error->message == m.error->message &&
                again.error->data_json == m.error->data_json);
      }
      break;
    }
  }
}

void check_invalid(const Invalid& bad) {
  require(bad.error.code == code::parse_error || bad.error.code == code::invalid_request);
  require(!bad.error.message.empty());
  std::string out;
  append_error(out, bad.id, bad.error);
  const Message reply = one_message(out);
  require(reply.kind == Kind::response && reply.error && reply.error->code == bad.error.code &&
          reply.error->message == bad.error.message);
  require(reply.id == (bad.id.kind == Id::Kind::none ? Id::null_id() : bad.id));
}

bool same(const Item& a, const Item& b) {
  if (a.index() != b.index()) return false;
  if (const Message* x = std::get_if<Message>(&a)) {
    const Message& y = std::get<Message>(b);
    return x->kind == y.kind && x->id == y.id && x->method == y.method && x->params == y.params &&
           x->result == y.result && x->error.has_value() == y.error.has_value() &&
           (!x->error ||
            (x->error->code == y.error->code && x->error->message == y.error->message &&
             x->error->data_json == y.error->data_json));
  }
  const Invalid& x = std::get<Invalid>(a);
  const Invalid& y = std::get<Invalid>(b);
  return x.id == y.id && x.error.code == y.error.code && x.error.message == y.error.message;
}

// A body decoded with the params check deferred: when its params are JSON, it is the message
// the checked decode gives, and the typed reader (which then checks them) reads what it reads
// from the checked one; when they are not, the typed reader says so (a dispatcher then decodes
// the body again, checked).
void check_deferred(std::string_view input, const Decoded& checked) {
  Decoded deferred;
  decode(Body::copy_of(input), deferred, ParamsCheck::deferred);
  if (deferred.batch || deferred.items.size() != 1) return;
  const Message* m = std::get_if<Message>(&deferred.items[0]);
  if (m == nullptr || m->params_checked) {
    require(same(deferred.items[0], checked.items[0]));
    return;
  }
  moonring::lsp::TextDocumentPositionParams read_once;
  const auto error = moonring::lsp::decode_position_params(*m, read_once);
  if (!params_are_json(*m)) {
    require(error && error->code == code::parse_error);
    return;
  }
  require(same(deferred.items[0], checked.items[0]));
  const Message& c = std::get<Message>(checked.items[0]);
  moonring::lsp::TextDocumentPositionParams read_checked;
  const auto expected = moonring::lsp::decode_position_params(c.params, read_checked);
  require(error.has_value() == expected.has_value());
  if (error) {
    require(error->code == expected->code && error->message == expected->message);
  } else {
    require(read_once.uri() == read_checked.uri() && read_once.position == read_checked.position);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const Decoded decoded = decode(Body::copy_of(input));
  require(!decoded.items.empty());
  require(decoded.batch || decoded.items.size() == 1);
  const Decoded general = detail::decode_general(Body::copy_of(input));
  require(general.batch == decoded.batch && general.items.size() == decoded.items.size());
  for (std::size_t i = 0; i < general.items.size(); ++i)
    require(same(general.items[i], decoded.items[i]));
  check_deferred(input, decoded);
  for (const Item& item : decoded.items) {
    if (const Message* m = std::get_if<Message>(&item)) {
      check_message(*m);
    } else {
      check_invalid(std::get<Invalid>(item));
    }
  }

  // Any bytes as a method name: the escaper must still produce valid JSON (and keep valid UTF-8).
  std::string out;
  append_notification(out, input, "");
  const Message note = one_message(out);
  require(note.kind == Kind::notification);
  if (simdjson::validate_utf8(input.data(), input.size())) require(note.method == input);
  return 0;
}
