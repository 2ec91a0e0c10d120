// The checker's three phases: analyze (parse + bind), merge the assigned globals, check a file.
#include "lang/lua/check/check.hpp"

#include <algorithm>

#include "lang/lua/check/rules.hpp"
#include "lang/lua/semantic/binder.hpp"

namespace moonring::lua {

FileAnalysis analyze(std::string_view source, LuaVersion version) {
  FileAnalysis file{parse(source, version), {}};
  file.binding = bind(file.parsed.tree);
  return file;
}

FileAnalysis analyze_view(std::string_view source, LuaVersion version) {
  FileAnalysis file{parse_view(source, version), {}};
  file.binding = bind(file.parsed.tree);
  return file;
}

FileAnalysis analyze_view_for_check(std::string_view source, LuaVersion version) {
  FileAnalysis file{parse_view(source, version), {}};
  file.binding = bind(file.parsed.tree, NameRefs::Skip);
  return file;
}

void add_assigned_globals(const FileAnalysis& file, GlobalSet& into) {
  for (const GlobalAccess& g : file.binding.globals)
    if (g.kind == AccessKind::Set) into.add(global_name(file.parsed.tree, g));
}

namespace rules {

void RuleContext::report(DiagnosticCode code, Range range, std::string message) const {
  if (!enabled(code)) return;
  Diagnostic d;
  d.code = code;
  d.severity = options.policy.severity_of(code);
  d.range = range;
  d.start = tree.position(range.start);
  d.end = tree.position(range.end);
  d.message = std::move(message);
  out.push_back(std::move(d));
}

void RuleContext::report(DiagnosticCode code, Range range, std::string message, Range at,
                         std::string related) const {
  if (!enabled(code)) return;
  report(code, range, std::move(message));
  out.back().related =
      Diagnostic::Related{at, tree.position(at.start), tree.position(at.end), std::move(related)};
}

NodesToCheck nodes_to_check(const RuleContext& cx) {
  NodesToCheck nodes;
  const bool blocks = cx.enabled(DiagnosticCode::UnreachableCode);
  const bool tables = cx.enabled(DiagnosticCode::DuplicateKey);
  const bool lists = cx.enabled(DiagnosticCode::RedundantValue);
  const Tree& t = cx.tree;
  for (NodeId id = 0; id < t.node_count(); ++id) {
    switch (t.kind(id)) {
      case NodeKind::Block:
        if (blocks) nodes.blocks.push_back(id);
        break;
      case NodeKind::Table:
        if (tables) nodes.tables.push_back(id);
        break;
      case NodeKind::Local:
      case NodeKind::Assign:
        if (lists) nodes.lists.push_back(id);
        break;
      default:
        break;
    }
  }
  return nodes;
}

bool is_ignored_name(std::string_view name) {
  return !name.empty() && name[0] == '_';
}

std::string_view local_name(const Tree& tree, const LocalInfo& local) {
  return local.name < tree.names().size() ? tree.names().text(local.name) : "self";
}

}  // namespace rules

bool diagnostic_order(const Diagnostic& a, const Diagnostic& b) {
  if (a.range.start != b.range.start) return a.range.start < b.range.start;
  return a.code < b.code;
}

namespace {

// Every rule (undefined-global when asked), in diagnostic_order.
void run_rules(const rules::RuleContext& cx, const FileAnalysis& file, bool undefined_globals) {
  rules::parse_errors(cx, file.parsed.errors);
  rules::assign_to_const(cx);
  if (undefined_globals) rules::undefined_globals(cx);
  // After a syntax error part of the file may be missing from the tree: a read swallowed by an
  // Error node would show up as an unused variable, so those are reported on clean files only.
  if (file.parsed.ok()) rules::unused_variables(cx);
  rules::shadowing(cx);
  const rules::NodesToCheck nodes = rules::nodes_to_check(cx);
  rules::unreachable_code(cx, nodes.blocks);
  rules::duplicate_keys(cx, nodes.tables);
  rules::redundant_values(cx, nodes.lists);
  // Often sorted already (one rule finding everything); the sort's buffer is a copy of them all.
  if (!std::is_sorted(cx.out.begin(), cx.out.end(), diagnostic_order))
    std::stable_sort(cx.out.begin(), cx.out.end(), diagnostic_order);
}

}  // namespace

std::vector<Diagnostic> check(const FileAnalysis& file, const CheckOptions& options) {
  std::vector<Diagnostic> out;
  const rules::RuleContext cx{file.parsed.tree, file.binding, options, out};
  run_rules(cx, file, true);
  return out;
}

DeferredCheck check_deferred(const FileAnalysis& file, const CheckOptions& options) {
  DeferredCheck deferred;
  const rules::RuleContext cx{file.parsed.tree, file.binding, options, deferred.diagnostics};
  run_rules(cx, file, false);
  deferred.global_reads.reserve(file.binding.globals.size());
  rules::undefined_global_candidates(
      cx, [&deferred](const PendingGlobalRead& read) { deferred.global_reads.push_back(read); });
  return deferred;
}

std::vector<Diagnostic> check_deferred(const FileAnalysis& file, const CheckOptions& options,
                                       const std::function<void(const PendingGlobalRead&)>& visit) {
  std::vector<Diagnostic> out;
  const rules::RuleContext cx{file.parsed.tree, file.binding, options, out};
  run_rules(cx, file, false);
  rules::undefined_global_candidates(cx, visit);
  return out;
}

}  // namespace moonring::lua
