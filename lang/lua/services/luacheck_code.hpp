// luacheck's own code for a diagnostic where one moonring code covers several of luacheck's, so
// that an ignore pattern ("231/errors", "431/err") reaches exactly the warnings luacheck's would.
#pragma once

#include <string_view>

#include "lang/lua/check/diagnostic.hpp"
#include "lang/lua/semantic/binding.hpp"

namespace moonring::lua {

// unused-local/-arg/-loop-var: 211/212/213, or 231/232/233 for a variable that is assigned after
// its declaration but never read ("never accessed"). shadowing: 4, then 1 for the same scope
// (redefined), 2 for an enclosing scope of the same function, 3 for an enclosing function
// (upvalue); then 1, 2 or 3 for what is shadowed: a local, an argument, a loop variable. ""
// for other codes, or when the diagnostic's range declares no local.
std::string_view luacheck_code(const FileBinding& binding, const Diagnostic& d);

}  // namespace moonring::lua
