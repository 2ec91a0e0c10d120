// `moonring jsonrpc-echo`: the jsonrpc bench's subject (bench/jsonrpc). Its handlers do what a
// language server's do with the bench's messages: read the params into typed values, then write
// the reply from those values (no byte of the params is copied into a reply):
//   textDocument/hover               TextDocumentPositionParams in; a Hover naming the document,
//                                    the position and (after a didChange) the version out
//   textDocument/completion          a CompletionList in (the items a completion would find),
//                                    that CompletionList out
//   textDocument/publishDiagnostics  PublishDiagnosticsParams in, the same out
//   textDocument/didChange           read into the document's uri, version and changes, kept
//   any other request                parsed into simdjson's DOM and serialised from it
#include <simdjson.h>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "app/protocol_commands.hpp"
#include "app/serve.hpp"
#include "protocol/jsonrpc/endpoint.hpp"
#include "protocol/lsp/hover.hpp"
#include "protocol/lsp/position.hpp"
#include "protocol/wire.hpp"

namespace moonring::app {

namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;

// ---- the values ---------------------------------------------------------------------------

struct MarkupContent {
  std::string kind;
  std::string value;
};

struct CompletionItem {
  std::string label;
  std::optional<int64_t> kind;
  std::optional<std::string> detail;
  std::optional<MarkupContent> documentation;
  std::optional<std::string> sort_text;
  std::optional<std::string> insert_text;
};

struct CompletionList {
  bool is_incomplete = false;
  std::vector<CompletionItem> items;
};

struct Diagnostic {
  lsp::Range range;
  std::optional<int64_t> severity;
  std::variant<std::monostate, int64_t, std::string> code;
  std::optional<std::string> source;
  std::string message;
};

struct PublishDiagnosticsParams {
  std::string uri;
  std::optional<int64_t> version;
  std::vector<Diagnostic> diagnostics;
};

struct ContentChange {
  std::optional<lsp::Range> range;
  std::string text;
};

struct DidChangeParams {
  std::string uri;
  int64_t version = 0;
  std::vector<ContentChange> changes;
};

// ---- reading them (simdjson on-demand; unknown fields are skipped) -------------------------

class Reader {
 public:
  // The field at fault after a failed read ("label"), for the -32602 message.
  const std::string& field() const { return field_; }

  error_code read(od::value v, std::string& out) {
    std::string_view s;
    if (auto e = v.get_string().get(s)) return e;
    out.assign(s);
    return SUCCESS;
  }
  error_code read(od::value v, int64_t& out) { return v.get_int64().get(out); }
  error_code read(od::value v, bool& out) { return v.get_bool().get(out); }
  template <typename T>
  error_code read(od::value v, std::optional<T>& out) {
    return read(v, out.emplace());
  }
  template <typename T>
  error_code read(od::value v, std::vector<T>& out) {
    od::array array;
    if (auto e = v.get_array().get(array)) return e;
    for (auto element : array) {
      od::value x;
      if (auto e = element.get(x)) return e;
      if (auto e = read(x, out.emplace_back())) return e;
    }
    return SUCCESS;
  }

