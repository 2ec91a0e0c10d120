// In-memory JSON-RPC pipeline against its anchor, raw simdjson on-demand, on the same bytes: a
// stream of framed 186-byte textDocument/hover requests.
//   anchor:   simdjson on-demand parses each body in place, reading the method and the position's
//             line and character (the least a server must read to answer);
//   pipeline: what `moonring lsp` does per message, without the I/O: FrameDecoder (64 KB reads),
//             then jsonrpc::Dispatcher::handle (decode, the lsp::Server's gate and method table)
//             to an inline hover handler that decodes its typed params, which the dispatcher
//             leaves to it (lsp::decode_position_params reads them once, checking as it reads),
//             and writes a typed Hover straight into the Outbox,
//             framed (the writer's buffer). The hover handler is the bench's own (no
//             LanguageService yet): the markdown is fixed, the range comes from the position.
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

#include "lsp/server.hpp"
#include "protocol/framing.hpp"
#include "protocol/jsonrpc/dispatcher.hpp"
#include "protocol/lsp/hover.hpp"
#include "protocol/lsp/position.hpp"
#include "protocol/outbox.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace protocol = moonring::protocol;
namespace jsonrpc = moonring::jsonrpc;
namespace lsp = moonring::lsp;

constexpr std::size_t kRead = 64u << 10;
constexpr std::string_view kMarkdown = "```lua\nlocal checker: Checker\n```";
constexpr std::string_view kInitialize =
    R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,)"
    R"("capabilities":{"general":{"positionEncodings":["utf-8","utf-16"]}}}})";

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

// A hover handler as a language feature would register it: typed params in, typed Hover out.
void answer_hover(const jsonrpc::Message& m, jsonrpc::Responder& out) {
  lsp::TextDocumentPositionParams params;
  if (auto error = lsp::decode_position_params(m, params)) {
    return out.error(error->code, error->message);
  }
  const lsp::Position& at = params.position;
  lsp::append_hover(out.result(),
                    lsp::Hover{kMarkdown, lsp::Range{at, {at.line, at.character + 7}}});
}

// The server's method table: lsp::Server's lifecycle, initialized, plus the hover handler.
struct Server {
  jsonrpc::Dispatcher dispatcher;
  lsp::Server lifecycle{dispatcher, [] {}};
  protocol::Outbox out;

  Server() {
    dispatcher.on_request_inline("textDocument/hover", answer_hover,
                                 jsonrpc::ParamsCheck::deferred);
    if (dispatcher.handle(protocol::Body::copy_of(kInitialize), out) !=
        jsonrpc::Dispatcher::Left::nothing) {
      std::abort();
    }
    std::string reply;
    out.take(reply);
    if (reply.find(R"("positionEncoding":"utf-8")") == std::string::npos) std::abort();
  }
};

// The pipeline: frames from 64 KB reads, each handled by the server's dispatcher, its reply framed
// into the outbox that a write would drain.
double pipeline_run(const Stream& s) {
  protocol::FrameDecoder decoder;
  Server server;
  std::string written;
  uint64_t answered = 0;
  const std::string_view input(s.bytes.data(), s.bytes.size() - simdjson::SIMDJSON_PADDING);
  const auto start = Clock::now();
  for (std::size_t at = 0; at < input.size(); at += kRead) {
    // As protocol::Wire reads: each read is drained before the next, decoded in place.
    const std::string_view read = input.substr(at, kRead);
    decoder.feed_in_place(std::as_bytes(std::span(read.data(), read.size())));
    while (auto event = decoder.next()) {
      if (event->kind != protocol::FrameEvent::Kind::message) std::abort();
      if (server.dispatcher.handle(std::move(event->body), server.out) !=
          jsonrpc::Dispatcher::Left::nothing) {
        std::abort();
      }
      ++answered;
    }
    server.out.take(written);  // written
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (answered != s.bodies.size()) std::abort();
  return static_cast<double>(answered) / seconds;
}

// One request through the pipeline, its reply checked (so the bench measures a working server).
void check_reply(const Stream& s) {
  Server server;
  const auto& [offset, size] = s.bodies.front();
  server.dispatcher.handle(protocol::Body::copy_of({s.bytes.data() + offset, size}), server.out);
  std::string reply;
  server.out.take(reply);
  const std::string body =
      R"({"jsonrpc":"2.0","id":1000000,"result":{"contents":{"kind":"markdown","value":)"
      R"("```lua\nlocal checker: Checker\n```"},"range":{"start":{"line":120,"character":17},)"
      R"("end":{"line":120,"character":24}}}})";
  std::string expected;
  protocol::append_frame(expected, body);
  if (reply != expected) {
    std::fprintf(stderr, "pipeline_bench: unexpected reply: %s\n", reply.c_str());
    std::abort();
  }
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
  check_reply(stream);
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
