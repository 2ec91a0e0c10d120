// One-line descriptions of the standard library's names, written for moonring (not the manual's
// text), for hover and completion documentation.
#pragma once

#include <string_view>

namespace moonring::lua::query {

// The description of `table.name` (`table` empty for a global, `name` empty for a library
// itself), or empty when there is none.
std::string_view stdlib_description(std::string_view table, std::string_view name);

}  // namespace moonring::lua::query
