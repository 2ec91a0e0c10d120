// The Lua service's queries (lua_service.hpp): each runs lang/lua/query on the document the
// request is about (the open document's analysis, or one made now for a file that is not open)
// and the workspace index, and turns byte ranges into spans.
#include <map>

#include "lang/lua/config/load.hpp"
#include "lang/lua/query/completion.hpp"
#include "lang/lua/query/document_symbols.hpp"
#include "lang/lua/query/hover.hpp"
#include "lang/lua/query/references.hpp"
#include "lang/lua/query/rename.hpp"
#include "lang/lua/query/signature_help.hpp"
#include "lang/lua/query/symbol.hpp"
#include "lang/lua/services/lua_service.hpp"
#include "lang/lua/services/lua_service_trace.hpp"
#include "lang/lua/services/service_values.hpp"
#include "runtime/blocking_pool.hpp"

namespace moonring::lua {
namespace {

service::CompletionKind completion_kind(query::CompletionKind kind) {
  using K = query::CompletionKind;
  using S = service::CompletionKind;
  switch (kind) {
    case K::Local:
      return S::local;
    case K::Parameter:
      return S::parameter;
    case K::Global:
      return S::global;
    case K::Function:
      return S::function;
    case K::Field:
      return S::field;
    case K::Method:
      return S::method;
    case K::Module:
      return S::module;
    case K::Keyword:
      return S::keyword;
    case K::Snippet:
      return S::snippet;
  }
  return S::local;
}

service::OutlineSymbol outline(const workspace::Snapshot& doc, const query::DocumentSymbol& s) {
  service::OutlineSymbol out{
      s.name, s.detail, outline_kind(s.kind), span(doc, s.range), span(doc, s.selection), {}};
  out.children.reserve(s.children.size());
  for (const query::DocumentSymbol& child : s.children) out.children.push_back(outline(doc, child));
  return out;
}

}  // namespace

std::shared_ptr<const FileAnalysis> LuaService::analysis_of(const service::At& at) {
  last_query_ = std::chrono::steady_clock::now();
  if (auto o = open_.find(at.path);
      o != open_.end() && o->second.analysis && o->second.document == at.document)
    return o->second.analysis;
  // Not open, or the service has not taken the editor's latest text yet: the last analysis of
  // this very text, or one made now.
  const LuaVersion version = settings_ ? options_for(at.path).version : LuaVersion::Lua54;
  const auto analyse = [&at, version] { return analyze(at.document->text, version); };
  return recent_.get(at.path, at.document, version, analyse);
}

std::optional<workspace::SnapshotPtr> LuaService::known_text(const std::string& path,
                                                             Texts& texts) const {
  if (auto known = texts.find(path); known != texts.end()) return known->second;
  if (auto o = open_.find(path); o != open_.end()) {
    texts.emplace(path, o->second.document);
    return o->second.document;
  }
  return std::nullopt;
}

Task<workspace::SnapshotPtr> LuaService::text_of(const std::string& path, Texts& texts) {
  if (std::optional<workspace::SnapshotPtr> known = known_text(path, texts)) co_return *known;
  workspace::SnapshotPtr doc;
  auto text = co_await run_blocking([&path] { return config::read_text_file(path); });
  if (text) {
    auto read = std::make_shared<workspace::Snapshot>();
    read->uri = path;
    read->text = std::move(*text);
    read->lines = workspace::LineIndex(read->text);
    doc = std::move(read);
  }
  texts.emplace(path, doc);
  co_return doc;
}

Task<std::vector<service::Location>> LuaService::locations(const service::At& at,
                                                           std::vector<query::Location> found,
                                                           CancellationToken cancel) {
  Texts texts{{at.path, at.document}};
  std::vector<service::Location> out;
  out.reserve(found.size());
  for (query::Location& l : found) {
    if (cancel.cancelled()) break;
    std::optional<workspace::SnapshotPtr> known = known_text(l.path, texts);
    workspace::SnapshotPtr doc = known ? *known : nullptr;
    if (!known) doc = co_await text_of(l.path, texts);
    if (!doc) continue;  // gone since it was indexed
    out.push_back({std::move(l.path), span(*doc, l.range)});
  }
  co_return out;
}

Task<Result<std::optional<service::Hover>>> LuaService::hover(service::At at, CancellationToken) {
  TracedStep step("hover", true);
  std::shared_ptr<const FileAnalysis> a = analysis_of(at);
  auto found = query::hover(index_, at.path, a->parsed.tree, a->binding, at.offset);
  if (!found) co_return std::optional<service::Hover>{};
  service::Hover out;
  out.markdown = query::hover_markdown(*found);
  out.span = span(*at.document, found->range);
  co_return std::optional<service::Hover>(std::move(out));
}

Task<Result<std::vector<service::Location>>> LuaService::definition(service::At at,
                                                                    CancellationToken cancel) {
  std::shared_ptr<const FileAnalysis> a = analysis_of(at);
  std::vector<query::Location> found;
  if (auto symbol = query::symbol_at(a->parsed.tree, a->binding, at.offset))
    found = query::definitions(index_, at.path, a->parsed.tree, a->binding, *symbol);
  co_return co_await locations(at, std::move(found), cancel);
}

Task<Result<std::vector<service::Location>>> LuaService::declaration(service::At at,
                                                                     CancellationToken cancel) {
  std::shared_ptr<const FileAnalysis> a = analysis_of(at);
  std::vector<query::Location> found;
  if (auto symbol = query::symbol_at(a->parsed.tree, a->binding, at.offset)) {
    // Declared in this file: that name; else (a module member, a global set elsewhere) where
    // the workspace defines it.
    if (auto here = query::declaration(a->parsed.tree, a->binding, *symbol))
      found.push_back({at.path, *here, true, true});
    else
      found = query::definitions(index_, at.path, a->parsed.tree, a->binding, *symbol);
  }
  co_return co_await locations(at, std::move(found), cancel);
}

Task<Result<std::vector<service::Location>>> LuaService::references(service::At at,
                                                                    bool include_declaration,
                                                                    CancellationToken cancel) {
  std::shared_ptr<const FileAnalysis> a = analysis_of(at);
  std::vector<query::Location> found;
  if (auto symbol = query::symbol_at(a->parsed.tree, a->binding, at.offset))
    found = query::references(index_, at.path, a->parsed.tree, a->binding, *symbol,
                              include_declaration);
  if (cancel.cancelled()) co_return cancelled();
  co_return co_await locations(at, std::move(found), cancel);
}

Task<Result<std::vector<service::Occurrence>>> LuaService::highlights(service::At at,
                                                                      CancellationToken) {
  std::shared_ptr<const FileAnalysis> a = analysis_of(at);
  std::vector<service::Occurrence> out;
  if (auto symbol = query::symbol_at(a->parsed.tree, a->binding, at.offset))
    for (const query::Occurrence& o : query::occurrences(a->parsed.tree, a->binding, *symbol))
      out.push_back({span(*at.document, o.range), o.write});
  co_return out;
}

Task<Result<service::RenamePlace>> LuaService::prepare_rename(service::At at, CancellationToken) {
  std::shared_ptr<const FileAnalysis> a = analysis_of(at);
  query::RenameTarget target = query::prepare_rename(a->parsed.tree, a->binding, at.offset);
  if (!target.range)
    co_return refused(target.error.empty() ? "nothing to rename here" : target.error);
  co_return service::RenamePlace{span(*at.document, *target.range), std::move(target.placeholder)};
}

Task<Result<std::vector<service::TextEdit>>> LuaService::rename(service::At at,
                                                                std::string new_name,
                                                                CancellationToken cancel) {
  std::shared_ptr<const FileAnalysis> a = analysis_of(at);
  query::RenameResult result =
      query::rename(index_, at.path, a->parsed.tree, a->binding, at.offset, new_name);
  if (!result.error.empty()) co_return refused(std::move(result.error));
  Texts texts{{at.path, at.document}};
  std::vector<service::TextEdit> out;
  out.reserve(result.edits.size());
  for (query::TextEdit& e : result.edits) {
    if (cancel.cancelled()) co_return cancelled();
    std::optional<workspace::SnapshotPtr> known = known_text(e.path, texts);
    workspace::SnapshotPtr doc = known ? *known : nullptr;
    if (!known) doc = co_await text_of(e.path, texts);
    if (!doc) co_return refused("cannot read " + e.path + " to rename in it");
    out.push_back({std::move(e.path), span(*doc, e.range), std::move(e.new_text)});
  }
  co_return out;
}

Task<Result<service::Completion>> LuaService::completion(service::At at, CancellationToken) {
  std::shared_ptr<const FileAnalysis> a = analysis_of(at);
  query::Completion found = query::complete(index_, at.path, a->parsed.tree, a->binding, at.offset);
  service::Completion out;
  out.replace = span(*at.document, found.replace);
  out.items.reserve(found.items.size());
  for (query::CompletionItem& item : found.items)
    out.items.push_back({std::move(item.label), completion_kind(item.kind), std::move(item.detail),
                         std::move(item.documentation), std::move(item.snippet)});
  co_return out;
}

Task<Result<std::optional<service::Signature>>> LuaService::signature_help(service::At at,
                                                                           CancellationToken) {
  std::shared_ptr<const FileAnalysis> a = analysis_of(at);
  auto found = query::signature_help(index_, at.path, a->parsed.tree, a->binding, at.offset);
  if (!found) co_return std::optional<service::Signature>{};
  service::Signature out;
  out.label = std::move(found->label);
  for (const Range& p : found->parameters) out.parameters.push_back({p.start, p.end});
  out.active_parameter = found->active_parameter;
  out.documentation = std::move(found->doc);
  co_return std::optional<service::Signature>(std::move(out));
}

Task<Result<std::vector<service::OutlineSymbol>>> LuaService::document_symbols(service::At at,
                                                                               CancellationToken) {
  std::shared_ptr<const FileAnalysis> a = analysis_of(at);
  std::vector<service::OutlineSymbol> out;
  for (const query::DocumentSymbol& s : query::document_symbols(a->parsed.tree, a->binding))
    out.push_back(outline(*at.document, s));
  co_return out;
}

}  // namespace moonring::lua