  error_code read(od::value v, lsp::Position& out) {
    bool line = false, character = false;
    if (auto e = fields(v, [&](std::string_view key, od::value x) -> error_code {
          if (key == "line") {
            line = true;
            return read(x, out.line);
          }
          if (key == "character") {
            character = true;
            return read(x, out.character);
          }
          return SUCCESS;
        })) {
      return e;
    }
    if (auto e = require(line, "line")) return e;
    return require(character, "character");
  }
  error_code read(od::value v, lsp::Range& out) {
    bool start = false, end = false;
    if (auto e = fields(v, [&](std::string_view key, od::value x) -> error_code {
          if (key == "start") {
            start = true;
            return read(x, out.start);
          }
          if (key == "end") {
            end = true;
            return read(x, out.end);
          }
          return SUCCESS;
        })) {
      return e;
    }
    if (auto e = require(start, "start")) return e;
    return require(end, "end");
  }
  error_code read(od::value v, MarkupContent& out) {
    return fields(v, [&](std::string_view key, od::value x) -> error_code {
      if (key == "kind") return read(x, out.kind);
      if (key == "value") return read(x, out.value);
      return SUCCESS;
    });
  }
  error_code read(od::value v, CompletionItem& out) {
    bool label = false;
    if (auto e = fields(v, [&](std::string_view key, od::value x) -> error_code {
          if (key == "label") {
            label = true;
            return read(x, out.label);
          }
          if (key == "kind") return read(x, out.kind);
          if (key == "detail") return read(x, out.detail);
          if (key == "documentation") return read(x, out.documentation);
          if (key == "sortText") return read(x, out.sort_text);
          if (key == "insertText") return read(x, out.insert_text);
          return SUCCESS;
        })) {
      return e;
    }
    return require(label, "label");
  }
  error_code read(od::value v, CompletionList& out) {
    return fields(v, [&](std::string_view key, od::value x) -> error_code {
      if (key == "isIncomplete") return read(x, out.is_incomplete);
      if (key == "items") return read(x, out.items);
      return SUCCESS;
    });
  }
  error_code read(od::value v, Diagnostic& out) {
    bool range = false, message = false;
    if (auto e = fields(v, [&](std::string_view key, od::value x) -> error_code {
          if (key == "range") {
            range = true;
            return read(x, out.range);
          }
          if (key == "severity") return read(x, out.severity);
          if (key == "code") return read_code(x, out.code);
          if (key == "source") return read(x, out.source);
          if (key == "message") {
            message = true;
            return read(x, out.message);
          }
          return SUCCESS;
        })) {
      return e;
    }
    if (auto e = require(range, "range")) return e;
    return require(message, "message");
  }
  error_code read(od::value v, PublishDiagnosticsParams& out) {
    bool uri = false, diagnostics = false;
    if (auto e = fields(v, [&](std::string_view key, od::value x) -> error_code {
          if (key == "uri") {
            uri = true;
            return read(x, out.uri);
          }
          if (key == "version") return read(x, out.version);
          if (key == "diagnostics") {
            diagnostics = true;
            return read(x, out.diagnostics);
          }
          return SUCCESS;
        })) {
      return e;
    }
    if (auto e = require(uri, "uri")) return e;
    return require(diagnostics, "diagnostics");
  }
  error_code read(od::value v, ContentChange& out) {
    bool text = false;
    if (auto e = fields(v, [&](std::string_view key, od::value x) -> error_code {
          if (key == "range") return read(x, out.range);
          if (key == "text") {
            text = true;
            return read(x, out.text);
          }
          return SUCCESS;
        })) {
      return e;
    }
    return require(text, "text");
  }
  error_code read(od::value v, DidChangeParams& out) {
    bool document = false, changes = false;
    if (auto e = fields(v, [&](std::string_view key, od::value x) -> error_code {
          if (key == "textDocument") {
            document = true;
            return read_document(x, out);
          }
          if (key == "contentChanges") {
            changes = true;
            return read(x, out.changes);
          }
          return SUCCESS;
        })) {
      return e;
    }
    if (auto e = require(document, "textDocument")) return e;
    return require(changes, "contentChanges");
  }

