// Socket address parsing and printing.
#include "runtime/net/address.hpp"

#include <arpa/inet.h>
#include <sys/un.h>

#include <cstddef>

#include <charconv>
#include <cstring>

namespace moonring {

namespace {
Error invalid(std::string_view what) {
  return Error{std::make_error_code(std::errc::invalid_argument), "address " + std::string(what)};
}
}  // namespace

Result<SocketAddress> SocketAddress::parse(std::string_view host, uint16_t port) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  std::string h(host);
  SocketAddress a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage_);
  if (inet_pton(AF_INET, h.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    a.length_ = sizeof(sockaddr_in);
    return a;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage_);
  if (inet_pton(AF_INET6, h.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    a.length_ = sizeof(sockaddr_in6);
    return a;
  }
  return invalid(std::string(host) + ": not a numeric IPv4 or IPv6 address");
}

Result<SocketAddress> SocketAddress::parse(std::string_view host_port) {
  std::size_t colon = host_port.rfind(':');
  if (colon == std::string_view::npos)
    return invalid(std::string(host_port) + ": expected HOST:PORT");
  std::string_view port_text = host_port.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535)
    return invalid(std::string(host_port) + ": bad port");
  return parse(host_port.substr(0, colon), static_cast<uint16_t>(port));
}

SocketAddress SocketAddress::loopback(uint16_t port) {
  SocketAddress a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage_);
  v4->sin_family = AF_INET;
  v4->sin_port = htons(port);
  v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.length_ = sizeof(sockaddr_in);
  return a;
}

Result<SocketAddress> SocketAddress::unix_path(std::string_view path) {
  SocketAddress a;
  auto* un = reinterpret_cast<sockaddr_un*>(&a.storage_);
  if (path.empty() || path.size() >= sizeof(un->sun_path))
    return invalid(std::string(path) + ": not a usable Unix socket path");
  un->sun_family = AF_UNIX;
  std::memcpy(un->sun_path, path.data(), path.size());
  a.length_ = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  return a;
}

SocketAddress SocketAddress::from(const sockaddr* sa, socklen_t len) {
  SocketAddress a;
  if (len > sizeof(a.storage_)) len = sizeof(a.storage_);
  std::memcpy(&a.storage_, sa, len);
  a.length_ = len;
  return a;
}

uint16_t SocketAddress::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (family() == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  return 0;
}

std::string SocketAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, buf,
              sizeof(buf));
    std::string out(buf);
    out += ':';
    out += std::to_string(port());
    return out;
  }
  if (family() == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, buf,
              sizeof(buf));
    std::string out = "[";
    out += buf;
    out += "]:";
    out += std::to_string(port());
    return out;
  }
  if (family() == AF_UNIX) return reinterpret_cast<const sockaddr_un*>(&storage_)->sun_path;
  return "(unknown address)";
}

}  // namespace moonring
