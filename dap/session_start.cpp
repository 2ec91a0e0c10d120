// Starting a debuggee (see server.hpp): launch spawns the program under the agent, which connects
// back to a port of ours; attach connects to an agent that listens; both end in the handshake.
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <fstream>
#include <sstream>

#include <simdjson.h>

#include "dap/server.hpp"
#include "protocol/jsonrpc/message.hpp"
#include "runtime/spawn.hpp"
#include "runtime/timer.hpp"
#include "runtime/when.hpp"

namespace moonring::dap {
namespace {

Error failure(std::errc code, std::string what) {
  return Error{std::make_error_code(code), std::move(what)};
}

// A secret for one launch: 128 random bits in hex.
Result<std::string> random_token() {
  unsigned char bytes[16];
  std::size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_error(errno, "getrandom");
    got += static_cast<std::size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char b : bytes) {
    token += kHex[b >> 4];
    token += kHex[b & 15];
  }
  return token;
}

std::string current_directory() {
  char buffer[PATH_MAX];
  return ::getcwd(buffer, sizeof buffer) ? std::string(buffer) : std::string("/");
}

// The first line of a token file, without surrounding blanks.
Result<std::string> read_token_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return errno_error(errno ? errno : ENOENT, "token file " + path);
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ' || token.back() == '\t'))
    token.pop_back();
  std::size_t start = token.find_first_not_of(" \t");
  token.erase(0, start == std::string::npos ? token.size() : start);
  if (token.empty()) return failure(std::errc::invalid_argument, "token file " + path + ": empty");
  return token;
}

void append_field(std::string& out, std::string_view key, std::string_view value) {
  if (out.size() > 1) out += ',';
  jsonrpc::append_json_string(out, key);
  out += ':';
  jsonrpc::append_json_string(out, value);
}

// runInTerminal's arguments for `argv` in `cwd` with the configuration's env changes.
std::string terminal_arguments(const LaunchConfig& config, const service::DebugCommand& command,
                               const std::string& cwd) {
  std::string out = "{";
  append_field(out, "kind",
               config.console == Console::external_terminal ? "external" : "integrated");
  append_field(out, "title", "moonring: " + config.program);
  append_field(out, "cwd", cwd);
  out += ",\"args\":[";
  for (std::size_t i = 0; i < command.argv.size(); ++i) {
    if (i > 0) out += ',';
    jsonrpc::append_json_string(out, command.argv[i]);
  }
  out += "]";
  if (!config.env.empty()) {
    out += ",\"env\":{";
    for (std::size_t i = 0; i < config.env.size(); ++i) {
      if (i > 0) out += ',';
      jsonrpc::append_json_string(out, config.env[i].first);
      out += ':';
      if (config.env[i].second)
        jsonrpc::append_json_string(out, *config.env[i].second);
      else
        out += "null";
    }
    out += "}";
  }
  out += "}";
  return out;
}

// A number field of a JSON object (the hello's pid, runInTerminal's processId): 0 when absent.
int64_t number_field(std::string_view json, std::string_view key) {
  if (json.empty()) return 0;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string text(json);
  if (parser.parse(text).get(root)) return 0;
  int64_t n = 0;
  if (root[key].get_int64().get(n)) return 0;
  return n;
}

std::string string_field(std::string_view json, std::string_view key) {
  if (json.empty()) return {};
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string text(json);
  if (parser.parse(text).get(root)) return {};
  std::string_view s;
  if (root[key].get_string().get(s)) return {};
  return std::string(s);
}

}  // namespace

