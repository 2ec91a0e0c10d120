// The streaming argument parser (see streaming_args.hpp).
#include "workspace/discover/streaming_args.hpp"

#include <charconv>
#include <system_error>

namespace moonring::workspace {

namespace {

const ArgOption* find_option(std::span<const ArgOption> options, std::string_view name) {
  for (const auto& o : options)
    for (const auto& n : o.names)
      if (n == name) return &o;
  return nullptr;
}

}  // namespace

Error usage_error(std::string sentence) {
  return Error{std::make_error_code(std::errc::invalid_argument), std::move(sentence)};
}

Result<void> parse_streaming_args(std::span<const std::string_view> args,
                                  std::span<const ArgOption> options,
                                  const std::function<void(std::string_view)>& on_path) {
  bool options_ended = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (options_ended || arg.size() < 2 || arg[0] != '-') {
      on_path(arg);
      continue;
    }
    if (arg == "--") {
      options_ended = true;
      continue;
    }
    std::string_view name = arg;
    std::string_view value;
    bool inline_value = false;
    if (arg.starts_with("--")) {
      if (std::size_t eq = arg.find('='); eq != std::string_view::npos) {
        name = arg.substr(0, eq);
        value = arg.substr(eq + 1);
        inline_value = true;
      }
    }
    const ArgOption* option = find_option(options, name);
    if (!option) return usage_error("unknown option " + std::string(name));
    if (option->takes_value && !inline_value) {
      if (i + 1 >= args.size()) return usage_error(std::string(name) + " needs a value");
      value = args[++i];
    } else if (!option->takes_value && inline_value) {
      return usage_error(std::string(name) + " takes no value");
    }
    if (option->handler) {
      auto r = option->handler(value);
      if (!r) return r.take_error();
    }
  }
  return {};
}

Result<void> parse_streaming_args(int argc, const char* const* argv, int first,
                                  std::span<const ArgOption> options,
                                  const std::function<void(std::string_view)>& on_path) {
  std::vector<std::string_view> args;
  for (int i = first; i < argc; ++i) args.emplace_back(argv[i]);
  return parse_streaming_args(std::span<const std::string_view>(args), options, on_path);
}

Result<uint64_t> parse_number(std::string_view option, std::string_view value) {
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size())
    return usage_error(std::string(option) + " needs a number, not '" + std::string(value) + "'");
  return n;
}

Result<std::string_view> parse_choice(std::string_view option, std::string_view value,
                                      std::span<const std::string_view> choices) {
  std::string list;
  for (auto c : choices) {
    if (c == value) return c;
    if (!list.empty()) list += ", ";
    list += c;
  }
  return usage_error(std::string(option) + " must be one of " + list + ", not '" +
                     std::string(value) + "'");
}

}  // namespace moonring::workspace
