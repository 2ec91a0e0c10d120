// What the configuration asks of `moonring check`: lang/lua/services' WorkspaceSettings (the
// language server builds its options there too), relative to the current folder, with the
// command line as the top layer.
#pragma once

#include "lang/lua/services/workspace_settings.hpp"

namespace moonring::app {

using CheckSettings = lua::WorkspaceSettings;

}  // namespace moonring::app
