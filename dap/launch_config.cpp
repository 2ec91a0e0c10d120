// Reading launch and attach arguments (see launch_config.hpp) with simdjson's DOM: they are small
// and read once per session.
#include "dap/launch_config.hpp"

#include <simdjson.h>

#include <system_error>

namespace moonring::dap {
namespace {

namespace dom = simdjson::dom;

Error invalid(std::string_view request, std::string_view what) {
  return Error{std::make_error_code(std::errc::invalid_argument),
               std::string(request) + ": " + std::string(what)};
}
Error mistyped(std::string_view request, std::string_view key, std::string_view wanted) {
  return invalid(request, "field '" + std::string(key) + "' must be " + std::string(wanted));
}

// The arguments object, or an error; `doc` keeps it alive.
// No arguments at all reads as {}: the missing field is then named.
Result<dom::object> object_of(std::string_view request, dom::parser& parser,
                              const simdjson::padded_string& text) {
  dom::element root;
  if (parser.parse(text).get(root)) return invalid(request, "arguments are not JSON");
  dom::object object;
  if (root.get_object().get(object)) return invalid(request, "arguments must be an object");
  return object;
}

bool is_null(dom::element e) {
  return e.is_null();
}

std::optional<Error> read_string(std::string_view request, std::string_view key, dom::element e,
                                 std::optional<std::string>& out) {
  if (is_null(e)) return std::nullopt;
  std::string_view s;
  if (e.get_string().get(s)) return mistyped(request, key, "a string");
  out.emplace(s);
  return std::nullopt;
}

std::optional<Error> read_bool(std::string_view request, std::string_view key, dom::element e,
                               bool& out) {
  if (is_null(e)) return std::nullopt;
  if (e.get_bool().get(out)) return mistyped(request, key, "a boolean");
  return std::nullopt;
}

std::optional<Error> read_strings(std::string_view request, std::string_view key, dom::element e,
                                  std::vector<std::string>& out) {
  if (is_null(e)) return std::nullopt;
  dom::array array;
  if (e.get_array().get(array)) return mistyped(request, key, "an array of strings");
  for (dom::element item : array) {
    std::string_view s;
    if (item.get_string().get(s)) return mistyped(request, key, "an array of strings");
    out.emplace_back(s);
  }
  return std::nullopt;
}

// launch.json's env: {"NAME": "value" | null}.
std::optional<Error> read_env(
    std::string_view request, dom::element e,
    std::vector<std::pair<std::string, std::optional<std::string>>>& out) {
  if (is_null(e)) return std::nullopt;
  dom::object object;
  if (e.get_object().get(object)) return mistyped(request, "env", "an object");
  for (auto [name, value] : object) {
    if (name.empty() || name.find('=') != std::string_view::npos)
      return invalid(request,
                     "field 'env' has an invalid variable name '" + std::string(name) + "'");
    if (value.is_null()) {
      out.emplace_back(std::string(name), std::nullopt);
      continue;
    }
    std::string_view s;
    if (value.get_string().get(s))
      return invalid(request, "field 'env." + std::string(name) + "' must be a string or null");
    out.emplace_back(std::string(name), std::string(s));
  }
  return std::nullopt;
}

std::optional<Error> read_console(std::string_view request, dom::element e, Console& out) {
  if (is_null(e)) return std::nullopt;
  std::string_view s;
  if (e.get_string().get(s)) return mistyped(request, "console", "a string");
  if (s == "internalConsole")
    out = Console::internal;
  else if (s == "integratedTerminal")
    out = Console::integrated_terminal;
  else if (s == "externalTerminal")
    out = Console::external_terminal;
  else
    return invalid(request,
                   "field 'console' must be \"internalConsole\", \"integratedTerminal\" "
                   "or \"externalTerminal\"");
  return std::nullopt;
}

}  // namespace

Result<LaunchConfig> read_launch_config(std::string_view json) {
  constexpr std::string_view kRequest = "launch";
  dom::parser parser;
  const simdjson::padded_string text(json.empty() ? std::string_view("{}") : json);
  auto object = object_of(kRequest, parser, text);
  if (!object) return object.take_error();
  LaunchConfig config;
  std::optional<std::string> program;
  for (auto [key, value] : *object) {
    std::optional<Error> error;
    if (key == "program")
      error = read_string(kRequest, key, value, program);
    else if (key == "args")
      error = read_strings(kRequest, key, value, config.args);
    else if (key == "cwd")
      error = read_string(kRequest, key, value, config.cwd);
    else if (key == "env")
      error = read_env(kRequest, value, config.env);
    else if (key == "stopOnEntry")
      error = read_bool(kRequest, key, value, config.stop_on_entry);
    else if (key == "console")
      error = read_console(kRequest, value, config.console);
    if (error) return std::move(*error);
  }
  if (!program || program->empty()) return invalid(kRequest, "missing required field 'program'");
  config.program = std::move(*program);
  return config;
}

Result<AttachConfig> read_attach_config(std::string_view json) {
  constexpr std::string_view kRequest = "attach";
  dom::parser parser;
  const simdjson::padded_string text(json.empty() ? std::string_view("{}") : json);
  auto object = object_of(kRequest, parser, text);
  if (!object) return object.take_error();
  AttachConfig config;
  bool have_port = false;
  for (auto [key, value] : *object) {
    std::optional<Error> error;
    if (key == "host") {
      std::optional<std::string> host;
      error = read_string(kRequest, key, value, host);
      if (host && !host->empty()) config.host = std::move(*host);
    } else if (key == "port" && !is_null(value)) {
      int64_t port = 0;
      if (value.get_int64().get(port) || port <= 0 || port > 65535)
        return mistyped(kRequest, key, "a port number (1-65535)");
      config.port = static_cast<uint16_t>(port);
      have_port = true;
    } else if (key == "pid" && !is_null(value)) {
      int64_t pid = 0;
      if (value.get_int64().get(pid) || pid <= 0 || pid > INT32_MAX)
        return mistyped(kRequest, key, "a process id");
      config.pid = static_cast<int>(pid);
    } else if (key == "token") {
      error = read_string(kRequest, key, value, config.token);
    } else if (key == "tokenFile") {
      error = read_string(kRequest, key, value, config.token_file);
    }
    if (error) return std::move(*error);
  }
  if (!have_port) return invalid(kRequest, "missing required field 'port'");
  return config;
}

}  // namespace moonring::dap
