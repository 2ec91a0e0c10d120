// The typed DAP arguments: initialize (adapterID required, capabilities with their defaults) and
// disconnect (all optional); unknown fields ignored, null as absent, a wrong type named.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "protocol/dap/arguments.hpp"

namespace {

using namespace moonring::dap;

std::string initialize_error(std::string_view json) {
  InitializeArguments args;
  auto error = decode_initialize_arguments(json, args);
  return error ? *error : std::string();
}

std::string disconnect_error(std::string_view json) {
  DisconnectArguments args;
  auto error = decode_disconnect_arguments(json, args);
  return error ? *error : std::string();
}

}  // namespace

TEST_CASE("initialize arguments: the minimum, and the defaults", "[dap]") {
  InitializeArguments args;
  REQUIRE_FALSE(decode_initialize_arguments(R"({"adapterID":"lua"})", args));
  REQUIRE(args.adapter_id == "lua");
  REQUIRE(args.lines_start_at1);
  REQUIRE(args.columns_start_at1);
  REQUIRE(args.path_format == "path");
  REQUIRE_FALSE(args.client_id);
  REQUIRE_FALSE(args.supports_run_in_terminal_request);
}

TEST_CASE("initialize arguments: what VS Code sends", "[dap]") {
  InitializeArguments args;
  REQUIRE_FALSE(decode_initialize_arguments(
      R"({"clientID":"vscode","clientName":"Visual Studio Code","adapterID":"moonring",)"
      R"("pathFormat":"path","linesStartAt1":true,"columnsStartAt1":false,)"
      R"("supportsVariableType":true,"supportsVariablePaging":true,)"
      R"("supportsRunInTerminalRequest":true,"locale":"en","supportsProgressReporting":true,)"
      R"("supportsInvalidatedEvent":true,"supportsMemoryReferences":true,)"
      R"("supportsArgsCanBeInterpretedByShell":true,"supportsMemoryEvent":true,)"
      R"("supportsStartDebuggingRequest":true,"supportsANSIStyling":true,"unknown":[1,{}]})",
      args));
  REQUIRE(args.adapter_id == "moonring");
  REQUIRE(args.client_id == "vscode");
  REQUIRE(args.client_name == "Visual Studio Code");
  REQUIRE(args.locale == "en");
  REQUIRE(args.lines_start_at1);
  REQUIRE_FALSE(args.columns_start_at1);
  REQUIRE(args.supports_variable_type);
  REQUIRE(args.supports_variable_paging);
  REQUIRE(args.supports_run_in_terminal_request);
  REQUIRE(args.supports_memory_references);
  REQUIRE(args.supports_progress_reporting);
  REQUIRE(args.supports_invalidated_event);
  REQUIRE(args.supports_memory_event);
  REQUIRE(args.supports_args_can_be_interpreted_by_shell);
  REQUIRE(args.supports_start_debugging_request);
  REQUIRE(args.supports_ansi_styling);
}

TEST_CASE("initialize arguments: a missing or mistyped field is named", "[dap]") {
  REQUIRE(initialize_error("") == "initialize: missing required field 'arguments'");
  REQUIRE(initialize_error("[]") == "initialize: arguments must be an object");
  REQUIRE(initialize_error("{}") == "initialize: missing required field 'adapterID'");
  REQUIRE(initialize_error(R"({"adapterID":null})") ==
          "initialize: missing required field 'adapterID'");
  REQUIRE(initialize_error(R"({"adapterID":3})") ==
          "initialize: field 'adapterID' must be a string");
  REQUIRE(initialize_error(R"({"adapterID":"lua","linesStartAt1":"yes"})") ==
          "initialize: field 'linesStartAt1' must be a boolean");
  REQUIRE(initialize_error(R"({"adapterID":"lua","clientID":{}})") ==
          "initialize: field 'clientID' must be a string");
  REQUIRE(initialize_error(R"({"adapterID":"lua","pathFormat":null,"locale":null})").empty());
  REQUIRE(initialize_error(R"({"adapter\u0049D":"lua"})").empty());  // an escaped key
}

TEST_CASE("disconnect arguments: all optional", "[dap]") {
  DisconnectArguments args;
  REQUIRE_FALSE(decode_disconnect_arguments("", args));
  REQUIRE_FALSE(args.restart);
  REQUIRE_FALSE(args.terminate_debuggee);
  REQUIRE_FALSE(decode_disconnect_arguments(
      R"({"restart":true,"terminateDebuggee":false,"suspendDebuggee":true,"x":1})", args));
  REQUIRE(args.restart);
  REQUIRE(args.terminate_debuggee == false);
  REQUIRE(args.suspend_debuggee == true);
  REQUIRE(disconnect_error(R"({"terminateDebuggee":1})") ==
          "disconnect: field 'terminateDebuggee' must be a boolean");
  REQUIRE(disconnect_error("3") == "disconnect: arguments must be an object");
}
