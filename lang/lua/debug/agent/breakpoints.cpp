// Line breakpoints: set per source, verified against the lines with code of the functions that
// have run (lua_getinfo "L"), moved to the next line with code, re-verified as more functions of
// the source run; conditions, hit conditions and log points checked at the line.
#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "lang/lua/debug/agent/agent_state.hpp"
#include "lang/lua/debug/agent/lua_compat.hpp"

namespace moonring::lua::debug {
namespace {

std::string absolute_path(const std::string& path) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) != nullptr) return resolved;
  return path;
}

Json breakpoint_json(const Breakpoint& b, const char* why) {
  Json out = {
      {"id", b.id}, {"verified", b.verified}, {"line", b.verified ? b.line : b.requested_line}};
  if (!b.verified && why != nullptr) out["message"] = why;
  return out;
}

// "N", "== N", ">= N", "> N", "< N", "<= N", "% N": whether `hits` satisfies it.
bool hit_condition_holds(const std::string& condition, int hits) {
  const char* p = condition.c_str();
  while (*p == ' ') ++p;
  std::string op;
  while (*p == '=' || *p == '>' || *p == '<' || *p == '%') op += *p++;
  char* end = nullptr;
  long n = std::strtol(p, &end, 10);
  if (end == p) return true;  // not understood: the breakpoint behaves as if it had none
  if (op.empty() || op == "==") return hits == n;
  if (op == ">=") return hits >= n;
  if (op == ">") return hits > n;
  if (op == "<") return hits < n;
  if (op == "<=") return hits <= n;
  if (op == "%") return n > 0 && hits % n == 0;
  return true;
}

// (value) -> tostring(value), run protected: __tostring may raise.
int display_entry(lua_State* L) {
  std::size_t n = 0;
  compat::to_display(L, 1, &n);
  return 1;
}

}  // namespace

bool Agent::blank_or_comment(const std::string& path, int line) {
  auto found = source_lines.find(path);
  if (found == source_lines.end()) {
    std::vector<std::string> lines;
    std::ifstream in(path);
    for (std::string text; std::getline(in, text);) lines.push_back(std::move(text));
    found = source_lines.emplace(path, std::move(lines)).first;
  }
  if (line < 1 || line > static_cast<int>(found->second.size())) return false;
  const std::string& text = found->second[static_cast<std::size_t>(line - 1)];
  std::size_t first = text.find_first_not_of(" \t\r\f\v");
  return first == std::string::npos || text.compare(first, 2, "--") == 0;
}

bool Agent::has_line_breakpoints() const {
  for (const auto& [path, source] : breakpoints)
    if (!source.list.empty()) return true;
  return false;
}

void Agent::resolve(const std::string& path, Breakpoint& b) {
  auto found = known_functions.find(path);
  if (found == known_functions.end()) return;
  const KnownFunction* innermost = nullptr;
  for (const KnownFunction& f : found->second) {
    int last = f.first == 0 ? INT_MAX : f.last;
    if (b.requested_line < f.first || b.requested_line > last) continue;
    if (innermost == nullptr ||
        (f.first >= innermost->first && (innermost->first == 0 || f.last <= innermost->last)))
      innermost = &f;
  }
  if (innermost == nullptr) return;
  auto next = std::lower_bound(innermost->lines.begin(), innermost->lines.end(), b.requested_line);
  if (next == innermost->lines.end()) return;
  // A line with code that the function has no instruction for may belong to a nested function
  // that has not run yet: it waits for that function. Blank and comment lines move on.
  if (*next != b.requested_line && !blank_or_comment(path, b.requested_line)) return;
  b.line = *next;
  b.verified = true;
}

void Agent::reindex(SourceBreakpoints& source) {
  source.by_line.clear();
  for (std::size_t i = 0; i < source.list.size(); ++i)
    if (source.list[i].verified) source.by_line.emplace(source.list[i].line, i);
}

