// Reading luacheck's inline options from the comments of a tree (see inline_options.hpp).
#include "lang/lua/config/inline_options.hpp"

#include <algorithm>
#include <optional>

namespace moonring::lua::config {
namespace {

constexpr std::string_view kLabel = "luacheck:";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The body after "luacheck:", or nullopt when the comment is no inline option (luacheck reads
// them in short comments only).
std::optional<std::string_view> option_body(const Tree& tree, const Comment& comment) {
  if (comment.long_form) return std::nullopt;
  std::string_view text =
      trim(tree.source().substr(comment.text.start, comment.text.end - comment.text.start));
  if (!text.starts_with(kLabel)) return std::nullopt;
  return text.substr(kLabel.size());
}

// The body without its notes (balanced parentheses), split at commas into options, each a list of
// words.
std::vector<std::vector<std::string>> split_options(std::string_view body) {
  std::vector<std::vector<std::string>> options(1);
  std::string word;
  const auto end_word = [&] {
    if (!word.empty()) options.back().push_back(std::move(word));
    word.clear();
  };
  int depth = 0;
  for (char c : body) {
    if (c == '(') {
      end_word();
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (depth > 0) {
      continue;
    } else if (c == ',') {
      end_word();
      options.emplace_back();
    } else if (is_space(c)) {
      end_word();
    } else {
      word += c;
    }
  }
  end_word();
  std::erase_if(options, [](const auto& words) { return words.empty(); });
  return options;
}

// The ranges of the file's functions, gathered once per file that has option comments.
std::vector<Range> function_ranges(const Tree& tree) {
  std::vector<Range> ranges;
  for (NodeId id = 0; id < tree.node_count(); ++id)
    if (tree.kind(id) == NodeKind::FunctionExpr) ranges.push_back(tree.range(id));
  return ranges;
}

// The end of the innermost function containing `offset`, or of the file.
std::uint32_t closure_end(const Tree& tree, const std::vector<Range>& functions,
                          std::uint32_t offset) {
  auto end = static_cast<std::uint32_t>(tree.source().size());
  for (const Range& r : functions)
    if (r.start <= offset && offset < r.end && r.end < end) end = r.end;
  return end;
}

// What a comment's options cover: its line when code precedes it there, else the rest of the
// enclosing function.
InlineOptions::Span span_of(const Tree& tree, const std::vector<Range>& functions,
                            const Comment& comment) {
  const std::string_view source = tree.source();
  const LineCol at = tree.lines().position(comment.range.start);
  const std::uint32_t line_start = tree.lines().line_start(at.line);
  const bool code_before =
      std::any_of(source.begin() + line_start, source.begin() + comment.range.start,
                  [](char c) { return !is_space(c); });
  if (code_before) {
    const std::uint32_t line_end = at.line < tree.lines().line_count()
                                       ? tree.lines().line_start(at.line + 1)
                                       : static_cast<std::uint32_t>(source.size());
    return {line_start, line_end};
  }
  return {comment.range.start, closure_end(tree, functions, comment.range.start)};
}

bool words_are(const std::vector<std::string>& words,
               std::initializer_list<std::string_view> want) {
  return words.size() == want.size() && std::equal(want.begin(), want.end(), words.begin());
}

// luacheck's switches that turn a group of warnings off, as the ignore patterns luacheck's
// options.lua gives them ("unused" covers unused values, 3xx, too).
std::optional<std::string_view> switch_off(const std::vector<std::string>& words) {
  if (words_are(words, {"no", "unused"})) return "[23]";
  if (words_are(words, {"no", "unused", "args"})) return "21[23]";
  if (words_are(words, {"no", "redefined"})) return "4";
  if (words_are(words, {"no", "global"})) return "1";
  return std::nullopt;
}

}  // namespace

InlineOptions read_inline_options(const Tree& tree) {
  InlineOptions out;
  // Open push frames: where each frame's options start in `ignores` and `globals`.
  struct Frame {
    std::size_t ignores;
    std::size_t globals;
  };
  std::vector<Frame> frames;
  std::optional<std::vector<Range>> functions;  // only for files that have option comments
  for (const Comment& comment : tree.comments()) {
    const std::optional<std::string_view> body = option_body(tree, comment);
    if (!body) continue;
    if (!functions) functions = function_ranges(tree);
    const InlineOptions::Span span = span_of(tree, *functions, comment);
    for (std::vector<std::string> words : split_options(*body)) {
      if (words.front() == "push") {
        frames.push_back({out.ignores.size(), out.globals.size()});
        words.erase(words.begin());
        if (words.empty()) continue;
      }
      if (words_are(words, {"pop"})) {
        if (frames.empty()) continue;  // luacheck warns of an unpaired pop; nothing to undo
        const Frame frame = frames.back();
        frames.pop_back();
        for (std::size_t i = frame.ignores; i < out.ignores.size(); ++i)
          out.ignores[i].span.end = std::min(out.ignores[i].span.end, comment.range.start);
        for (std::size_t i = frame.globals; i < out.globals.size(); ++i)
          out.globals[i].span.end = std::min(out.globals[i].span.end, comment.range.start);
        continue;
      }
      if (words.front() == "ignore") {
        if (words.size() == 1) out.ignores.push_back({span, IgnoreRule{}});
        for (std::size_t i = 1; i < words.size(); ++i)
          out.ignores.push_back({span, luacheck_ignore_rule(words[i])});
        continue;
      }
      std::size_t names_at = 0;
      if (words.front() == "globals") {
        names_at = 1;
      } else if (words.size() >= 2 && ((words[0] == "new" && words[1] == "globals") ||
                                       (words[0] == "read" && words[1] == "globals"))) {
        names_at = 2;
      } else if (words.size() >= 3 && words[0] == "new" && words[1] == "read" &&
                 words[2] == "globals") {
        names_at = 3;
      }
      if (names_at > 0) {
        for (std::size_t i = names_at; i < words.size(); ++i)
          out.globals.push_back({span, words[i]});
        continue;
      }
      if (auto pattern = switch_off(words))
        out.ignores.push_back({span, luacheck_ignore_rule(*pattern)});
      // Anything else (std, allow defined, enable, only, max line length...) is not applied.
    }
  }
  return out;
}

bool InlineOptions::ignores_at(std::string_view code, std::string_view name, std::uint32_t offset,
                               std::string_view luacheck_code) const {
  return std::any_of(ignores.begin(), ignores.end(), [&](const Ignore& i) {
    return i.span.contains(offset) && i.rule.matches(code, name, luacheck_code);
  });
}

bool InlineOptions::declares_at(std::string_view name, std::uint32_t offset) const {
  return std::any_of(globals.begin(), globals.end(),
                     [&](const Global& g) { return g.span.contains(offset) && g.name == name; });
}

}  // namespace moonring::lua::config
