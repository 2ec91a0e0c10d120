// The streaming argument parser: paths reach the sink before later options are parsed, and
// usage errors come back as values.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "workspace/discover/streaming_args.hpp"

using namespace moonring::workspace;
using moonring::Result;

namespace {

// The options of `moonring check`, recording every event (path or option) in order.
struct CheckLine {
  std::vector<std::string> events;
  uint64_t jobs = 0;
  std::vector<ArgOption> options;

  CheckLine() {
    static constexpr std::string_view formats[] = {"text", "json", "sarif"};
    static constexpr std::string_view severities[] = {"error", "warning", "info", "hint"};
    auto choice = [this](std::string name, std::span<const std::string_view> choices) {
      return [this, name, choices](std::string_view v) -> Result<void> {
        auto c = parse_choice(name, v, choices);
        if (!c) return c.take_error();
        events.push_back(name + "=" + std::string(*c));
        return {};
      };
    };
    auto value = [this](std::string name) {
      return [this, name](std::string_view v) -> Result<void> {
        events.push_back(name + "=" + std::string(v));
        return {};
      };
    };
    options = {
        {{"--format"}, true, choice("--format", formats)},
        {{"--lua-version"}, true, value("--lua-version")},
        {{"--jobs", "-j"},
         true,
         [this](std::string_view v) -> Result<void> {
           auto n = parse_number("--jobs", v);
           if (!n) return n.take_error();
           jobs = *n;
           events.push_back("--jobs=" + std::to_string(*n));
           return {};
         }},
        {{"--fail-on"}, true, choice("--fail-on", severities)},
        {{"--config"}, true, value("--config")},
        {{"--exclude"}, true, value("--exclude")},
        {{"--quiet"},
         false,
         [this](std::string_view) -> Result<void> {
           events.push_back("--quiet");
           return {};
         }},
    };
  }

  Result<void> parse(std::vector<std::string_view> args) {
    return parse_streaming_args(
        std::span<const std::string_view>(args), options,
        [this](std::string_view p) { events.push_back("path " + std::string(p)); });
  }
};

}  // namespace

TEST_CASE("each path reaches the sink before the arguments after it are parsed") {
  CheckLine line;
  REQUIRE(line.parse({"src/",
                      "--format",
                      "json",
                      "a.lua",
                      "--jobs=4",
                      "--lua-version",
                      "5.1",
                      "-j",
                      "2",
                      "lib",
                      "--quiet",
                      "--fail-on=warning",
                      "--config",
                      "c.json",
                      "--exclude",
                      "vendor/",
                      "-",
                      "--",
                      "--weird-name.lua",
                      "-x"})
              .ok());
  CHECK(line.events == std::vector<std::string>{"path src/", "--format=json", "path a.lua",
                                                "--jobs=4", "--lua-version=5.1", "--jobs=2",
                                                "path lib", "--quiet", "--fail-on=warning",
                                                "--config=c.json", "--exclude=vendor/", "path -",
                                                "path --weird-name.lua", "path -x"});
  CHECK(line.jobs == 2);
}

TEST_CASE("a path is handed on even when a later argument is a usage error") {
  CheckLine line;
  auto r = line.parse({"first.lua", "--frob", "second.lua"});
  REQUIRE_FALSE(r.ok());
  CHECK(usage_message(r.error()) == "unknown option --frob");
  CHECK(r.error().code == std::errc::invalid_argument);
  CHECK(line.events == std::vector<std::string>{"path first.lua"});
}

TEST_CASE("usage errors as values") {
  struct Case {
    std::vector<std::string_view> args;
    const char* message;
  };
  const Case cases[] = {
      {{"--frob"}, "unknown option --frob"},
      {{"--frob=1"}, "unknown option --frob"},
      {{"--jobs", "many"}, "--jobs needs a number, not 'many'"},
      {{"--jobs="}, "--jobs needs a number, not ''"},
      {{"-j", "4x"}, "--jobs needs a number, not '4x'"},
      {{"--jobs"}, "--jobs needs a value"},
      {{"--format", "xml"}, "--format must be one of text, json, sarif, not 'xml'"},
      {{"--fail-on", "fatal"}, "--fail-on must be one of error, warning, info, hint, not 'fatal'"},
      {{"--quiet=yes"}, "--quiet takes no value"},
  };
  for (const auto& c : cases) {
    CheckLine line;
    auto r = line.parse(c.args);
    INFO(c.message);
    REQUIRE_FALSE(r.ok());
    CHECK(usage_message(r.error()) == c.message);
  }
}

TEST_CASE("argv form skips the program and subcommand") {
  CheckLine line;
  const char* argv[] = {"moonring", "check", "x.lua", "--jobs", "3"};
  REQUIRE(parse_streaming_args(5, argv, 2, line.options, [&](std::string_view p) {
            line.events.push_back("path " + std::string(p));
          }).ok());
  CHECK(line.events == std::vector<std::string>{"path x.lua", "--jobs=3"});
}
