// The two ways jsonrpc::decode reads a body (private to protocol/): the usual request shape read
// directly, and the general decoder for everything else. decode() tries the first, then the
// second; they must agree wherever the first answers, which the tests and the fuzz target check.
#pragma once

#include "protocol/jsonrpc/message.hpp"

namespace moonring::jsonrpc::detail {

// {"jsonrpc":"2.0","id":N,"method":"M","params":P} (id and params optional), in this order and
// without whitespace: what vscode-jsonrpc and most clients send. Appends the message and returns
// true, taking `body`; returns false, having changed nothing, for anything else or anything
// doubtful. With ParamsCheck::deferred the params are not checked (params_checked is false).
bool decode_usual(protocol::SharedBody& body, Decoded& out, ParamsCheck check);

// Whether `params`, a view into `body`, is one JSON object or array as the general path checks it.
bool params_are_json(const protocol::Body& body, std::string_view params);

// Any body (decode() without the fast path).
Decoded decode_general(protocol::Body body);

}  // namespace moonring::jsonrpc::detail
