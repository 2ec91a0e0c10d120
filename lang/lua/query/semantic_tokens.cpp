// Semantic tokens in one pass over the binding (variables) and one over the nodes (keys), with
// the few facts that need context (called fields, function-valued locals) gathered first.
#include "lang/lua/query/semantic_tokens.hpp"

#include <algorithm>
#include <array>

#include "lang/lua/stdlib/stdlib.hpp"

namespace moonring::lua::query {

namespace {

constexpr std::array<std::string_view, 6> kTypes = {"namespace", "variable", "parameter",
                                                    "property",  "function", "method"};
constexpr std::array<std::string_view, 5> kModifiers = {"declaration", "readonly", "defaultLibrary",
                                                        "global", "modification"};

class Classifier {
 public:
  Classifier(const Tree& t, const FileBinding& b, Range within)
      : t_(t),
        b_(b),
        within_(within),
        called_(t.node_count(), false),
        function_local_(b.locals.size(), false) {
    for (NodeId id = 0; id < t.node_count(); ++id) {
      NodeKind k = t.kind(id);
      if (k == NodeKind::Call) {
        NodeId callee = t.call(id).callee;
        if (callee != kNoNode) called_[callee] = true;
      } else if (k == NodeKind::Local) {
        LocalView l = t.local(id);
        for (std::size_t i = 0; i < l.names.size() && i < l.values.size(); ++i)
          if (t.kind(l.values[i]) == NodeKind::FunctionExpr) mark_function(l.names[i]);
      } else if (k == NodeKind::LocalFunction) {
        mark_function(t.local_function(id).name);
      } else if (k == NodeKind::Function) {
        function_targets_.push_back(t.function(id).target);
      }
    }
    std::sort(function_targets_.begin(), function_targets_.end());
  }

  std::vector<SemanticToken> run() {
    for (const LocalInfo& info : b_.locals) {
      // The implicit `arg` has no name; `self`'s is the method's, classified as a method.
      if (info.decl.end == info.decl.start || info.kind == LocalKind::Self) continue;
      LocalId id = static_cast<LocalId>(&info - b_.locals.data());
      add(info.decl, local_type(id), kDeclaration | local_modifiers(id));
    }
    for (const NameRef& r : b_.refs) {
      std::uint32_t mods = r.write ? kModification : 0;
      switch (r.target) {
        case RefTarget::Local:
          add(r.range, local_type(r.local), mods | local_modifiers(r.local));
          break;
        case RefTarget::Global:
        case RefTarget::EnvField: {
          std::string_view name = t_.name_text(r.node);
          const stdlib::Member* m = stdlib::find_global(t_.version(), name);
          bool library = m != nullptr && !r.write;
          bool declared =
              std::binary_search(function_targets_.begin(), function_targets_.end(), r.node);
          TokenType type = called_[r.node] || declared ? TokenType::Function : TokenType::Variable;
          if (declared) mods |= kDeclaration;
          if (library && m->kind == stdlib::Kind::Library) type = TokenType::Namespace;
          if (library && m->kind == stdlib::Kind::Function) type = TokenType::Function;
          add(r.range, type, mods | kGlobal | (library ? kDefaultLibrary : 0));
          break;
        }
        case RefTarget::Env:
          add(r.range, TokenType::Variable, mods | kGlobal);
          break;
      }
    }
    keys();
    std::sort(out_.begin(), out_.end(), [](const SemanticToken& a, const SemanticToken& b) {
      return a.range.start < b.range.start;
    });
    return std::move(out_);
  }

 private:
  void mark_function(NodeId name) {
    LocalId id = b_.local_declared_at(t_.node(name).start);
    if (id != kNoLocal) function_local_[id] = true;
  }

  TokenType local_type(LocalId id) const {
    const LocalInfo& info = b_.locals[id];
    if (info.kind == LocalKind::Param || info.kind == LocalKind::Self) return TokenType::Parameter;
    return function_local_[id] ? TokenType::Function : TokenType::Variable;
  }

  std::uint32_t local_modifiers(LocalId id) const {
    return b_.locals[id].attrib != LocalAttrib::None ? kReadonly : 0;
  }

  void add(Range r, TokenType type, std::uint32_t mods) {
    if (r.start < within_.start || r.start >= within_.end || r.end <= r.start) return;
    out_.push_back({r, type, mods});
  }

  // Whether `object` is a standard library table read as a global (string, math, ...).
  const stdlib::Member* library_of(NodeId object) const {
    if (object == kNoNode || t_.kind(object) != NodeKind::Name) return nullptr;
    const NameRef* ref = b_.ref_at(t_.node(object).start);
    if (ref == nullptr || ref->target != RefTarget::Global) return nullptr;
    const stdlib::Member* m = stdlib::find_global(t_.version(), t_.name_text(object));
    return m != nullptr && m->kind == stdlib::Kind::Library ? m : nullptr;
  }

  void keys() {
    const std::vector<NodeId>& function_targets = function_targets_;
    for (NodeId id = 0; id < t_.node_count(); ++id) {
      switch (t_.kind(id)) {
        case NodeKind::Field: {
          FieldView f = t_.field(id);
          if (f.name == kNoNode) break;
          bool declared = std::binary_search(function_targets.begin(), function_targets.end(), id);
          TokenType type = called_[id] || declared ? TokenType::Method : TokenType::Property;
          std::uint32_t mods = declared ? kDeclaration : 0;
          if (const stdlib::Member* lib = library_of(f.object)) {
            if (stdlib::find_field(t_.version(), lib->name, t_.name_text(f.name)) != nullptr) {
              mods |= kDefaultLibrary;
              if (type == TokenType::Method) type = TokenType::Function;
            }
          }
          add(t_.range(f.name), type, mods);
          break;
        }
        case NodeKind::MethodCall: {
          MethodCallView m = t_.method_call(id);
          if (m.name != kNoNode) add(t_.range(m.name), TokenType::Method, 0);
          break;
        }
        case NodeKind::Function: {
          FunctionView f = t_.function(id);
          if (f.method != kNoNode) add(t_.range(f.method), TokenType::Method, kDeclaration);
          break;
        }
        case NodeKind::TableField: {
          TableFieldView f = t_.table_field(id);
          if (f.kind != FieldKind::Named) break;
          bool fn = f.value != kNoNode && t_.kind(f.value) == NodeKind::FunctionExpr;
          add(t_.range(f.key), fn ? TokenType::Method : TokenType::Property, kDeclaration);
          break;
        }
        default:
          break;
      }
    }
  }

  const Tree& t_;
  const FileBinding& b_;
  Range within_;
  std::vector<bool> called_;
  std::vector<bool> function_local_;
  std::vector<NodeId> function_targets_;  // sorted: the names `function x.y()` statements set
  std::vector<SemanticToken> out_;
};

}  // namespace

std::span<const std::string_view> token_types() {
  return kTypes;
}
std::span<const std::string_view> token_modifiers() {
  return kModifiers;
}

std::vector<SemanticToken> semantic_tokens(const Tree& tree, const FileBinding& binding,
                                           Range within) {
  return Classifier(tree, binding, within).run();
}

}  // namespace moonring::lua::query
