// The debug agent's framing (lang/lua/debug/agent/wire.*): whatever bytes the adapter's side of
// the connection sends, Connection::read() returns messages or the end, never crashes, never
// loops. The first byte splits the input into an address for split_address and the stream.
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "lang/lua/debug/agent/wire.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moonring::lua::debug;
  std::size_t split = size == 0 ? 0 : data[0] % 32;
  if (split > size) split = size;
  std::string address(reinterpret_cast<const char*>(data), split);
  std::string host;
  int port = 0;
  (void)split_address(address, host, port);

  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return 0;
  // libFuzzer's inputs (-max_len 4096 by default) fit in a socket buffer: written whole, then
  // the writer closes, so read() sees the end after the last byte.
  const uint8_t* stream = data + split;
  std::size_t left = size - split;
  while (left > 0) {
    ssize_t n = ::write(fds[1], stream, left);
    if (n <= 0) break;
    stream += n;
    left -= static_cast<std::size_t>(n);
  }
  ::close(fds[1]);
  Connection connection(fds[0]);
  for (int messages = 0; messages < 4096; ++messages)
    if (!connection.read()) break;
  return 0;
}