 private:
  // Calls `on_field(key, value)` for each field of the object `v`; the first failure's key is
  // kept (the innermost, since inner objects fail first).
  template <typename OnField>
  error_code fields(od::value v, OnField on_field) {
    od::object object;
    if (auto e = v.get_object().get(object)) return e;
    for (auto field : object) {
      std::string_view key;
      od::value value;
      if (auto e = field.unescaped_key().get(key)) return e;
      if (auto e = field.value().get(value)) return e;
      if (auto e = on_field(key, value)) {
        if (field_.empty()) field_ = key;
        return e;
      }
    }
    return SUCCESS;
  }
  // NO_SUCH_FIELD, naming the field, when a required field was not seen.
  error_code require(bool seen, std::string_view name) {
    if (seen) return SUCCESS;
    if (field_.empty()) field_ = name;
    return simdjson::NO_SUCH_FIELD;
  }
  error_code read_code(od::value v, std::variant<std::monostate, int64_t, std::string>& out) {
    od::json_type type;
    if (auto e = v.type().get(type)) return e;
    if (type == od::json_type::number) return read(v, out.emplace<int64_t>());
    return read(v, out.emplace<std::string>());
  }
  error_code read_document(od::value v, DidChangeParams& out) {
    bool uri = false, version = false;
    if (auto e = fields(v, [&](std::string_view key, od::value x) -> error_code {
          if (key == "uri") {
            uri = true;
            return read(x, out.uri);
          }
          if (key == "version") {
            version = true;
            return read(x, out.version);
          }
          return SUCCESS;
        })) {
      return e;
    }
    if (auto e = require(uri, "uri")) return e;
    return require(version, "version");
  }

  std::string field_;
};

// ---- writing them -------------------------------------------------------------------------

void put(std::string& out, int64_t n) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, end);
}
void put(std::string& out, std::string_view s) {
  jsonrpc::append_json_string(out, s);
}

// `,"name":` (a member after the object's first).
void key(std::string& out, std::string_view name) {
  out += ",\"";
  out += name;
  out += "\":";
}

// `,"name":value`.
template <typename T>
void member(std::string& out, std::string_view name, const T& value) {
  key(out, name);
  put(out, value);
}

void put(std::string& out, const CompletionItem& item) {
  out += R"({"label":)";
  put(out, item.label);
  if (item.kind) member(out, "kind", *item.kind);
  if (item.detail) member(out, "detail", *item.detail);
  if (item.documentation) {
    key(out, "documentation");
    out += R"({"kind":)";
    put(out, item.documentation->kind);
    key(out, "value");
    put(out, item.documentation->value);
    out += '}';
  }
  if (item.sort_text) member(out, "sortText", *item.sort_text);
  if (item.insert_text) member(out, "insertText", *item.insert_text);
  out += '}';
}

void put(std::string& out, const CompletionList& list) {
  out += list.is_incomplete ? R"({"isIncomplete":true,"items":[)"
                            : R"({"isIncomplete":false,"items":[)";
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    if (i > 0) out += ',';
    put(out, list.items[i]);
  }
  out += "]}";
}

void put(std::string& out, const Diagnostic& d) {
  out += R"({"range":)";
  lsp::append_range(out, d.range);
  if (d.severity) member(out, "severity", *d.severity);
  if (const auto* n = std::get_if<int64_t>(&d.code)) member(out, "code", *n);
  if (const auto* s = std::get_if<std::string>(&d.code)) member(out, "code", *s);
  if (d.source) member(out, "source", *d.source);
  key(out, "message");
  put(out, d.message);
  out += '}';
}

void put(std::string& out, const PublishDiagnosticsParams& p) {
  out += R"({"uri":)";
  put(out, p.uri);
  if (p.version) member(out, "version", *p.version);
  out += R"(,"diagnostics":[)";
  for (std::size_t i = 0; i < p.diagnostics.size(); ++i) {
    if (i > 0) out += ',';
    put(out, p.diagnostics[i]);
  }
  out += "]}";
}

// ---- the session --------------------------------------------------------------------------

// A request's params as simdjson reads them in place: the body they are a view into has its
// padding after it.
simdjson::padded_string_view padded_params(const jsonrpc::Message& m) {
  const protocol::Body* body = m.body.get();
  const auto room = static_cast<std::size_t>(body->data() + body->padded_size() - m.params.data());
  return simdjson::padded_string_view(m.params.data(), m.params.size(), room);
}

