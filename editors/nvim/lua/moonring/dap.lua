-- The `moonring-lua` debug adapter and configurations for nvim-dap, in the table format its
-- documentation gives (:help dap-adapter, :help dap-configuration): an `executable` adapter,
-- `moonring dap` on stdio, which launches programs under `moonring run` or attaches to an agent.
local M = {}

M.type = 'moonring-lua'

-- dap.adapters["moonring-lua"]: { type, command, args, id }.
function M.adapter(opts)
  opts = opts or {}
  local args = { 'dap' }
  vim.list_extend(args, opts.dap_args or {})
  local command = vim.fn.expand(opts.path or 'moonring')
  return { type = 'executable', command = command, args = args, id = M.type }
end

local function ask_args()
  return vim.fn.split(vim.fn.input('Arguments: '))
end

local function ask_port()
  return tonumber(vim.fn.input('Port: ', '4711'))
end

-- The run's token file: `moonring run --listen` prints its path on stderr.
local function ask_token_file()
  local path = vim.fn.input('Token file (empty for none): ', '', 'file')
  if path == '' then return nil end
  return vim.fn.fnamemodify(path, ':p')
end

-- dap.configurations.lua entries: { type, request, name } and moonring's launch/attach fields.
function M.configurations()
  return {
    { type = M.type, request = 'launch', name = 'moonring: launch file', program = '${file}',
      cwd = '${workspaceFolder}', stopOnEntry = false },
    { type = M.type, request = 'launch', name = 'moonring: launch file with arguments',
      program = '${file}', args = ask_args, cwd = '${workspaceFolder}', stopOnEntry = false },
    { type = M.type, request = 'attach', name = 'moonring: attach (moonring run --listen)',
      host = '127.0.0.1', port = ask_port, tokenFile = ask_token_file },
  }
end

-- Registers the adapter and adds the configurations (once) to nvim-dap's tables.
function M.register(dap, opts)
  dap.adapters[M.type] = M.adapter(opts)
  dap.configurations.lua = dap.configurations.lua or {}
  local known = {}
  for _, c in ipairs(dap.configurations.lua) do known[c.name] = true end
  for _, c in ipairs(M.configurations()) do
    if not known[c.name] then table.insert(dap.configurations.lua, c) end
  end
end

return M
