// Signature help: a forward scan from the statement around the offset tracks open brackets (long
// brackets, strings and comments skipped), then the callee's chain names the function.
#include "lang/lua/query/signature_help.hpp"

#include "lang/lua/query/callee.hpp"
#include "lang/lua/query/walk.hpp"

namespace moonring::lua::query {

namespace {

struct Open {
  char bracket;
  std::uint32_t at;
  std::uint32_t commas = 0;
};

// `[=*[` at i: its level, or -1.
int long_bracket(std::string_view s, std::size_t i) {
  if (i >= s.size() || s[i] != '[') return -1;
  std::size_t j = i + 1;
  while (j < s.size() && s[j] == '=') ++j;
  return j < s.size() && s[j] == '[' ? static_cast<int>(j - i - 1) : -1;
}

std::size_t skip_long(std::string_view s, std::size_t i, int level) {
  std::string close = "]" + std::string(static_cast<std::size_t>(level), '=') + "]";
  std::size_t end = s.find(close, i + static_cast<std::size_t>(level) + 2);
  return end == std::string_view::npos ? s.size() : end + close.size();
}

// Where the scan starts: the innermost statement around the offset, or the end of the last one
// before it when the unfinished call made no statement.
std::uint32_t anchor(const Tree& t, std::uint32_t offset) {
  std::vector<NodeId> path = path_at(t, offset, true);
  std::uint32_t at = 0;
  for (std::size_t i = 0; i + 1 < path.size(); ++i)
    if (t.kind(path[i]) == NodeKind::Block) at = t.node(path[i + 1]).start;
  if (!path.empty() && t.kind(path.back()) == NodeKind::Block) {
    for (NodeId s : t.statements(path.back()))
      if (t.node(s).end <= offset) at = t.node(s).end;
  }
  return at;
}

}  // namespace

std::optional<SignatureHelp> signature_help(const WorkspaceIndex& index, std::string_view path,
                                            const Tree& t, const FileBinding& b,
                                            std::uint32_t offset) {
  const std::string_view s = t.source();
  if (offset > s.size()) return std::nullopt;
  std::vector<Open> stack;
  for (std::size_t i = anchor(t, offset); i < offset;) {
    char c = s[i];
    if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      int level = long_bracket(s, i + 2);
      if (level >= 0) {
        i = skip_long(s, i + 2, level);
      } else {
        std::size_t nl = s.find('\n', i);
        i = nl == std::string_view::npos ? s.size() : nl + 1;
      }
    } else if (c == '"' || c == '\'') {
      ++i;
      while (i < s.size() && s[i] != c && s[i] != '\n') i += s[i] == '\\' ? 2 : 1;
      ++i;
    } else if (int level = long_bracket(s, i); level >= 0) {
      i = skip_long(s, i, level);
    } else {
      if (c == '(' || c == '{' || c == '[') {
        stack.push_back({c, static_cast<std::uint32_t>(i)});
      } else if ((c == ')' || c == '}' || c == ']') && !stack.empty()) {
        stack.pop_back();
      } else if (c == ',' && !stack.empty()) {
        ++stack.back().commas;
      }
      ++i;
    }
  }
  if (offset > s.size()) return std::nullopt;
  // The innermost unclosed `(`.
  while (!stack.empty() && stack.back().bracket != '(') stack.pop_back();
  if (stack.empty()) return std::nullopt;
  const Open call = stack.back();
  std::uint32_t end = call.at;
  while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\t')) --end;
  auto chain = chain_before(t, b, end);
  if (!chain) return std::nullopt;
  auto fn = function_of(index, path, t, b, *chain);
  if (!fn) return std::nullopt;
  SignatureHelp help;
  help.label = fn->name + "(";
  for (std::size_t i = 0; i < fn->params.size(); ++i) {
    if (i > 0) help.label += ", ";
    auto from = static_cast<std::uint32_t>(help.label.size());
    help.label += fn->params[i];
    help.parameters.push_back({from, static_cast<std::uint32_t>(help.label.size())});
  }
  help.label += ")";
  help.doc = fn->doc;
  help.active_parameter = call.commas;
  if (!fn->params.empty() && fn->params.back() == "..." &&
      help.active_parameter >= fn->params.size())
    help.active_parameter = static_cast<std::uint32_t>(fn->params.size() - 1);
  return help;
}

}  // namespace moonring::lua::query
