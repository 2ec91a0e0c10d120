// `moonring run`'s flags. Anything after the script belongs to the script, flags included.
#include "app/run/run_options.hpp"

#include <string_view>

namespace moonring::app::run {
namespace {

// The value of `--name=VALUE` when `arg` is that flag.
std::optional<std::string_view> value_of(std::string_view arg, std::string_view name) {
  if (arg.size() <= name.size() + 1 || arg.substr(0, name.size()) != name ||
      arg[name.size()] != '=')
    return std::nullopt;
  return arg.substr(name.size() + 1);
}

}  // namespace

ParsedRun parse_run_options(int argc, char** argv, int first) {
  ParsedRun parsed;
  RunOptions& o = parsed.options;
  for (int i = first; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") {
      if (i + 1 < argc) o.script = i + 1;
      break;
    }
    if (arg == "-" || arg.empty() || arg[0] != '-') {
      o.script = i;
      break;
    }
    if (auto v = value_of(arg, "--listen")) {
      o.listen = *v;
    } else if (auto c = value_of(arg, "--debug-connect")) {
      o.debug_connect = *c;
    } else if (auto t = value_of(arg, "--token")) {
      o.token = std::string(*t);
    } else if (arg == "--wait") {
      o.wait = true;
    } else if (arg == "--no-auth") {
      o.no_auth = true;
    } else if (arg == "--stop-on-entry") {
      o.stop_on_entry = true;
    } else {
      parsed.error = "unknown option '" + std::string(arg) + "'";
      return parsed;
    }
  }
  if (o.script == 0)
    parsed.error = "no script given";
  else if (!o.listen.empty() && !o.debug_connect.empty())
    parsed.error = "--listen and --debug-connect exclude each other";
  else if (o.wait && o.listen.empty())
    parsed.error = "--wait needs --listen";
  else if (o.token && o.no_auth)
    parsed.error = "--token and --no-auth exclude each other";
  return parsed;
}

}  // namespace moonring::app::run
