-- Starting the language client and attaching buffers, on Neovim 0.7 (vim.lsp.start_client and
-- buf_attach_client, one client per root kept here) and on later versions (vim.lsp.start, which
-- reuses a client of the same name and root itself).
local M = {}

local clients_by_root = {} -- 0.7 only: root folder ('' when none) -> client id

function M.start(bufnr, config)
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local key = config.root_dir or ''
  local id = clients_by_root[key]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(config)
    if not id then return nil end
    clients_by_root[key] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

return M