Task<Result<void>> Server::launch(const LaunchConfig& config) {
  auto listener = TcpListener::bind(SocketAddress::loopback(0));
  if (!listener) co_return listener.take_error();
  auto token = random_token();
  if (!token) co_return token.take_error();
  service::DebugLaunch plan;
  plan.program = config.program;
  plan.args = config.args;
  plan.cwd = config.cwd && !config.cwd->empty() ? *config.cwd : current_directory();
  plan.stop_on_entry = config.stop_on_entry;
  plan.agent_address = listener->local_address().to_string();
  plan.token = *token;
  auto command = backend_.launch_command(plan);
  if (!command) co_return command.take_error();

  const bool in_terminal =
      config.console != Console::internal && client_->supports_run_in_terminal_request;
  if (config.console != Console::internal && !in_terminal)
    output("console",
           "moonring: the client cannot open a terminal (no runInTerminal); the "
           "program's output appears here\n");
  if (in_terminal) {
    auto answer = co_await endpoint_.request(
        "runInTerminal", terminal_arguments(config, *command, plan.cwd), limits_.connect);
    if (!answer) co_return answer.take_error();
    if (!answer->success)
      co_return failure(std::errc::io_error, "runInTerminal: " + std::string(answer->message));
    terminal_pid_ = static_cast<int>(number_field(answer->body_json, "processId"));
  } else {
    auto child = ChildProcess::spawn({command->argv, plan.cwd, config.env});
    if (!child) co_return child.take_error();
    process_.emplace(std::move(*child));
    pumps_running_ = 2;
    start(pump_output(process_->stdout_pipe(), "stdout"));
    start(pump_output(process_->stderr_pipe(), "stderr"));
    start(watch_process());
  }
  auto stream = co_await accept_agent(*listener);
  if (!stream) co_return stream.take_error();
  co_return co_await handshake(std::move(*stream), *token, config.stop_on_entry);
}

Task<Result<TcpStream>> Server::accept_agent(TcpListener& listener) {
  std::vector<Task<Result<TcpStream>>> racers;
  racers.push_back(with_timeout(limits_.connect, listener.accept(),
                                "waiting for the debuggee's agent to connect"));
  if (process_) {
    // A program that ends before its agent connects (a bad interpreter, a crash) ends the wait.
    racers.push_back([](Server* self) -> Task<Result<TcpStream>> {
      const bool exited = co_await self->process_exited_.wait();
      if (!exited) co_return runtime_error(RuntimeErrc::cancelled, "waiting for the debuggee");
      co_return failure(std::errc::no_such_process,
                        "the debuggee ended (exit status " +
                            std::to_string(self->process_->exit_status().value_or(-1)) +
                            ") before its agent connected; its output says why");
    }(this));
  }
  auto first = co_await when_any(std::move(racers));
  co_return std::move(first.value);
}

Task<Result<void>> Server::attach(const AttachConfig& config) {
  auto address = SocketAddress::parse(config.host, config.port);
  if (!address)
    co_return failure(std::errc::invalid_argument,
                      "attach: host '" + config.host + "': " + address.error().message());
  std::string token;
  if (config.token) {
    token = *config.token;
  } else if (config.token_file || config.pid) {
    auto read =
        read_token_file(config.token_file ? *config.token_file : backend_.token_file(*config.pid));
    if (!read) co_return read.take_error();
    token = std::move(*read);
  }
  auto stream = co_await with_timeout(limits_.connect, TcpStream::connect(*address),
                                      "attach: connect " + address->to_string());
  if (!stream) co_return stream.take_error();
  co_return co_await handshake(std::move(*stream), token, false);
}

Task<Result<void>> Server::handshake(TcpStream stream, std::string token, bool stop_on_entry) {
  std::string name = "agent " + stream.name();
  link_ = std::make_unique<AgentLink>(std::move(stream), std::move(name));
  start(run_link());
  std::string hello = "{";
  if (!token.empty()) append_field(hello, "token", token);
  if (hello.size() > 1) hello += ',';
  hello += stop_on_entry ? "\"stopOnEntry\":true" : "\"stopOnEntry\":false";
  hello += client_->lines_start_at1 ? ",\"linesStartAt1\":true" : ",\"linesStartAt1\":false";
  hello += client_->columns_start_at1 ? ",\"columnsStartAt1\":true" : ",\"columnsStartAt1\":false";
  hello += ",\"pathFormat\":\"path\"}";
  const service::AgentHandshake shape = backend_.handshake();
  auto answer = co_await link_->request(shape.command, hello, limits_.handshake);
  if (!answer) {
    if (link_error_) co_return failure(std::errc::protocol_error, *link_error_);
    co_return answer.take_error();
  }
  if (!answer->success)
    co_return failure(std::errc::permission_denied,
                      link_->name() + " refused the debugger: " + std::string(answer->message));
  const int64_t pid = number_field(answer->body_json, "pid");
  const std::string version = string_field(answer->body_json, shape.version_field);
  std::string program = string_field(answer->body_json, "program");
  if (program.empty()) program = "an embedded " + std::string(backend_.language()) + " program";
  output("console", "moonring: debugging " + program + " (" + version + ", process " +
                        std::to_string(pid) + ")\n");
  connected_.set();
  co_return Result<void>{};
}

}  // namespace moonring::dap
