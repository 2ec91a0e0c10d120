// The protocol subcommands of `moonring` (protocol_commands.cpp, jsonrpc_echo.cpp).
#pragma once

#include <string_view>
#include <vector>

namespace moonring::app {

int lsp_command(std::vector<std::string_view> args);
int dap_command(std::vector<std::string_view> args);
int jsonrpc_echo_command(std::vector<std::string_view> args);

}  // namespace moonring::app
