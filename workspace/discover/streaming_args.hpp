// A command-line parser that hands each path to a sink the moment it reads it, so loading the
// files named early overlaps parsing the rest ("moonring check a/ b.lua --format json").
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/result.hpp"

namespace moonring::workspace {

// One option: its spellings ("--jobs", "-j"), whether it takes a value ("--jobs 4" or
// "--jobs=4"), and what to do with it. A handler's error is a usage error (see below).
struct ArgOption {
  std::vector<std::string> names;
  bool takes_value = false;
  std::function<Result<void>(std::string_view value)> handler;  // value is "" for a flag
};

// Usage errors are Error values with errc::invalid_argument whose context is the whole sentence
// ("unknown option --frob", "--jobs needs a number, not 'x'"); print usage_message(e).
Error usage_error(std::string sentence);
inline const std::string& usage_message(const Error& e) {
  return e.context;
}

// Walks `args` (without the program and subcommand names) left to right. A positional
// argument goes to `on_path` at once, before anything after it is looked at; "--" ends the
// options (everything after it is a path); "-" alone is a path. Stops at the first usage error.
Result<void> parse_streaming_args(std::span<const std::string_view> args,
                                  std::span<const ArgOption> options,
                                  const std::function<void(std::string_view)>& on_path);
// The same for main()'s argv (from `first`).
Result<void> parse_streaming_args(int argc, const char* const* argv, int first,
                                  std::span<const ArgOption> options,
                                  const std::function<void(std::string_view)>& on_path);

// Helpers for handlers: "--jobs needs a number, not 'x'"; "--format must be one of text, json,
// sarif, not 'xml'".
Result<uint64_t> parse_number(std::string_view option, std::string_view value);
Result<std::string_view> parse_choice(std::string_view option, std::string_view value,
                                      std::span<const std::string_view> choices);

}  // namespace moonring::workspace
