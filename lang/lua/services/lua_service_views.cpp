// The Lua service's views of a whole file or workspace (lua_service.hpp): workspace symbols,
// folding, selection ranges, links, inlay hints, semantic tokens and quick fixes.
#include "lang/lua/query/code_actions.hpp"
#include "lang/lua/query/document_links.hpp"
#include "lang/lua/query/folding.hpp"
#include "lang/lua/query/inlay_hints.hpp"
#include "lang/lua/query/selection.hpp"
#include "lang/lua/query/semantic_tokens.hpp"
#include "lang/lua/query/workspace_symbols.hpp"
#include "lang/lua/services/lua_service.hpp"
#include "lang/lua/services/luarc_fix.hpp"
#include "lang/lua/services/service_values.hpp"

namespace moonring::lua {

Task<Result<std::vector<service::SymbolInfo>>> LuaService::workspace_symbols(
    std::string query, CancellationToken cancel) {
  std::vector<query::WorkspaceSymbol> found = query::workspace_symbols(index_, query);
  Texts texts;
  std::vector<service::SymbolInfo> out;
  out.reserve(found.size());
  for (query::WorkspaceSymbol& s : found) {
    if (cancel.cancelled()) co_return cancelled();
    std::optional<workspace::SnapshotPtr> known = known_text(s.location.path, texts);
    workspace::SnapshotPtr doc = known ? *known : nullptr;
    if (!known) doc = co_await text_of(s.location.path, texts);
    if (!doc) continue;  // gone since it was indexed
    out.push_back({std::move(s.name),
                   std::move(s.container),
                   outline_kind(s.kind),
                   {std::move(s.location.path), span(*doc, s.location.range)}});
  }
  co_return out;
}

Task<Result<std::vector<service::Fold>>> LuaService::folding(service::At at, CancellationToken) {
  std::shared_ptr<const FileAnalysis> a = analysis_of(at);
  std::vector<service::Fold> out;
  for (const query::FoldingRange& f : query::folding_ranges(a->parsed.tree)) {
    // The construct's closing line stays visible: fold up to the line before it.
    const std::uint32_t first = place(*at.document, f.start).line;
    const std::uint32_t closing = place(*at.document, f.end).line;
    if (closing <= first) continue;
    out.push_back({first, closing - 1, f.kind == query::FoldingRange::Comment});
  }
  co_return out;
}

Task<Result<std::vector<service::Span>>> LuaService::selection(service::At at, CancellationToken) {
  std::shared_ptr<const FileAnalysis> a = analysis_of(at);
  std::vector<service::Span> out;
  for (const Range& r : query::selection_ranges(a->parsed.tree, at.offset))
    out.push_back(span(*at.document, r));
  co_return out;
}

Task<Result<std::vector<service::Link>>> LuaService::links(service::At at, CancellationToken) {
  std::shared_ptr<const FileAnalysis> a = analysis_of(at);
  std::vector<service::Link> out;
  for (query::DocumentLink& l : query::document_links(index_, a->parsed.tree, a->binding))
    out.push_back({span(*at.document, l.range), std::move(l.target)});
  co_return out;
}

Task<Result<std::vector<service::InlayHint>>> LuaService::inlay_hints(service::At at,
                                                                      service::ByteRange within,
                                                                      CancellationToken) {
  std::shared_ptr<const FileAnalysis> a = analysis_of(at);
  std::vector<service::InlayHint> out;
  for (query::InlayHint& h : query::inlay_hints(index_, at.path, a->parsed.tree, a->binding,
                                                Range{within.start, within.end}))
    out.push_back({place(*at.document, h.offset), std::move(h.label)});
  co_return out;
}

Task<Result<std::vector<service::SemanticToken>>> LuaService::semantic_tokens(
    service::At at, std::optional<service::ByteRange> within, CancellationToken) {
  std::shared_ptr<const FileAnalysis> a = analysis_of(at);
  const Range range = within ? Range{within->start, within->end} : Range{0, 0xFFFFFFFFu};
  std::vector<service::SemanticToken> out;
  for (const query::SemanticToken& t : query::semantic_tokens(a->parsed.tree, a->binding, range))
    out.push_back({span(*at.document, t.range), static_cast<std::uint32_t>(t.type), t.modifiers});
  co_return out;
}

service::TokenLegend LuaService::token_legend() const {
  service::TokenLegend legend;
  for (std::string_view t : query::token_types()) legend.types.emplace_back(t);
  for (std::string_view m : query::token_modifiers()) legend.modifiers.emplace_back(m);
  return legend;
}

Task<Result<std::vector<service::QuickFix>>> LuaService::quick_fixes(
    service::At at, std::vector<service::FixableDiagnostic> diagnostics, CancellationToken) {
  std::shared_ptr<const FileAnalysis> a = analysis_of(at);
  std::vector<service::QuickFix> out;
  const auto add = [&](std::optional<query::CodeAction> action, std::size_t index, bool preferred) {
    if (!action) return;
    service::QuickFix fix{std::move(action->title), {}, index, preferred};
    for (query::FileEdit& e : action->edits)
      fix.edits.push_back({at.path, span(*at.document, e.range), std::move(e.new_text)});
    out.push_back(std::move(fix));
  };
  for (const service::FixableDiagnostic& d : diagnostics) {
    if (d.code == "undefined-global")
      if (auto fix = co_await declare_global_fix(roots_, at.path, a->parsed.tree, a->binding,
                                                 d.offset, d.index))
        out.push_back(std::move(*fix));
    if (!d.code.starts_with("unused-")) continue;  // unused-local, -arg, -loop-var, -function
    add(query::prefix_with_underscore(a->parsed.tree, a->binding, d.offset), d.index, true);
    add(query::remove_unused_local(a->parsed.tree, a->binding, d.offset), d.index, false);
  }
  co_return out;
}

}  // namespace moonring::lua
