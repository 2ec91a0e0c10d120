# The codec's sources (framing, JSON-RPC, DAP, the typed LSP messages): bytes to messages and
# back. They need neither the runtime nor anything above it, so tests/fuzz/ compiles them alone
# with its own instrumentation.
set(MOONRING_PROTOCOL_CODEC_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/framing.cpp
  ${CMAKE_CURRENT_LIST_DIR}/json_check.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jsonrpc/decode.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jsonrpc/decode_usual.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jsonrpc/encode.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jsonrpc/json_string.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dap/decode.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dap/encode.cpp
  ${CMAKE_CURRENT_LIST_DIR}/outbox.cpp
  ${CMAKE_CURRENT_LIST_DIR}/lsp/position.cpp
  ${CMAKE_CURRENT_LIST_DIR}/lsp/hover.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dap/arguments.cpp
)
