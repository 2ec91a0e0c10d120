// In-memory JSON-RPC pipeline against its anchor, raw simdjson on-demand, on the same bytes: a
// stream of framed 186-byte textDocument/hover requests.
//   anchor:   simdjson on-demand parses each body in place, reading the method and the position's
//             line and character (the least a server must read to answer);
//   pipeline: FrameDecoder (64 KB reads) + jsonrpc::decode + append_result (a small hover) +
//             append_frame, as the server does per request.
// Prints `bench jsonrpc_pipeline: pipeline_msgs_per_s=… simdjson_msgs_per_s=… ratio=…` (medians of
// RUNS runs, default 5). Usage: jsonrpc_pipeline_bench [MESSAGES] (default 200000).
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "protocol/framing.hpp"
#include "protocol/jsonrpc/message.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace protocol = moonring::protocol;
namespace jsonrpc = moonring::jsonrpc;

constexpr std::size_t kRead = 64u << 10;
constexpr std::string_view kHoverResult =
    R"({"contents":{"kind":"markdown","value":"```lua\nlocal checker: Checker\n```"}})";

// Ids of seven digits make each body 186 bytes.
std::string hover_request(int64_t id) {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
         R"(,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///home/user/)"
         R"(project/src/lang/lua/checker.lua"},"position":{"line":120,"character":17}}})";
}

struct Stream {
  std::string bytes;                                        // the framed requests, then padding
  std::vector<std::pair<std::size_t, std::size_t>> bodies;  // offset, size of each body
};

Stream make_stream(std::size_t messages) {
  Stream s;
  for (std::size_t i = 0; i < messages; ++i) {
    const std::string body = hover_request(1000000 + static_cast<int64_t>(i % 9000000));
    protocol::append_frame(s.bytes, body);
    s.bodies.emplace_back(s.bytes.size() - body.size(), body.size());
  }
  s.bytes.append(simdjson::SIMDJSON_PADDING, ' ');
  return s;
}

volatile uint64_t g_sink;

// The anchor: each body parsed in place (the bytes after it serve as simdjson's padding).
double anchor_run(const Stream& s) {
  simdjson::ondemand::parser parser;
  uint64_t sink = 0;
  const auto start = Clock::now();
  for (const auto& [offset, size] : s.bodies) {
    const char* data = s.bytes.data() + offset;
    simdjson::ondemand::document doc;
    if (parser.iterate(data, size, s.bytes.size() - offset).get(doc)) std::abort();
    std::string_view method;
    int64_t line = 0;
    int64_t character = 0;
    if (doc["method"].get_string().get(method)) std::abort();
    simdjson::ondemand::object position;
    if (doc["params"]["position"].get_object().get(position)) std::abort();
    if (position["line"].get_int64().get(line)) std::abort();
    if (position["character"].get_int64().get(character)) std::abort();
    sink += method.size() + static_cast<uint64_t>(line + character);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  g_sink = sink;
  return static_cast<double>(s.bodies.size()) / seconds;
}

// The pipeline: frames from 64 KB reads, decoded, answered, framed into an output buffer that a
// write would drain.
double pipeline_run(const Stream& s) {
  protocol::FrameDecoder decoder;
  std::string out;
  std::string reply;
  uint64_t answered = 0;
  const std::string_view input(s.bytes.data(), s.bytes.size() - simdjson::SIMDJSON_PADDING);
  const auto start = Clock::now();
  for (std::size_t at = 0; at < input.size(); at += kRead) {
    decoder.feed(input.substr(at, kRead));
    while (auto event = decoder.next()) {
      if (event->kind != protocol::FrameEvent::Kind::message) std::abort();
      const jsonrpc::Decoded decoded = jsonrpc::decode(std::move(event->body));
      const auto* request = std::get_if<jsonrpc::Message>(&decoded.items.front());
      if (request == nullptr || request->method != "textDocument/hover") std::abort();
      reply.clear();
      jsonrpc::append_result(reply, request->id, kHoverResult);
      protocol::append_frame(out, reply);
      ++answered;
    }
    out.clear();  // written
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (answered != s.bodies.size()) std::abort();
  return static_cast<double>(answered) / seconds;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t messages = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200000;
  const char* runs_env = std::getenv("RUNS");
  const int runs = runs_env != nullptr ? std::max(1, std::atoi(runs_env)) : 5;
  const Stream stream = make_stream(messages);
  anchor_run(stream);  // warm-up: page in, grow the parsers
  pipeline_run(stream);
  std::vector<double> anchor;
  std::vector<double> pipeline;
  for (int i = 0; i < runs; ++i) {  // alternate, so drifts of the machine hit both alike
    anchor.push_back(anchor_run(stream));
    pipeline.push_back(pipeline_run(stream));
  }
  const double a = median(anchor);
  const double p = median(pipeline);
  std::printf(
      "bench jsonrpc_pipeline: body_bytes=%zu messages=%zu pipeline_msgs_per_s=%.0f "
      "simdjson_msgs_per_s=%.0f ratio=%.3f\n",
      stream.bodies.front().second, messages, p, a, p / a);
  return 0;
}
