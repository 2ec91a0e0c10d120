// The undefined-global quick fix on the workspace's files: an edit of the `.luarc.json` of the
// workspace folder holding the file (made when missing) that adds the global to
// diagnostics.globals. The service's file watching then reloads the configuration.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "lang/lua/semantic/binding.hpp"
#include "lang/lua/syntax/tree.hpp"
#include "lang/service/types.hpp"
#include "runtime/task.hpp"

namespace moonring::lua {

// For the undefined global at `offset` of `path` (reads the .luarc.json on the blocking pool);
// nullopt when there is no global there or the file cannot be edited safely (unreadable, JSONC).
Task<std::optional<service::QuickFix>> declare_global_fix(std::vector<std::string> roots,
                                                          std::string path, const Tree& tree,
                                                          const FileBinding& binding,
                                                          std::uint32_t offset,
                                                          std::size_t diagnostic);

}  // namespace moonring::lua