class EchoSession {
 public:
  explicit EchoSession(jsonrpc::Endpoint& endpoint) {
    endpoint.dispatcher().on_request_inline(
        "textDocument/hover",
        [this](const jsonrpc::Message& m, jsonrpc::Responder& reply) { hover(m, reply); },
        jsonrpc::ParamsCheck::deferred);
    endpoint.on_request_inline("textDocument/completion",
                               [this](const jsonrpc::Message& m, jsonrpc::Responder& reply) {
                                 typed<CompletionList>(m, reply);
                               });
    endpoint.on_request_inline("textDocument/publishDiagnostics",
                               [this](const jsonrpc::Message& m, jsonrpc::Responder& reply) {
                                 typed<PublishDiagnosticsParams>(m, reply);
                               });
    endpoint.on_notification_inline("textDocument/didChange",
                                    [this](const jsonrpc::Message& m) { did_change(m); });
    endpoint.set_fallback_inline(
        [this](const jsonrpc::Message& m, jsonrpc::Responder& reply) { any(m, reply); });
  }

 private:
  void hover(const jsonrpc::Message& m, jsonrpc::Responder& reply) {
    lsp::TextDocumentPositionParams params;
    if (auto error = lsp::decode_position_params(m, params)) {
      return reply.error(error->code, error->message);
    }
    const lsp::Position at = params.position;
    markdown_.assign("`");
    markdown_ += params.uri();
    markdown_ += "` line ";
    put(markdown_, at.line + 1);
    markdown_ += ", character ";
    put(markdown_, at.character + 1);
    if (document_.uri == params.uri()) {
      markdown_ += ", version ";
      put(markdown_, document_.version);
    }
    lsp::append_hover(reply.result(),
                      lsp::Hover{markdown_, lsp::Range{at, {at.line, at.character + 1}}});
  }

  // Reads the params into a T and answers with that T written out.
  template <typename T>
  void typed(const jsonrpc::Message& m, jsonrpc::Responder& reply) {
    T value;
    Reader reader;
    od::document doc;
    od::value root;
    error_code e = parser_.iterate(padded_params(m)).get(doc);
    if (!e) e = doc.get_value().get(root);
    if (!e) e = reader.read(root, value);
    if (e) return invalid(reply, reader, e);
    put(reply.result(), value);
  }

  void did_change(const jsonrpc::Message& m) {
    DidChangeParams change;
    Reader reader;
    od::document doc;
    od::value root;
    error_code e = parser_.iterate(padded_params(m)).get(doc);
    if (!e) e = doc.get_value().get(root);
    if (!e) e = reader.read(root, change);
    if (e) {
      std::fprintf(stderr, "moonring jsonrpc-echo: didChange: %s: %s\n", reader.field().c_str(),
                   simdjson::error_message(e));
      return;
    }
    document_ = std::move(change);
  }

  void any(const jsonrpc::Message& m, jsonrpc::Responder& reply) {
    if (m.params.empty()) {
      reply.result() += "null";
      return;
    }
    simdjson::dom::element root;
    // No reallocation: the body's padding follows the params.
    if (auto e = dom_.parse(m.params.data(), m.params.size(), false).get(root)) {
      return reply.error(jsonrpc::code::invalid_params, simdjson::error_message(e));
    }
    reply.result() += simdjson::minify(root);
  }

  static void invalid(jsonrpc::Responder& reply, const Reader& reader, error_code e) {
    std::string message = "invalid params: ";
    if (!reader.field().empty()) message += "'" + reader.field() + "': ";
    message += e == simdjson::NO_SUCH_FIELD ? "missing required field" : simdjson::error_message(e);
    reply.error(jsonrpc::code::invalid_params, message);
  }

  od::parser parser_;
  simdjson::dom::parser dom_;
  std::string markdown_;
  DidChangeParams document_;  // the last didChange: what a server would apply to its document
};

}  // namespace

int jsonrpc_echo_command(std::vector<std::string_view> args) {
  return serve("jsonrpc-echo", std::move(args),
               [](FdStream& in, FdStream& out, std::string name) -> Task<int> {
                 protocol::Wire wire(in, out, "jsonrpc-echo " + name);
                 jsonrpc::Endpoint endpoint(wire);
                 EchoSession session(endpoint);
                 auto served = co_await endpoint.run();
                 if (!served)
                   std::fprintf(stderr, "moonring: %s\n", served.error().message().c_str());
                 co_return 0;
               });
}

}  // namespace moonring::app
