// Sockets and framing for the agent.
#include "lang/lua/debug/agent/wire.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace moonring::lua::debug {
namespace {

constexpr std::size_t kMaxBody = std::size_t{64} << 20;  // a larger header is garbage

// Resolves host:port for TCP; false and `error` on failure.
bool resolve(const std::string& host, int port, bool passive, sockaddr_storage& out,
             socklen_t& length, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = passive ? AI_PASSIVE : 0;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (rc != 0 || found == nullptr) {
    error = "resolve " + host + ": " + ::gai_strerror(rc);
    return false;
  }
  std::memcpy(&out, found->ai_addr, found->ai_addrlen);
  length = found->ai_addrlen;
  ::freeaddrinfo(found);
  return true;
}

std::string where(const std::string& host, int port) {
  return host + ":" + std::to_string(port);
}

}  // namespace

bool split_address(const std::string& address, std::string& host, int& port) {
  std::size_t colon = address.rfind(':');
  std::string port_text = colon == std::string::npos ? address : address.substr(colon + 1);
  host = colon == std::string::npos ? "127.0.0.1" : address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "127.0.0.1";
  if (port_text.empty() || port_text.size() > 5) return false;
  char* end = nullptr;
  long value = std::strtol(port_text.c_str(), &end, 10);
  if (*end != '\0' || value < 0 || value > 65535) return false;
  port = static_cast<int>(value);
  return true;
}

int listen_on(const std::string& host, int port, std::string& error) {
  sockaddr_storage address{};
  socklen_t length = 0;
  if (!resolve(host, port, true, address, length, error)) return -1;
  int fd = ::socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = "socket: " + std::string(std::strerror(errno));
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(fd, 4) != 0) {
    error = "listen " + where(host, port) + ": " + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

int bound_port(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return -1;
  if (address.ss_family == AF_INET)
    return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
}

int connect_to(const std::string& host, int port, std::string& error) {
  sockaddr_storage address{};
  socklen_t length = 0;
  if (!resolve(host, port, false, address, length, error)) return -1;
  int fd = ::socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = "socket: " + std::string(std::strerror(errno));
    return -1;
  }
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) {
    error = "connect " + where(host, port) + ": " + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

Connection::Connection(int fd) : fd_(fd) {
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

Connection::~Connection() {
  ::close(fd_);
}

void Connection::shut() {
  ::shutdown(fd_, SHUT_RDWR);
}

bool Connection::fill() {
  char chunk[16384];
  for (;;) {
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

std::optional<Json> Connection::read() {
  for (;;) {
    std::size_t end = buffer_.find("\r\n\r\n");
    if (end == std::string::npos) {
      if (buffer_.size() > 65536) buffer_.erase(0, buffer_.size() - 3);  // no header in sight
      if (!fill()) return std::nullopt;
      continue;
    }
    // The header's Content-Length (case-insensitive name); a header without one is skipped.
    std::size_t length = 0;
    bool has_length = false;
    std::string header = buffer_.substr(0, end);
    for (char& c : header) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::size_t at = header.rfind("content-length:");
    if (at != std::string::npos) {
      char* stop = nullptr;
      unsigned long long value = std::strtoull(header.c_str() + at + 15, &stop, 10);
      has_length = stop != header.c_str() + at + 15 && value <= kMaxBody;
      length = static_cast<std::size_t>(value);
    }
    if (!has_length) {
      buffer_.erase(0, end + 4);
      continue;
    }
    while (buffer_.size() < end + 4 + length)
      if (!fill()) return std::nullopt;
    Json message = Json::parse(buffer_.begin() + static_cast<std::ptrdiff_t>(end + 4),
                               buffer_.begin() + static_cast<std::ptrdiff_t>(end + 4 + length),
                               nullptr, false);
    buffer_.erase(0, end + 4 + length);
    if (message.is_object()) return message;
  }
}

bool Connection::write(const Json& message) {
  std::string body = message.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string frame = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  std::lock_guard lock(write_mutex_);
  std::size_t sent = 0;
  while (sent < frame.size()) {
    ssize_t n = ::send(fd_, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace moonring::lua::debug
