// file: URIs and paths. Editors name documents by URI and disk events come as paths; the
// workspace meets them on the path. RFC 8089 / RFC 3986: only an empty or "localhost" authority
// names this machine's files.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace moonring::workspace {

// `path` with every byte outside RFC 3986's unreserved set and "/" percent-encoded (uppercase
// hex): "/a b/ü.lua" -> "/a%20b/%C3%BC.lua".
std::string percent_encode_path(std::string_view path);

// "file://" + the encoded path; `absolute_path` starts with "/".
std::string path_to_file_uri(std::string_view absolute_path);

// The local path a file: URI names, percent-decoded; nullopt for another scheme (untitled:,
// vscode-notebook-cell:), another host, a relative or malformed URI, or a NUL (raw or encoded). Any
// percent-escape is decoded, lowercase hex included; a query or fragment ends the path.
std::optional<std::string> file_uri_to_path(std::string_view uri);

}  // namespace moonring::workspace
