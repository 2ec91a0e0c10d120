// The adapter's connection to the agent inside the debuggee: DAP over one TCP stream, the agent
// being the adapter's peer. Requests carry this link's own seq numbers (the adapter maps the
// editor's seq onto them); responses are matched by request_seq; events go to a handler. Unlike
// the editor's side, the agent is trusted to speak DAP exactly: the first bytes that are not a
// well-formed DAP message end the link with an error saying what they were.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "protocol/dap/message.hpp"
#include "protocol/session.hpp"
#include "protocol/wire.hpp"
#include "runtime/net/tcp.hpp"
#include "runtime/result.hpp"
#include "runtime/task.hpp"

namespace moonring::dap {

class AgentLink {
 public:
  using EventHandler = std::function<void(const Message& event)>;

  // `stream` is the connection; `name` says which in messages ("agent 127.0.0.1:40112").
  AgentLink(TcpStream stream, std::string name);
  AgentLink(const AgentLink&) = delete;
  AgentLink& operator=(const AgentLink&) = delete;

  // Reads and writes until the agent closes the connection, sends what is not DAP, or close().
  // Every request still waiting then fails. The error says why the link ended (none when the
  // agent closed it cleanly or close() was called).
  Task<Result<void>> run(EventHandler on_event);
  void close();

  // A request to the agent and its response (success or failure alike), or an error after
  // `limit` or when the link ends first. Cancelled, it sends the agent `cancel` for it.
  Task<Result<Message>> request(std::string_view command, std::string_view arguments_json,
                                std::chrono::milliseconds limit);

  const std::string& name() const { return name_; }
  bool running() const { return running_; }

 private:
  Task<Result<void>> read(EventHandler& on_event);

  TcpStream stream_;
  std::string name_;
  protocol::Wire wire_;  // its writer only: the reader here is strict
  protocol::ReplyWaiters<Message> replies_;
  CancellationSource* reading_ = nullptr;
  bool running_ = true;  // until run() ends
  bool closed_ = false;
  int64_t next_seq_ = 1;
};

}  // namespace moonring::dap