void Agent::learn_lines(lua_State* L, int level, ChunkInfo& chunk) {
  lua_Debug ar;
  if (chunk.path.empty() || lua_getstack(L, level, &ar) == 0 || lua_getinfo(L, "S", &ar) == 0)
    return;
  // Looked up before inserting: this runs on every entry into a function with breakpoints.
  std::pair<const void*, int> key(ar.source, ar.linedefined);
  if (learned.find(key) != learned.end()) return;
  learned.insert(key);
  if (lua_getinfo(L, "L", &ar) == 0 || !lua_istable(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  KnownFunction f;
  f.first = ar.linedefined;
  f.last = ar.lastlinedefined;
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    if (lua_type(L, -2) == LUA_TNUMBER) f.lines.push_back(static_cast<int>(lua_tonumber(L, -2)));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  std::sort(f.lines.begin(), f.lines.end());
  auto& functions = known_functions[chunk.path];
  for (const KnownFunction& old : functions)
    if (old.first == f.first && old.last == f.last) return;
  functions.push_back(std::move(f));
  ++generation;  // verdicts cached per closure may change with these lines (a main chunk's)
  // A function that ran for the first time may verify (or better place) pending breakpoints.
  auto found = breakpoints.find(chunk.path);
  if (found == breakpoints.end()) return;
  for (Breakpoint& b : found->second.list) {
    Breakpoint before = b;
    b.verified = false;
    resolve(chunk.path, b);
    if (!b.verified) b = before;
    if (b.verified != before.verified || b.line != before.line)
      event("breakpoint", {{"reason", "changed"}, {"breakpoint", breakpoint_json(b, nullptr)}});
  }
  reindex(found->second);
}

void Agent::learn_stack(lua_State* L) {
  lua_Debug ar;
  for (int level = 0; lua_getstack(L, level, &ar) != 0; ++level) {
    if (lua_getinfo(L, "S", &ar) == 0 || ar.what[0] == 'C') continue;
    ChunkInfo& chunk = chunk_of(ar);
    if (chunk.breakpoints != nullptr) learn_lines(L, level, chunk);
  }
}

Json Agent::set_breakpoints(lua_State* L, const Json& arguments) {
  const Json& source = arguments.at("source");
  std::string path = absolute_path(source.at("path").get<std::string>());
  SourceBreakpoints& entry = breakpoints[path];
  entry.list.clear();
  entry.by_line.clear();
  ++generation;
  // Functions of this source already running (a debugger attaching late) are learned first, so
  // the answer below verifies what they hold.
  learn_stack(L);
  Json out = Json::array();
  if (arguments.contains("breakpoints")) {
    for (const Json& wanted : arguments.at("breakpoints")) {
      Breakpoint b;
      b.id = next_breakpoint_id++;
      b.requested_line = b.line = wanted.at("line").get<int>();
      b.condition = wanted.value("condition", "");
      b.hit_condition = wanted.value("hitCondition", "");
      b.log_message = wanted.value("logMessage", "");
      resolve(path, b);
      out.push_back(breakpoint_json(b, "not loaded yet: verified when its code first runs"));
      entry.list.push_back(std::move(b));
    }
  }
  reindex(entry);
  if (entry.list.empty()) breakpoints.erase(path);
  ++generation;
  return {{"breakpoints", out}};
}

bool Agent::should_stop_at(lua_State* L, SourceBreakpoints& source, int line) {
  auto found = source.by_line.find(line);
  if (found == source.by_line.end()) return false;
  Breakpoint& b = source.list[found->second];
  int results = 0;
  if (!b.condition.empty()) {
    std::string error = evaluate_at(L, L, 0, b.condition, false, results);
    bool holds = error.empty() && results > 0 && lua_toboolean(L, -results) != 0;
    if (error.empty()) lua_pop(L, results);
    if (!holds) return false;
  }
  ++b.hits;
  if (!b.hit_condition.empty() && !hit_condition_holds(b.hit_condition, b.hits)) return false;
  if (b.log_message.empty()) return true;
  // A log point: `{expression}` parts are evaluated in the frame, `{{`/`}}` are braces.
  std::string text;
  const std::string& m = b.log_message;
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '{' && i + 1 < m.size() && m[i + 1] == '{') {
      text += '{';
      ++i;
    } else if (m[i] == '}' && i + 1 < m.size() && m[i + 1] == '}') {
      text += '}';
      ++i;
    } else if (m[i] == '{') {
      std::size_t close = m.find('}', i);
      if (close == std::string::npos) {
        text += m.substr(i);
        break;
      }
      std::string error = evaluate_at(L, L, 0, m.substr(i + 1, close - i - 1), false, results);
      if (!error.empty()) {
        text += "{" + error + "}";
      } else {
        if (results == 0) lua_pushnil(L), results = 1;
        lua_pop(L, results - 1);
        lua_pushcfunction(L, display_entry);
        lua_insert(L, -2);
        std::size_t n = 0;
        const char* s = lua_pcall(L, 1, 1, 0) == LUA_OK ? lua_tolstring(L, -1, &n) : nullptr;
        if (s != nullptr)
          text.append(s, n);
        else
          text += "{error}";
        lua_pop(L, 1);
      }
      i = close;
    } else {
      text += m[i];
    }
  }
  event("output", {{"category", "console"}, {"output", text + "\n"}});
  return false;
}

}  // namespace moonring::lua::debug
