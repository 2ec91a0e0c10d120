// The debug adapter's session with one editor: initialize (honest capabilities, then the
// `initialized` event), launch (spawn the program under the agent, which connects back) or attach
// (connect to a listening agent), the handshake, requests forwarded to the agent with their seq
// numbers mapped, the agent's events forwarded back, and the end of it all: disconnect,
// terminate, the debuggee exiting or dying, the agent's connection failing, the editor vanishing.
//
// The language is the DebugBackend's business; this class speaks DAP only.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "dap/agent_link.hpp"
#include "dap/child_process.hpp"
#include "dap/launch_config.hpp"
#include "lang/service/debug_backend.hpp"
#include "protocol/dap/arguments.hpp"
#include "protocol/dap/endpoint.hpp"
#include "runtime/cancel.hpp"
#include "runtime/event.hpp"

namespace moonring::dap {

// How long the adapter waits for each step it does not control.
struct Limits {
  std::chrono::milliseconds connect{10000};    // the agent connecting back / accepting us
  std::chrono::milliseconds handshake{10000};  // the hello's response
  std::chrono::milliseconds request{30000};    // a forwarded request's response
  std::chrono::milliseconds ending{2000};      // a debuggee ending after it was told to
  std::chrono::milliseconds drain{1000};       // a dead program's output still in its pipes
};

class Server {
 public:
  Server(Endpoint& endpoint, const service::DebugBackend& backend, Limits limits = {});
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();

  // Once the endpoint's run() has returned (the editor disconnected or vanished): a launched
  // debuggee still running is ended and an attached one detached, unless disconnect said
  // otherwise; then every task the session started is finished.
  Task<void> finish();

  // What the client said in initialize (line and column bases, path format, what it supports);
  // empty before it.
  const std::optional<InitializeArguments>& client() const { return client_; }
  // What the client asked for in disconnect; empty before it.
  const std::optional<DisconnectArguments>& disconnect() const { return disconnect_; }

 private:
  enum class Mode { none, launch, attach };

  Task<Reply> on_launch(const Message& m);
  Task<Reply> on_attach(const Message& m);
  Task<Reply> on_disconnect(const Message& m);
  Task<Reply> on_terminate(const Message& m);
  Task<Reply> forward(const Message& m);

  Task<Result<void>> launch(const LaunchConfig& config);
  Task<Result<void>> attach(const AttachConfig& config);
  Task<Result<TcpStream>> accept_agent(TcpListener& listener);
  Task<Result<void>> handshake(TcpStream stream, std::string token, bool stop_on_entry);
  Task<Result<void>> wait_connected();
  void start_failed(std::string why);

  // Ends (terminate) or leaves (detach) the debuggee; bounded.
  Task<void> end_debuggee(bool terminate);
  void on_agent_event(const Message& event);
  Task<void> run_link();
  Task<void> agent_gone(std::optional<std::string> error);
  Task<void> pump_output(FdStream& stream, std::string category);
  Task<void> watch_process();

  void output(std::string_view category, std::string_view text);
  void send_event(std::string_view event, std::string_view body);
  void start(Task<void> task);

  Endpoint& endpoint_;
  const service::DebugBackend& backend_;
  Limits limits_;
  std::optional<InitializeArguments> client_;
  std::optional<DisconnectArguments> disconnect_;

  Mode mode_ = Mode::none;
  std::optional<ChildProcess> process_;  // launched on our pipes
  int terminal_pid_ = 0;                 // launched by runInTerminal, when the client said
  std::unique_ptr<AgentLink> link_;
  Event connected_;  // the handshake is done, or starting failed (start_error_)
  std::optional<std::string> start_error_;
  Event process_exited_;
  std::size_t pumps_running_ = 0;
  Event pumps_done_;
  std::optional<std::string> link_error_;  // why the agent's connection failed
  bool detached_ = false;                  // disconnect left a launched program running
  std::optional<int> agent_exit_code_;     // a launched agent's `exited`, held until the end
  bool exited_sent_ = false;
  bool terminated_sent_ = false;
  bool ending_ = false;       // disconnect or terminate is under way, or finish()
  bool client_gone_ = false;  // the endpoint has stopped: events have nowhere to go

  // The session's own tasks (link, pumps, watchers): cancelled and awaited by finish().
  CancellationSource background_;
  std::size_t tasks_ = 0;
  Event tasks_done_;
};

}  // namespace moonring::dap
