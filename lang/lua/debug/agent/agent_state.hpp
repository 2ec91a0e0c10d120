// The agent's state, shared by its parts: the session (agent.cpp), the hooks and stops
// (hooks.cpp), breakpoints (breakpoints.cpp) and inspection (inspect.cpp). Everything below
// `// VM thread only` is touched only on the VM's thread, inside hooks or the serve loop.
#pragma once

#include <lua.hpp>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "lang/lua/debug/agent/agent.hpp"
#include "lang/lua/debug/agent/lua_compat.hpp"
#include "lang/lua/debug/agent/wire.hpp"

namespace moonring::lua::debug {

struct Breakpoint {
  int id = 0;
  int requested_line = 0;
  int line = 0;  // where it stops (moved to a line with code once known)
  bool verified = false;
  std::string condition, hit_condition, log_message;
  int hits = 0;
};

// A source file's breakpoints, by absolute path.
struct SourceBreakpoints {
  std::vector<Breakpoint> list;
  std::map<int, std::size_t> by_line;  // verified line -> index in list
};

// What the hooks know of a chunk, keyed by the chunk name's address (stable while its function
// prototype lives; the name is kept to detect reuse of the address).
struct ChunkInfo {
  std::string chunkname;
  std::string path;  // absolute, "" when the chunk is not a file
  unsigned generation = 0;
  SourceBreakpoints* breakpoints = nullptr;
};

// The lines with code of one function of a source, learned when it first runs.
struct KnownFunction {
  int first = 0;           // linedefined (0: the main chunk)
  int last = 0;            // lastlinedefined
  std::vector<int> lines;  // sorted
};

enum class StepKind { none, in, over, out, entry };

// The call hook's verdict on one function (hooks.cpp), as of a breakpoint generation: a Lua
// function whose lines hold a breakpoint wants the line hook; coroutine.resume and wrap
// functions may adopt a coroutine. The function is anchored in the registry while its slot holds
// it, so its address cannot be another's.
enum class Verdict : std::uint8_t { unwatched, watched, adopts };
struct VerdictSlot {
  const void* function = nullptr;
  unsigned generation = 0;
  Verdict verdict = Verdict::unwatched;
};

// One variables reference: a frame's scope, or a value kept in the registry's ref table.
struct VarRef {
  enum Kind { locals, upvalues, varargs, globals, value } kind = value;
  int frame = 0;  // index into Stop::frames for the frame scopes
};

struct Frame {
  lua_State* thread = nullptr;
  int level = 0;
};

// The VM is stopped: the thread it stopped on, its depth then, and the references handed out.
struct Stop {
  bool active = false;
  lua_State* thread = nullptr;
  int depth = 0;
  std::vector<Frame> frames;
  std::vector<VarRef> refs;    // reference n is refs[n - 1]
  std::string exception_text;  // the error of an exception stop
};

class Agent {
 public:
  explicit Agent(AgentOptions given) : options(std::move(given)) {}

  AgentOptions options;
  lua_State* main = nullptr;
  std::string token;  // "" with no_auth
  int listen_fd = -1;

  // Shared with the socket thread.
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Json> inbox;                  // requests, and {"type":"_detached"} when a peer left
  std::shared_ptr<Connection> connection;  // the current debugger, if any
  std::uint64_t session = 0;               // counts debuggers: the current one's number
  std::atomic<int> seq{0};
  std::atomic<bool> attached{false};
  std::atomic<std::int64_t> cancelled_request{0};  // the seq of the last `cancel`'s request
  bool vm_gone = false;  // the program ended: the VM may be freed, no more hooks (under mutex)
  std::thread socket_thread;

  // VM thread only.
  bool configured = false;
  bool stop_on_entry = false;
  std::unordered_map<std::string, SourceBreakpoints> breakpoints;
  unsigned generation = 1;  // bumped when breakpoints change (ChunkInfo caches its lookup)
  int next_breakpoint_id = 1;
  std::unordered_map<const void*, ChunkInfo> chunks;  // nodes: references stay valid
  const void* last_source = nullptr;                  // the chunk of the last lookup, checked first
  ChunkInfo* last_chunk = nullptr;
  std::unordered_map<std::string, std::vector<KnownFunction>> known_functions;  // by path
  std::set<std::pair<const void*, int>> learned;
  std::unordered_map<std::string, std::vector<std::string>>
      source_lines;  // by path  // (chunk name, linedefined) already learned
  // Per thread, while line breakpoints exist: the frames whose return lands in a function with
  // breakpoints, innermost last (hooks.cpp). A thread missing here is rebuilt from its stack.
  std::unordered_map<lua_State*, std::vector<std::intptr_t>> watched_returns;
  lua_State* returns_thread = nullptr;  // the entry of the last lookup
  std::vector<std::intptr_t>* returns = nullptr;
  std::array<VerdictSlot, 2048> verdicts{};  // by function address
  std::vector<std::string> function_breakpoints;
  // coroutine.resume and the C function behind coroutine.wrap's functions, as the program
  // started: a call to one adopts a coroutine that has no hook (created before the debugger).
  lua_CFunction resume_function = nullptr;
  lua_CFunction wrap_function = nullptr;
  bool break_on_all_errors = false;
  bool break_on_uncaught = false;
  StepKind step = StepKind::none;
  lua_State* step_thread = nullptr;
  int step_depth = 0;
  bool pause_now = false;
  std::int64_t running_request = 0;  // the seq of the request being handled
  Stop stop;

