// How the jsonrpc load client reaches its server: a child process on stdin/stdout pipes
// (started through /bin/sh -c "exec CMD"), or a TCP connection. Both ends are non-blocking.
#pragma once

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

extern char** environ;

namespace moonring::bench {

struct ServerChannel {
  int read_fd = -1;   // the server's output
  int write_fd = -1;  // the server's input
  pid_t pid = 0;      // the child, with --spawn
  std::string error;  // what failed, if read_fd < 0

  // Closes both ends; a child gets EOF and two seconds to exit before SIGKILL.
  void close_and_reap() {
    if (write_fd >= 0 && write_fd != read_fd) ::close(write_fd);
    if (read_fd >= 0) ::close(read_fd);
    read_fd = write_fd = -1;
    if (pid <= 0) return;
    for (int i = 0; i < 200; ++i) {
      if (::waitpid(pid, nullptr, WNOHANG) == pid) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
};

inline void set_nonblocking(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// Starts `command` with its stdin and stdout on pipes to us and its stderr on `stderr_path`.
inline ServerChannel spawn_server(const std::string& command, const std::string& stderr_path) {
  ServerChannel channel;
  int to_server[2];
  int from_server[2];
  if (::pipe2(to_server, O_CLOEXEC) != 0 || ::pipe2(from_server, O_CLOEXEC) != 0) {
    channel.error = std::string("pipe: ") + std::strerror(errno);
    return channel;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_server[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, from_server[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const std::string exec_command = "exec " + command;
  const char* argv[] = {"/bin/sh", "-c", exec_command.c_str(), nullptr};
  const int failed = ::posix_spawn(&channel.pid, "/bin/sh", &actions, nullptr,
                                   const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(to_server[0]);
  ::close(from_server[1]);
  if (failed != 0) {
    channel.error = "spawn " + command + ": " + std::strerror(failed);
    ::close(to_server[1]);
    ::close(from_server[0]);
    channel.pid = 0;
    return channel;
  }
  channel.write_fd = to_server[1];
  channel.read_fd = from_server[0];
  set_nonblocking(channel.write_fd);
  set_nonblocking(channel.read_fd);
  return channel;
}

// Connects to HOST:PORT, retrying for up to `wait` while the server is still starting.
inline ServerChannel connect_server(const std::string& address, std::chrono::milliseconds wait) {
  ServerChannel channel;
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) {
    channel.error = "bad address " + address + " (want HOST:PORT)";
    return channel;
  }
  const std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    channel.error = "resolve " + address + ": " + ::gai_strerror(rc);
    return channel;
  }
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (::connect(fd, found->ai_addr, found->ai_addrlen) == 0) {
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      set_nonblocking(fd);
      channel.read_fd = channel.write_fd = fd;
      break;
    }
    const int error = errno;
    ::close(fd);
    if (std::chrono::steady_clock::now() > deadline) {
      channel.error = "connect " + address + ": " + std::strerror(error);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::freeaddrinfo(found);
  return channel;
}

}  // namespace moonring::bench
