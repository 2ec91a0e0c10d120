// The Wire's reader over real pipes: when the input closes in the middle of a message, stderr
// says how much of it had arrived; a clean close says nothing.
#include <string>
#include <vector>

#include "protocol/wire.hpp"
#include "runtime/spawn.hpp"
#include "tests/session/session_harness.hpp"

using namespace moonring;

namespace {

// Writes `bytes` to a Wire, closes the input, reads to the end; returns the bodies it handed on
// and what it wrote to stderr.
std::pair<std::vector<std::string>, std::string> read_until_closed(std::string bytes) {
  auto rt = test::start_runtime();
  test::StderrCapture captured;
  std::vector<std::string> bodies;
  rt->block_on([&]() -> Task<void> {
    auto pipes = test::PipePair::make();
    protocol::Wire wire(pipes.server_input(), pipes.server_output(), "lsp test");
    test::WireClient client(pipes);
    co_await client.send_raw(std::move(bytes));
    client.close_input();
    auto read = co_await wire.read([&](protocol::Body body) -> std::optional<Task<void>> {
      bodies.emplace_back(body.view());
      return std::nullopt;
    });
    CHECK(read.ok());
  });
  return {bodies, captured.text()};
}

}  // namespace

TEST_CASE("wire: input closed inside a body says how much of it arrived") {
  auto [bodies, err] = read_until_closed("Content-Length: 2\r\n\r\n{}Content-Length: 400\r\n\r\n" +
                                         std::string(120, 'x'));
  CHECK(bodies == std::vector<std::string>{"{}"});
  CHECK(err == "moonring: lsp test: input closed inside a message (120 of 400 body bytes)\n");
}

TEST_CASE("wire: input closed inside a header says so") {
  auto [bodies, err] = read_until_closed("Content-Length: 40");
  CHECK(bodies.empty());
  CHECK(err == "moonring: lsp test: input closed inside a message header (18 bytes)\n");
}

TEST_CASE("wire: input closed between messages says nothing") {
  auto [bodies, err] = read_until_closed("Content-Length: 2\r\n\r\n{}");
  CHECK(bodies == std::vector<std::string>{"{}"});
  CHECK(err.empty());
}
