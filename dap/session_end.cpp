// The debuggee's side of a session once it runs (see server.hpp): the agent's events, the
// program's output, and every way the session ends — told to (disconnect, terminate), the
// program exiting or dying, the agent's connection failing.
#include <signal.h>

#include <cstdio>

#include <simdjson.h>

#include "dap/server.hpp"
#include "runtime/timer.hpp"

namespace moonring::dap {
namespace {

Task<Result<void>> wait_set(Event& event) {
  const bool set = co_await event.wait();
  if (!set) co_return runtime_error(RuntimeErrc::cancelled, "");
  co_return Result<void>{};
}

// Waits up to `limit` for `event`: whether it came.
Task<bool> wait_for(Event& event, std::chrono::milliseconds limit) {
  if (event.is_set()) co_return true;
  auto r = co_await with_timeout(limit, wait_set(event), "");
  co_return r.ok();
}

// How much of `text` is whole UTF-8 sequences: an output chunk never ends inside a character.
std::size_t complete_utf8(std::string_view text) {
  const std::size_t n = text.size();
  for (std::size_t back = 1; back <= 3 && back <= n; ++back) {
    const auto c = static_cast<unsigned char>(text[n - back]);
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte: look further back
    std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return length > back ? n - back : n;
  }
  return n;
}

std::optional<int> exit_code_of(std::string_view body) {
  if (body.empty()) return std::nullopt;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string text(body);
  int64_t code = 0;
  if (parser.parse(text).get(root) || root["exitCode"].get_int64().get(code)) return std::nullopt;
  return static_cast<int>(code);
}

}  // namespace

void Server::on_agent_event(const Message& event) {
  // A launched program's end is told once its output is all out and it has really exited.
  if (event.event == "exited") {
    if (process_) {
      agent_exit_code_ = exit_code_of(event.body_json);
      return;
    }
    exited_sent_ = true;
  } else if (event.event == "terminated") {
    if (process_) return;
    terminated_sent_ = true;
  }
  send_event(event.event, event.body_json);
}

Task<void> Server::run_link() {
  auto result = co_await link_->run([this](const Message& e) { on_agent_event(e); });
  std::optional<std::string> error;
  if (!result) error = result.error().message();
  co_await agent_gone(std::move(error));
}

Task<void> Server::agent_gone(std::optional<std::string> error) {
  if (error) {
    link_error_ = *error;
    std::fprintf(stderr, "moonring: %s\n", error->c_str());
    output("console", "moonring: " + *error + "\n");
  }
  // A launch or attach that failed has said so in its response.
  if (start_error_ || !connected_.is_set()) co_return;
  if (process_ && !detached_) {
    // The program is ending (its agent said so), or its agent failed: it gets a moment, then
    // it is killed, so the session always ends.
    if (error) process_->kill(SIGKILL);
    const bool ended = co_await wait_for(process_exited_, limits_.ending);
    if (!ended) {
      process_->kill(SIGKILL);
      co_await wait_for(process_exited_, limits_.ending);
    }
    co_await wait_for(pumps_done_, limits_.drain);  // its last output before `exited`
  }
  if (!exited_sent_) {
    exited_sent_ = true;
    std::optional<int> code = agent_exit_code_;
    if (process_ && process_->exited()) code = process_->exit_status();
    if (code) send_event("exited", "{\"exitCode\":" + std::to_string(*code) + "}");
  }
  if (!terminated_sent_) {
    terminated_sent_ = true;
    send_event("terminated", "");
  }
}

Task<void> Server::end_debuggee(bool terminate) {
  ending_ = true;
  if (!connected_.is_set()) {
    // Still starting: that start fails, and its program (if any) is killed.
    start_failed("the session ended while the debuggee was starting");
  }
  if (link_ && link_->running()) {
    // A program left running on our pipes must outlive us: the agent drops the parent-death
    // signal and sends its output to /dev/null before it answers (docs/debugger.md).
    std::string arguments = terminate  ? "{\"terminateDebuggee\":true}"
                            : process_ ? "{\"terminateDebuggee\":false,\"moonringOutlive\":true}"
                                       : "{\"terminateDebuggee\":false}";
    auto answer = co_await link_->request("disconnect", arguments, limits_.ending);
    (void)answer;  // an agent that cannot answer is dealt with below
  }
  if (process_ && terminate) {
    const bool ended = co_await wait_for(process_exited_, limits_.ending);
    if (!ended) {
      process_->kill(SIGKILL);
      co_await wait_for(process_exited_, limits_.ending);
    }
  } else if (process_) {
    detached_ = true;
    process_->release();
  }
  if (!terminate && link_) link_->close();
}

Task<void> Server::watch_process() {
  const std::optional<int> status = co_await process_->wait();
  if (status) process_exited_.set();
}

Task<void> Server::pump_output(FdStream& stream, std::string category) {
  std::vector<std::byte> buffer(16 * 1024);
  std::string pending;
  for (;;) {
    auto n = co_await stream.read_some(buffer);
    if (!n || *n == 0) break;
    pending.append(reinterpret_cast<const char*>(buffer.data()), *n);
    const std::size_t whole = complete_utf8(pending);
    if (whole == 0) continue;
    output(category, std::string_view(pending).substr(0, whole));
    pending.erase(0, whole);
  }
  if (!pending.empty()) output(category, pending);
  if (--pumps_running_ == 0) pumps_done_.set();
}

}  // namespace moonring::dap