  // Sends a message (events and responses carry the agent's own seq).
  void send(Json message);
  void respond(const Json& request, Json body = Json::object());
  void fail(const Json& request, const std::string& message);
  void event(const char* name, Json body = Json::object());

  // Serves requests on the VM thread until one resumes the program (or the debugger leaves).
  void serve(lua_State* L);
  // Handles one request; true when it resumes the program.
  bool handle(lua_State* L, const Json& request);
  // The debugger left (disconnect or a dropped connection): hooks off, state cleared.
  void detach(lua_State* L);

  // hooks.cpp
  void update_hook(lua_State* L);              // the mask this thread needs now
  void set_hook_mask(lua_State* L, int mask);  // a hook's own change, keeping a count bit
  void arm_service_locked();                   // socket thread, under mutex: handle the inbox soon
  // Stops, serving requests on L; `shown` (default L) is the thread the stop is reported on.
  void stop_here(lua_State* L, const char* reason, Json extra = Json::object(),
                 lua_State* shown = nullptr);
  ChunkInfo& chunk_of(const lua_Debug& ar);
  bool watched(lua_State* L, int level, lua_Debug& ar);  // a Lua function with breakpoints
  // The same for the function a call hook's `ar` entered, decided once per closure and
  // breakpoint generation; a C function is never watched (but may adopt a coroutine). Inline:
  // this runs on every call. A hit costs lua_getinfo "f", lua_topointer and a slot compare
  // (fewer calls into the VM than one lua_getinfo "S", measured); a miss asks `judge`. The
  // function pushed by "f" is left for the VM to drop where it restores the stack after a hook.
  bool enters_watched(lua_State* L, lua_Debug* ar) {
    lua_getinfo(L, "f", ar);
    const void* function = lua_topointer(L, -1);
    auto bits = reinterpret_cast<std::uintptr_t>(function);
    VerdictSlot& slot = verdicts[((bits >> 4) ^ (bits >> 14)) % verdicts.size()];
    Verdict verdict = slot.verdict;
    if (slot.function != function || slot.generation != generation) {
      verdict = judge(L, ar, slot);
    } else if (verdict == Verdict::adopts) {
      judge(L, ar, slot);  // rare: coroutine.resume and wrap functions
    }
    if (!compat::kHookRestoresTop) lua_pop(L, 1);
    return verdict == Verdict::watched;
  }
  // enters_watched's miss (and coroutine adoption): decides the function at the top, fills
  // `slot` and anchors the function.
  Verdict judge(lua_State* L, lua_Debug* ar, VerdictSlot& slot);
  void note_coroutine_functions(lua_State* L);  // resume_function, wrap_function
  void forget_verdicts(lua_State* L);           // every slot emptied, every anchor dropped
  void forget_returns();                        // every thread rebuilds
  // watched_returns[L], rebuilt from L's stack if absent; the last thread's entry is at hand.
  std::vector<std::intptr_t>& returns_of(lua_State* L) {
    return L == returns_thread ? *returns : find_returns(L);
  }
  std::vector<std::intptr_t>& find_returns(lua_State* L);

  // caught.cpp: the "all" filter's pcall, xpcall and coroutine.resume, or the originals back.
  void catch_errors(lua_State* L, bool on);

  // breakpoints.cpp
  Json set_breakpoints(lua_State* L, const Json& arguments);
  void learn_lines(lua_State* L, int function, ChunkInfo& chunk);
  bool should_stop_at(lua_State* L, SourceBreakpoints& source, int line);
  bool has_line_breakpoints() const;
  void learn_stack(lua_State* L);  // the functions on L's stack whose source has breakpoints
  void resolve(const std::string& path, Breakpoint& breakpoint);
  void reindex(SourceBreakpoints& source);
  bool blank_or_comment(const std::string& path, int line);

  // inspect.cpp
  Json stack_trace(lua_State* L, const Json& arguments);
  Json scopes(lua_State* L, const Json& arguments);
  Json variables(lua_State* L, const Json& arguments);
  // Evaluates `expression` in frame `frame_id` (0: globals); leaves its first result on L's
  // stack and returns "", or returns the error message.
  std::string evaluate_in_frame(lua_State* L, const std::string& code, int frame_id,
                                bool statement_ok, int& results);
  // The same for a frame given as thread and level (thread null: globals only).
  std::string evaluate_at(lua_State* L, lua_State* thread, int level, const std::string& code,
                          bool statement_ok, int& results);
  Json describe(lua_State* L, int index, const std::string& name);
  Json threads(lua_State* L);
  void clear_refs(lua_State* L);
  void push_ref(lua_State* L, int ref);  // the value behind a value reference
  lua_State* thread_by_id(lua_State* L, int id);
  int thread_id(lua_State* L, lua_State* thread);
};

extern Agent* g_agent;

// An error is being raised on L (its value at the top, its frames on the stack), caught by a
// pcall or not: stops there when the exception filters ask for it. `raised_on`: the coroutine
// whose frames show the error when it is not L's (a dead coroutine that resume caught it from).
void agent_error_raised(lua_State* L, bool caught, lua_State* raised_on = nullptr);

// The count hook of an evaluation's thread (inspect.cpp): raises "cancelled" when told to.
void cancel_hook(lua_State* L, lua_Debug* ar);

// The hook every thread of the debugged state gets.
void agent_hook(lua_State* L, lua_Debug* ar);

// The number of active frames on `thread`.
int stack_depth(lua_State* thread);

}  // namespace moonring::lua::debug
