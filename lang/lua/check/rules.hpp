// The rules of the checker, one per file, each adding its diagnostics through a RuleContext.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "lang/lua/check/check.hpp"

namespace moonring::lua::rules {

struct RuleContext {
  const Tree& tree;
  const FileBinding& binding;
  const CheckOptions& options;
  std::vector<Diagnostic>& out;

  bool enabled(DiagnosticCode code) const { return options.policy.is_enabled(code); }
  void report(DiagnosticCode code, Range range, std::string message) const;
  // The same, naming another place of the file (`related` says what is there).
  void report(DiagnosticCode code, Range range, std::string message, Range at,
              std::string related) const;
  std::uint32_t line(std::uint32_t offset) const { return tree.position(offset).line; }
};

// syntax-error and goto-error from the parser's errors (assign-to-const comes from the binder).
void parse_errors(const RuleContext& cx, std::span<const SyntaxError> errors);
void undefined_globals(const RuleContext& cx);
// The global reads undefined-global will judge: neither known nor assigned in the file, each
// handed to `visit` in source order.
void undefined_global_candidates(const RuleContext& cx,
                                 const std::function<void(const PendingGlobalRead&)>& visit);

void unused_variables(const RuleContext& cx);  // unused-local, unused-arg, unused-loop-var
void shadowing(const RuleContext& cx);
void assign_to_const(const RuleContext& cx);
// The rules below look at nodes of a few kinds anywhere in the tree: found in one pass over its
// nodes for all of them (a pass each read a large tree's nodes three times), enabled rules only.
struct NodesToCheck {
  std::vector<NodeId> blocks;  // Block: unreachable-code
  std::vector<NodeId> tables;  // Table: duplicate-key
  std::vector<NodeId> lists;   // Local and Assign: redundant-value
};
NodesToCheck nodes_to_check(const RuleContext& cx);
void unreachable_code(const RuleContext& cx, std::span<const NodeId> blocks);
void duplicate_keys(const RuleContext& cx, std::span<const NodeId> tables);
void redundant_values(const RuleContext& cx, std::span<const NodeId> lists);

// Helpers the rules share.
bool is_ignored_name(std::string_view name);  // `_` and `_x`: deliberately unused/shadowing
std::string_view local_name(const Tree& tree, const LocalInfo& local);

}  // namespace moonring::lua::rules
