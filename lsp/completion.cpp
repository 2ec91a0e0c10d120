// textDocument/completion and completionItem/resolve (language.hpp). The list leaves out each
// item's documentation: an item carries where it was asked for, and resolve asks the service
// again there for that item's documentation. Snippets only for clients that take them.
#include <nlohmann/json.hpp>

#include "lsp/kinds.hpp"
#include "lsp/language.hpp"
#include "protocol/jsonrpc/message.hpp"
#include "runtime/io_op.hpp"

namespace moonring::lsp {
namespace {

using jsonrpc::Reply;
using nlohmann::json;
// At most this many items a reply; past it the list is marked incomplete, so the client asks
// again as the user types (and the typed part narrows the list on the server).
constexpr std::size_t kMaxItems = 100;

}  // namespace

Task<Reply> Language::completion(const jsonrpc::Message& m) {
  At at = co_await locate(m);
  if (at.error) co_return Reply{"null", std::move(at.error)};
  auto found = co_await service_->completion(at.at, current_token());
  if (!unchanged(at))
    co_return Reply::fail(jsonrpc::code::content_modified, "the document changed meanwhile");
  if (!found) co_return failed(found.error());
  const workspace::Position cursor = at.at.document->position_at(at.at.offset, store_.encoding());
  std::string data = "{\"uri\":";
  jsonrpc::append_json_string(data, at.uri);
  data += ",\"position\":{\"line\":" + std::to_string(cursor.line) +
          ",\"character\":" + std::to_string(cursor.character) + "}";
  std::string out;  // the items
  bool incomplete = false;
  bool first = true;
  std::size_t rank = 0;
  for (const service::CompletionItem& item : found->items) {
    const bool snippet = !item.snippet.empty() && client_.snippets;
    if (item.kind == service::CompletionKind::snippet && !snippet) continue;
    if (rank == kMaxItems) {
      incomplete = true;
      break;
    }
    if (!first) out += ',';
    first = false;
    out += "{\"label\":";
    jsonrpc::append_json_string(out, item.label);
    out += ",\"kind\":" + std::to_string(completion_item_kind(item.kind));
    if (!item.detail.empty()) {
      out += ",\"detail\":";
      jsonrpc::append_json_string(out, item.detail);
    }
    // The service's order: locals, upvalues, fields, globals, library, keywords.
    char sort[16];
    std::snprintf(sort, sizeof sort, "%06zu", rank++);
    out += ",\"sortText\":\"";
    out += sort;
    out += "\",\"filterText\":";
    jsonrpc::append_json_string(out, item.label);
    out += ",\"textEdit\":{\"range\":";
    append_span(out, found->replace);
    out += ",\"newText\":";
    jsonrpc::append_json_string(out, snippet ? item.snippet : item.label);
    out += '}';
    if (snippet) out += ",\"insertTextFormat\":2";
    out += ",\"data\":" + data + ",\"label\":";
    jsonrpc::append_json_string(out, item.label);
    out += "}}";
  }
  co_return Reply::ok(std::string("{\"isIncomplete\":") + (incomplete ? "true" : "false") +
                      ",\"items\":[" + out + "]}");
}

Task<Reply> Language::resolve_completion(const jsonrpc::Message& m) {
  json item = json::parse(m.params, nullptr, false);
  if (!item.is_object() || !item.contains("label"))
    co_return Reply::fail(jsonrpc::code::invalid_params,
                          "completionItem/resolve: params must be a CompletionItem");
  const json data = item.value("data", json());
  const bool ours = data.is_object() && data.value("uri", json()).is_string() &&
                    data.value("label", json()).is_string() &&
                    data.value("position", json()).is_object();
  if (!ours)
    co_return Reply::ok(item.dump(
        -1, ' ', false, json::error_handler_t::replace));  // not one of ours: nothing to add
  const json& p = data["position"];
  if (!p.value("line", json()).is_number_integer() ||
      !p.value("character", json()).is_number_integer())
    co_return Reply::ok(item.dump(-1, ' ', false, json::error_handler_t::replace));
  const Position position{p["line"].get<std::int64_t>(), p["character"].get<std::int64_t>()};
  const std::string label = data["label"].get<std::string>();
  At at = co_await locate(data["uri"].get<std::string>(), position);
  if (at.error)
    co_return Reply::ok(item.dump(
        -1, ' ', false, json::error_handler_t::replace));  // gone or changed: the item as it is
  auto found = co_await service_->completion(at.at, current_token());
  if (!found) co_return Reply::ok(item.dump(-1, ' ', false, json::error_handler_t::replace));
  for (const service::CompletionItem& c : found->items) {
    if (c.label != label || c.documentation.empty()) continue;
    item["documentation"] = {{"kind", "markdown"}, {"value", c.documentation}};
    break;
  }
  co_return Reply::ok(item.dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace moonring::lsp
