// The hooks: while line breakpoints exist, a call hook turns the line hook on only in functions
// whose lines hold a breakpoint; the return hook runs only while such a function is on the stack
// (or running), and it tells a return into one by the frame's identity, without asking the VM
// about functions (see `watched_returns`). The line hook checks breakpoints and steps; a count
// hook that the socket thread arms has requests served (pause included) even in a loop that makes
// no calls. With no debugger attached, or attached with nothing to watch, the VM runs with no
// hook at all.
#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "lang/lua/debug/agent/agent_state.hpp"
#include "lang/lua/debug/agent/lua_compat.hpp"

namespace moonring::lua::debug {
namespace {

// An absolute path for a "@file" chunk name; "" for other chunks.
std::string path_of(const char* chunkname) {
  if (chunkname == nullptr || chunkname[0] != '@') return "";
  char resolved[PATH_MAX];
  if (::realpath(chunkname + 1, resolved) != nullptr) return resolved;
  return chunkname + 1;
}

// Whether a breakpoint (verified or pending) lies in the function's lines. A main chunk's range
// is the whole file, nested functions included: it covers a breakpoint only on a line of its own
// code, once its lines are known (`main_lines`, null before the chunk's first run). Otherwise one
// breakpoint anywhere in the program's main file would keep the line and return hooks on for the
// whole run, since the main chunk is on the stack throughout.
bool covers_breakpoint(const SourceBreakpoints& source, const lua_Debug& ar,
                       const std::vector<int>* main_lines) {
  if (ar.linedefined == 0) {
    if (main_lines == nullptr) return !source.list.empty();  // learn its lines first
    for (const Breakpoint& b : source.list)
      if (b.verified && std::binary_search(main_lines->begin(), main_lines->end(), b.line))
        return true;
    return false;
  }
  for (const Breakpoint& b : source.list) {
    int line = b.verified ? b.line : b.requested_line;
    if (line >= ar.linedefined && line <= ar.lastlinedefined) return true;
  }
  return false;
}

// The lines of the main chunk of `path` with code, once it has run; null before.
const std::vector<int>* main_lines_of(const Agent& agent, const std::string& path) {
  auto found = agent.known_functions.find(path);
  if (found == agent.known_functions.end()) return nullptr;
  for (const KnownFunction& f : found->second)
    if (f.first == 0) return &f.lines;
  return nullptr;
}

// Whether the function of `ar` (level `level`) wants the line hook; learns its lines first when
// that may decide it (a main chunk's first run).
bool wants_lines(Agent& agent, lua_State* L, int level, const lua_Debug& ar, ChunkInfo& chunk) {
  if (chunk.breakpoints == nullptr) return false;
  const std::vector<int>* main_lines =
      ar.linedefined == 0 ? main_lines_of(agent, chunk.path) : nullptr;
  if (!covers_breakpoint(*chunk.breakpoints, ar, main_lines)) return false;
  agent.learn_lines(L, level, chunk);
  if (ar.linedefined != 0 || main_lines != nullptr) return true;
  // A main chunk whose lines were just learned: decided by them.
  return covers_breakpoint(*chunk.breakpoints, ar, main_lines_of(agent, chunk.path));
}

// The registry's anchors for the verdict cache (agent_state.hpp): light userdata (a function's
// address) -> the function. A function is anchored exactly while a slot holds its address, so it
// cannot be collected and its address cannot come back as another function's with its verdict.
char kAnchorsKey;

// Pushes the anchors table, made on first use.
void push_anchors(lua_State* L) {
  compat::push_registry_entry(L, &kAnchorsKey);
  if (lua_istable(L, -1)) return;
  lua_pop(L, 1);
  lua_newtable(L);
  lua_pushvalue(L, -1);
  compat::set_registry_entry(L, &kAnchorsKey);
}

// anchors[address] = the value at the top (popped; nil drops the anchor).
void set_anchor(lua_State* L, const void* address) {
  push_anchors(L);
  lua_pushlightuserdata(L, const_cast<void*>(address));
  lua_pushvalue(L, -3);
  lua_rawset(L, -3);
  lua_pop(L, 2);
}

// A coroutine about to run through the C function at the top (coroutine.resume, or a
// coroutine.wrap function) gets the hook if it has none: it was made before the debugger came,
// when new threads inherited no hook. Its return frames are rebuilt from its stack.
void adopt_coroutine(Agent& agent, lua_State* L, lua_Debug* ar) {
  lua_CFunction f = lua_tocfunction(L, -1);
  if (f == nullptr) return;
  lua_State* co = nullptr;
  if (f == agent.resume_function && lua_getlocal(L, ar, 1) != nullptr) {
    co = lua_tothread(L, -1);
    lua_pop(L, 1);
  } else if (f == agent.wrap_function && lua_getupvalue(L, -1, 1) != nullptr) {
    co = lua_tothread(L, -1);
    lua_pop(L, 1);
  }
  if (co == nullptr || co == L || lua_gethook(co) == agent_hook) return;
  agent.watched_returns.erase(co);
  if (agent.returns_thread == co) {
    agent.returns_thread = nullptr;
    agent.returns = nullptr;
  }
  lua_sethook(co, agent_hook, LUA_MASKCALL | LUA_MASKRET, 1);
}

bool is_function_breakpoint(const Agent& agent, const char* name) {
  if (name == nullptr) return false;
  for (const std::string& wanted : agent.function_breakpoints)
    if (wanted == name) return true;
  return false;
}

}  // namespace

int stack_depth(lua_State* thread) {
  lua_Debug ar;
  int depth = 0;
  while (lua_getstack(thread, depth, &ar) != 0) ++depth;
  return depth;
}

ChunkInfo& Agent::chunk_of(const lua_Debug& ar) {
  // Most calls stay in the source of the previous one: that one is checked first.
  if (ar.source == last_source && last_chunk != nullptr && last_chunk->generation == generation)
    return *last_chunk;
  ChunkInfo& chunk = chunks[ar.source];
  if (chunk.generation == 0 || chunk.chunkname != ar.source) {
    chunk.chunkname = ar.source != nullptr ? ar.source : "";
    chunk.path = path_of(ar.source);
    chunk.generation = 0;
  }
  if (chunk.generation != generation) {
    auto found = chunk.path.empty() ? breakpoints.end() : breakpoints.find(chunk.path);
    chunk.breakpoints = found == breakpoints.end() ? nullptr : &found->second;
    chunk.generation = generation;
  }
  last_source = ar.source;
  last_chunk = &chunk;
  return chunk;
}

bool Agent::watched(lua_State* L, int level, lua_Debug& ar) {
  if (lua_getstack(L, level, &ar) == 0 || lua_getinfo(L, "S", &ar) == 0 || ar.what[0] == 'C')
    return false;
  return wants_lines(*this, L, level, ar, chunk_of(ar));
}

Verdict Agent::judge(lua_State* L, lua_Debug* ar, VerdictSlot& slot) {
  const void* function = lua_topointer(L, -1);
  Verdict verdict = Verdict::unwatched;
  if (lua_CFunction f = lua_tocfunction(L, -1); f != nullptr) {
    if (f == resume_function || f == wrap_function) verdict = Verdict::adopts;
  } else if (lua_getinfo(L, "S", ar) != 0 && wants_lines(*this, L, 0, *ar, chunk_of(*ar))) {
    verdict = Verdict::watched;
  }
  if (slot.function != function) {
    if (slot.function != nullptr) {
      lua_pushnil(L);
      set_anchor(L, slot.function);
    }
    lua_pushvalue(L, -1);
    set_anchor(L, function);
    slot.function = function;
  }
  slot.generation = generation;  // after any lines learned just now
  slot.verdict = verdict;
  if (verdict == Verdict::adopts) adopt_coroutine(*this, L, ar);
  return verdict;
}

void Agent::forget_verdicts(lua_State* L) {
  verdicts.fill(VerdictSlot{});
  lua_pushnil(L);
  compat::set_registry_entry(L, &kAnchorsKey);
}

void Agent::note_coroutine_functions(lua_State* L) {
  lua_getglobal(L, "coroutine");
  if (lua_istable(L, -1)) {
    lua_getfield(L, -1, "resume");
    resume_function = lua_tocfunction(L, -1);
    lua_pop(L, 1);
    // The C function behind every wrap: ask one wrap of a harmless function.
    lua_getfield(L, -1, "wrap");
    lua_getglobal(L, "type");
    if (lua_isfunction(L, -2) && lua_pcall(L, 1, 1, 0) == LUA_OK)
      wrap_function = lua_tocfunction(L, -1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

std::vector<std::intptr_t>& Agent::find_returns(lua_State* L) {
  auto [entry, added] = watched_returns.try_emplace(L);
  if (added) {
    // Each watched function's callee: the nearest real frame above it (5.1 lists lost tail
    // calls as levels without a frame). Innermost last.
    lua_Debug ar;
    std::intptr_t above = 0;
    int depth = stack_depth(L);
    for (int level = 0; level < depth; ++level) {
      if (above != 0 && watched(L, level, ar)) entry->second.push_back(above);
      if (std::intptr_t key = compat::frame_key(L, level); key != 0) above = key;
    }
    std::reverse(entry->second.begin(), entry->second.end());
  }
  returns_thread = L;
  returns = &entry->second;
  return entry->second;
}

void Agent::forget_returns() {
  watched_returns.clear();
  returns_thread = nullptr;
  returns = nullptr;
}

void Agent::arm_service_locked() {
  if (vm_gone) return;
  // lua_sethook may be called from another thread (it is signal-safe); the count hook then
  // fires at the next instruction the main thread runs.
  int mask = lua_gethookmask(main);
  lua_sethook(main, agent_hook, mask | LUA_MASKCOUNT, 1);
}

void Agent::set_hook_mask(lua_State* L, int mask) {
  // The socket thread may have added the count hook since `mask` was read (arm_service_locked,
  // under the mutex): kept, or a request would wait for the next event that sets it again.
  std::lock_guard lock(mutex);
  lua_sethook(L, agent_hook, mask | (lua_gethookmask(L) & LUA_MASKCOUNT), 1);
}

void Agent::update_hook(lua_State* L) {
  int mask = 0;
  if (attached) {
    if (step != StepKind::none) mask |= LUA_MASKLINE;
    if (!function_breakpoints.empty()) mask |= LUA_MASKCALL;
    if (has_line_breakpoints()) {
      // Steps and breakpoint changes leave the per-thread frames unknown: rebuilt from stacks.
      forget_returns();
      mask |= LUA_MASKCALL;
      lua_Debug ar;
      if (watched(L, 0, ar)) mask |= LUA_MASKLINE;
      if ((mask & LUA_MASKLINE) != 0 || !returns_of(L).empty() || !compat::kReturnsByFrame)
        mask |= LUA_MASKRET;
    }
  }
  if (pause_now && attached) mask |= LUA_MASKCOUNT;
  std::lock_guard lock(mutex);
  if (!inbox.empty()) mask |= LUA_MASKCOUNT;
  if (mask == 0)
    lua_sethook(L, nullptr, 0, 0);
  else
    lua_sethook(L, agent_hook, mask, 1);
}

void Agent::stop_here(lua_State* L, const char* reason, Json extra, lua_State* shown) {
  step = StepKind::none;
  pause_now = false;
  stop.active = true;
  stop.thread = shown != nullptr ? shown : L;
  stop.depth = stack_depth(stop.thread);
  Json body = {
      {"reason", reason}, {"threadId", thread_id(L, stop.thread)}, {"allThreadsStopped", true}};
  for (auto& [key, value] : extra.items()) body[key] = value;
  event("stopped", body);
  serve(L);
  clear_refs(L);
  stop.active = false;
  stop.exception_text.clear();
}

// Whether the step in progress ends at this line event.
static bool step_ends_here(Agent& agent, lua_State* L) {
  switch (agent.step) {
    case StepKind::none:
      return false;
    case StepKind::in:
    case StepKind::entry:
      return true;
    case StepKind::over:
      return L != agent.step_thread || stack_depth(L) <= agent.step_depth;
    case StepKind::out:
      return L != agent.step_thread ? false : stack_depth(L) < agent.step_depth;
  }
  return false;
}

void agent_hook(lua_State* L, lua_Debug* ar) {
  Agent* agent = g_agent;
  if (agent == nullptr) return;
  switch (ar->event) {
    case LUA_HOOKCOUNT: {
      std::deque<Json> requests;
      {
        std::lock_guard lock(agent->mutex);
        requests.swap(agent->inbox);
      }
      bool resumed_by_request = false;
      for (const Json& request : requests)
        if (agent->handle(L, request)) resumed_by_request = true;
      (void)resumed_by_request;
      if (agent->pause_now && agent->attached) {
        agent->stop_here(L, "pause");
      }
      agent->update_hook(L);
      return;
    }
    case LUA_HOOKLINE: {
      // Breakpoints (log points log) before the step: a step landing on one reports it.
      if (lua_getinfo(L, "S", ar) != 0) {
        ChunkInfo& chunk = agent->chunk_of(*ar);
        if (chunk.breakpoints != nullptr &&
            agent->should_stop_at(L, *chunk.breakpoints, ar->currentline)) {
          auto& source = *chunk.breakpoints;
          int id = source.list[source.by_line[ar->currentline]].id;
          agent->stop_here(L, "breakpoint", {{"hitBreakpointIds", Json::array({id})}});
          agent->update_hook(L);
          return;
        }
      }
      if (step_ends_here(*agent, L)) {
        agent->stop_here(L, agent->step == StepKind::entry ? "entry" : "step");
        agent->update_hook(L);
      }
      return;
    }
#if LUA_VERSION_NUM < 502
    case LUA_HOOKTAILRET:  // the return of the frame was seen first
      return;
#endif
    case LUA_HOOKRET: {
      if (agent->step != StepKind::none || agent->breakpoints.empty()) return;
      int mask = lua_gethookmask(L);
      std::vector<std::intptr_t>& returns = agent->returns_of(L);
      // A return into a function with breakpoints is the return of a frame it called. Entries
      // above the match are frames an error took away without a return.
      std::intptr_t key = compat::frame_key(L, 0);
      bool matched = !compat::kReturnsByFrame;  // LuaJIT: every return asks
      for (std::size_t i = returns.size(); i-- > 0 && !matched;) {
        if (returns[i] != key) continue;
        returns.resize(i);
        matched = true;  // still checked: a key may be a reused frame's
      }
      bool want_lines = false;
      lua_Debug caller;
      if (matched) want_lines = agent->watched(L, compat::caller_level(L), caller);
      int wanted = mask & ~(LUA_MASKLINE | LUA_MASKRET);
      if (want_lines) wanted |= LUA_MASKLINE | LUA_MASKRET;
      if (!returns.empty() || !compat::kReturnsByFrame) wanted |= LUA_MASKRET;
      if (wanted != mask) agent->set_hook_mask(L, wanted);
      return;
    }
    default: {  // a call or a tail call
      if (!agent->function_breakpoints.empty() && lua_getinfo(L, "n", ar) != 0 &&
          is_function_breakpoint(*agent, ar->name)) {
        agent->stop_here(L, "function breakpoint");
        agent->update_hook(L);
        return;
      }
      if (agent->step != StepKind::none || agent->breakpoints.empty()) return;
      int mask = lua_gethookmask(L);
      std::vector<std::intptr_t>& returns = agent->returns_of(L);
      // The line hook is on exactly while the running function has breakpoints: this call's
      // caller. Its return then needs the return hook. (A tail call keeps the caller's caller.)
      if ((mask & LUA_MASKLINE) != 0 && ar->event == LUA_HOOKCALL) {
        std::intptr_t key = compat::frame_key(L, 0);
        if (returns.empty() || returns.back() != key) returns.push_back(key);
      }
      bool want_lines = agent->enters_watched(L, ar);
      int wanted = mask & ~(LUA_MASKLINE | LUA_MASKRET);
      if (want_lines) wanted |= LUA_MASKLINE | LUA_MASKRET;
      if (!returns.empty() || !compat::kReturnsByFrame) wanted |= LUA_MASKRET;
      if (wanted != mask) agent->set_hook_mask(L, wanted);
      return;
    }
  }
}

}  // namespace moonring::lua::debug
