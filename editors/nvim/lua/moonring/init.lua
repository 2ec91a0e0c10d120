-- moonring for Neovim: `require("moonring").setup{}` starts `moonring lsp` for Lua buffers
-- (Neovim 0.7 and later) and, when nvim-dap is installed, registers the moonring-lua debugger.
local M = {}

local defaults = {
  path = 'moonring', -- the binary: a name on PATH or a path (~ and $VARS expanded)
  server_args = {}, -- after `moonring lsp`
  cmd = nil, -- the whole command, replacing path and server_args
  filetypes = { 'lua' },
  root_markers = nil, -- nil: require('moonring.root').default_markers
  settings = {}, -- e.g. { Lua = { runtime = { version = 'LuaJIT' } } }, as LuaLS takes them
  capabilities = nil, -- nil: Neovim's own
  on_attach = nil, -- function(client, bufnr)
  dap = true, -- register with nvim-dap when it is installed
  dap_args = {}, -- after `moonring dap`
}

M.config = nil

local function command(config)
  if config.cmd then return config.cmd end
  local cmd = { vim.fn.expand(config.path), 'lsp' }
  vim.list_extend(cmd, config.server_args)
  return cmd
end

-- Neovim 0.8 and later send the settings once initialized themselves; 0.7 leaves it to on_init.
local sends_settings = vim.fn.has('nvim-0.8') == 1

-- What vim.lsp gets for a buffer: the command, the root, the settings (answered to
-- workspace/configuration, and sent once initialized, as LuaLS users expect).
function M.client_config(bufnr)
  local config = M.config
  local file = vim.api.nvim_buf_get_name(bufnr)
  local settings = config.settings
  return {
    name = 'moonring',
    cmd = command(config),
    root_dir = require('moonring.root').find(file, config.root_markers),
    settings = settings,
    capabilities = config.capabilities,
    on_attach = config.on_attach,
    on_init = function(client)
      if not sends_settings and next(settings) ~= nil then
        client.notify('workspace/didChangeConfiguration', { settings = settings })
      end
    end,
  }
end

-- Starts (or reuses) the client for the buffer's root and attaches the buffer. Returns the client
-- id, or nil for a buffer that is not a file on disk (unnamed, special, or a URL like fugitive://).
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = vim.api.nvim_buf_get_name(bufnr)
  if vim.bo[bufnr].buftype ~= '' or name == '' or name:match('^%a[%w+.-]*://') then return nil end
  return require('moonring.client').start(bufnr, M.client_config(bufnr))
end

function M.setup(opts)
  M.config = vim.tbl_extend('force', defaults, opts or {})
  local group = vim.api.nvim_create_augroup('moonring', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args) M.attach(args.buf) end,
  })
  -- Buffers opened before setup.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    local filetype = vim.api.nvim_buf_is_loaded(bufnr) and vim.bo[bufnr].filetype
    if filetype and vim.tbl_contains(M.config.filetypes, filetype) then
      M.attach(bufnr)
    end
  end
  if M.config.dap then
    local ok, dap = pcall(require, 'dap')
    if ok then require('moonring.dap').register(dap, M.config) end
  end
end

return M
