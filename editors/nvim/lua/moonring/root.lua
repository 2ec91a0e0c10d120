-- Root detection: the folder a Lua file's workspace starts at, found by marker files.
local M = {}

-- Each entry is searched for upwards in turn; the first entry found anywhere wins, so a
-- .luarc.json in a sub-project beats the repository's .git above it.
M.default_markers = { { '.luarc.json', '.luarc.jsonc', '.luacheckrc' }, '.git' }

local function parent(dir)
  local up = dir:match('^(.*)/[^/]+$')
  if up == nil then return nil end
  return up == '' and '/' or up
end

local function has_any(dir, names)
  for _, name in ipairs(names) do
    local sep = dir == '/' and '' or '/'
    if (vim.uv or vim.loop).fs_stat(dir .. sep .. name) then return true end
  end
  return false
end

-- The nearest folder above `file` (an absolute path) holding one of the markers, or nil: then the
-- server works on the file and its neighbours only.
function M.find(file, markers)
  local start = parent(file)
  for _, entry in ipairs(markers or M.default_markers) do
    local names = type(entry) == 'table' and entry or { entry }
    local dir = start
    while dir do
      if has_any(dir, names) then return dir end
      dir = parent(dir)
    end
  end
  return nil
end

return M
