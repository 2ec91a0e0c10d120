-- The Neovim plugin (editors/nvim) end to end, in real headless Neovim with its own LSP client
-- against the real `moonring lsp`: root detection, start and attach (one client for the
-- workspace), initialize, diagnostics, hover, go to definition, references, completion, rename,
-- and the nvim-dap tables' documented shape. Positions come from tag lines in the fixture
-- workspace (tests/nvim/fixtures/ws), never from line numbers.
--
-- A language feature is checked when the server advertises it (the server advertises only what
-- works); MOONRING_NVIM_REQUIRE_ALL=1 makes a feature it does not advertise a failure.
-- Run through tests/nvim/run.sh (MOONRING_BIN names the binary). Exits 0 when every check passed.

local bin = assert(os.getenv('MOONRING_BIN'), 'MOONRING_BIN must name the moonring binary')
local repo = assert(os.getenv('MOONRING_REPO'), 'MOONRING_REPO must name the repository')
local require_all = os.getenv('MOONRING_NVIM_REQUIRE_ALL') == '1'
local ws = repo .. '/tests/nvim/fixtures/ws'
local WAIT_MS = 15000

local failures, passed, not_advertised = 0, 0, {}

local function log(fmt, ...)
  io.stdout:write(string.format(fmt, ...) .. '\n')
  io.stdout:flush()
end

-- The server's stderr, as Neovim's LSP log has it (the last lines).
local function server_stderr()
  local ok, lines = pcall(vim.fn.readfile, vim.lsp.get_log_path())
  if not ok then return '' end
  local found = {}
  for _, text in ipairs(lines) do
    if text:find('"stderr"', 1, true) then table.insert(found, text) end
  end
  return table.concat(vim.list_slice(found, math.max(1, #found - 20)), '\n')
end

local function finish()
  for _, client in ipairs(vim.lsp.get_active_clients()) do client.stop() end
  vim.wait(5000, function() return #vim.lsp.get_active_clients() == 0 end, 20)
  if failures > 0 then log('server stderr (from the LSP log):\n%s', server_stderr()) end
  if #not_advertised > 0 then
    log('not advertised by the server, so not checked: %s', table.concat(not_advertised, ', '))
  end
  local v = vim.version()
  log('nvim e2e: %d passed, %d failed (Neovim %d.%d.%d)', passed, failures, v.major, v.minor,
    v.patch)
  if failures > 0 then vim.cmd('cquit 1') else vim.cmd('qall!') end
end

-- Neovim's own messages (a client that quit, "nothing to rename"...) on lines of their own.
vim.notify = function(message) log('nvim: %s', message) end

-- The whole run is bounded: a hang is a failure, and Neovim exits by itself.
vim.defer_fn(function()
  log('FAIL the test did not finish within 100 s')
  vim.cmd('cquit 2')
end, 100000)

local function step(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    passed = passed + 1
    log('ok   %s', name)
  else
    failures = failures + 1
    log('FAIL %s: %s', name, err)
  end
  return ok
end

local client -- the moonring client, once started

-- Waits for `condition`; fails at once if the language server has exited meanwhile (unless
-- `independent`: a wait that does not involve it).
local function wait_for(what, condition, independent)
  local exited = false
  local done = vim.wait(WAIT_MS, function()
    exited = not independent and client ~= nil and client.is_stopped()
    return exited or condition()
  end, 20)
  if exited then error('the server exited while waiting for ' .. what, 2) end
  if not done then error('timed out waiting for ' .. what, 2) end
end

local function eq(actual, expected, what)
  if not vim.deep_equal(actual, expected) then
    local message = '%s: expected %s, got %s'
    error(string.format(message, what, vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

-- Tag lines ("--   ^name") mark a 0-based position in the nearest line above that is not a tag
-- line: name -> { line, character }.
local function read_tags(path)
  local tags, code_line = {}, nil
  for lnum, text in ipairs(vim.fn.readfile(path)) do
    if text:match('^%-%-%s*%^') then
      for col, name in text:gmatch('()%^([%w_]+)') do
        tags[name] = { line = code_line, character = col - 1 }
      end
    else
      code_line = lnum - 1
    end
  end
  return tags
end

local main_path, greet_path = ws .. '/main.lua', ws .. '/lib/greet.lua'
local main_uri, greet_uri = vim.uri_from_fname(main_path), vim.uri_from_fname(greet_path)
local tags = read_tags(main_path)
for name, at in pairs(read_tags(greet_path)) do tags[name] = at end

local function position_params(bufnr, tag)
  return { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = tags[tag] }
end

-- The one answer of the moonring client to a request, through Neovim's client.
local function request(bufnr, method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, WAIT_MS)
  assert(responses, method .. ': ' .. tostring(err))
  for _, response in pairs(responses) do
    assert(response.err == nil, method .. ': ' .. vim.inspect(response.err))
    return response.result
  end
  error(method .. ': no response')
end

-- Whether `range` covers the tagged position.
local function covers(range, tag)
  local at = tags[tag]
  return range.start.line == at.line and range['end'].line == at.line and
    range.start.character <= at.character and at.character <= range['end'].character
end

-- ---- root detection -------------------------------------------------------------------------

local root = require('moonring.root')

step('root: .luarc.json, .luacheckrc and .git mark the workspace; none gives no root', function()
  eq(root.find(main_path), ws, 'main.lua')
  eq(root.find(greet_path), ws, 'lib/greet.lua')
  local tmp = vim.fn.tempname()
  vim.fn.mkdir(tmp .. '/project/src/deep', 'p')
  vim.fn.mkdir(tmp .. '/project/.git', 'p')
  eq(root.find(tmp .. '/project/src/deep/a.lua'), tmp .. '/project', '.git')
  vim.fn.writefile({ 'std = "lua54"' }, tmp .. '/project/src/.luacheckrc')
  eq(root.find(tmp .. '/project/src/deep/a.lua'), tmp .. '/project/src', '.luacheckrc before .git')
  vim.fn.mkdir(tmp .. '/loose', 'p')
  eq(root.find(tmp .. '/loose/a.lua'), nil, 'no marker')
  vim.fn.delete(tmp, 'rf')
end)

-- ---- start, attach, initialize ----------------------------------------------------------------

-- Neovim's LSP log (in run.sh's private state folder) shows what the client sent.
vim.lsp.set_log_level('debug')

local settings = {
  Lua = { runtime = { version = 'Lua 5.4' }, diagnostics = { globals = { 'host_api' } } },
}
require('moonring').setup({ path = bin, settings = settings })
vim.cmd('filetype on')

local main_buf, greet_buf

local ready = step('start and attach: a Lua buffer starts `moonring lsp`; initialize', function()
  vim.cmd('edit ' .. vim.fn.fnameescape(main_path))
  main_buf = vim.api.nvim_get_current_buf()
  eq(vim.bo[main_buf].filetype, 'lua', 'filetype')
  wait_for('the client to initialize', function()
    local clients = vim.lsp.buf_get_clients(main_buf)
    local _, c = next(clients)
    client = c
    return c ~= nil and c.initialized and c.server_capabilities ~= nil
  end)
  eq(client.name, 'moonring', 'client name')
  eq(client.config.cmd, { bin, 'lsp' }, 'command')
  eq(client.config.root_dir, ws, 'root')
  eq(client.config.settings, settings, 'settings passed through')
  assert(not client.is_stopped(), 'the server is running')
end)

step('settings: sent to the server with workspace/didChangeConfiguration once initialized', function()
  assert(ready, 'no client')
  local function sent()
    local log_file = io.open(vim.lsp.get_log_path(), 'r')
    if not log_file then return false end
    local text = log_file:read('*a')
    log_file:close()
    local at = text:find('method = "workspace/didChangeConfiguration"', 1, true)
    return at ~= nil and text:find('host_api', at, true) ~= nil
  end
  wait_for('the notification in the LSP log', sent)
end)

step('a second Lua file of the workspace attaches to the same client', function()
  assert(ready, 'no client')
  vim.cmd('edit ' .. vim.fn.fnameescape(greet_path))
  greet_buf = vim.api.nvim_get_current_buf()
  wait_for('greet.lua to attach', function()
    return vim.lsp.buf_is_attached(greet_buf, client.id)
  end)
  eq(#vim.lsp.get_active_clients(), 1, 'clients')
  vim.cmd('buffer ' .. main_buf)
end)

step('a Lua file outside any workspace gets a server of its own, with no root', function()
  assert(ready, 'no client')
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  vim.fn.writefile({ 'local loose = 1', 'return loose' }, dir .. '/loose.lua')
  vim.cmd('edit ' .. vim.fn.fnameescape(dir .. '/loose.lua'))
  local loose_buf = vim.api.nvim_get_current_buf()
  local other
  wait_for('loose.lua to attach', function()
    local _, c = next(vim.lsp.buf_get_clients(loose_buf))
    other = c
    return c ~= nil and c.initialized
  end)
  assert(other.id ~= client.id, 'a client of its own')
  eq(other.config.root_dir, nil, 'root')
  eq(#vim.lsp.get_active_clients(), 2, 'clients')
  other.stop()
  vim.wait(5000, function() return other.is_stopped() end, 20)
  vim.cmd('buffer ' .. main_buf)
  vim.cmd('bwipeout! ' .. loose_buf)
  vim.fn.delete(dir, 'rf')
end)

-- ---- language features, each once the server advertises it -------------------------------------

local function feature(key, name, advertised, fn)
  if not ready then return end
  if not advertised then
    if require_all then
      failures = failures + 1
      log('FAIL %s: not advertised by the server', key)
    else
      table.insert(not_advertised, key)
    end
    return
  end
  -- Each check starts in main.lua's window (references open the quickfix window).
  vim.cmd('cclose')
  vim.api.nvim_set_current_buf(main_buf)
  step(key .. ': ' .. name, fn)
end

local caps = ready and client.server_capabilities or {}

-- A server that takes documents publishes diagnostics for them (issue 13: every file).
feature('diagnostics', 'published for the open file; .luarc.json globals are not reported',
  caps.textDocumentSync ~= nil, function()
  local function at_tag()
    for _, d in ipairs(vim.diagnostic.get(main_buf)) do
      if d.lnum == tags.undefined.line and d.col <= tags.undefined.character and
        tags.undefined.character <= d.end_col then
        return d
      end
    end
  end
  wait_for('a diagnostic at the undefined global', function() return at_tag() ~= nil end)
  assert(at_tag().message:find('undefined_thing', 1, true), at_tag().message)
  for _, d in ipairs(vim.diagnostic.get(main_buf)) do
    assert(not d.message:find('host_api', 1, true), 'host_api is configured: ' .. d.message)
  end
end)

feature('hover', 'a local function', caps.hoverProvider, function()
  local result = request(main_buf, 'textDocument/hover', position_params(main_buf, 'shout_use'))
  assert(result and result.contents, 'no hover')
  local text = table.concat(vim.lsp.util.convert_input_to_markdown_lines(result.contents), '\n')
  assert(text:find('shout', 1, true), 'hover text: ' .. text)
end)

feature('definition', 'the cursor moves to the local function; across files to a module member',
  caps.definitionProvider, function()
  vim.api.nvim_win_set_cursor(0, { tags.shout_use.line + 1, tags.shout_use.character })
  vim.lsp.buf.definition()
  wait_for('the jump', function()
    return vim.api.nvim_win_get_cursor(0)[1] == tags.shout_def.line + 1
  end)
  local params = position_params(main_buf, 'hello_use')
  local result = request(main_buf, 'textDocument/definition', params)
  local location = result[1] or result
  eq(location.uri or location.targetUri, greet_uri, 'module member definition file')
  local range = location.targetSelectionRange or location.range
  assert(covers(range, 'hello_def'), 'range ' .. vim.inspect(range))
end)

feature('references', 'the quickfix list has the local\'s declaration and its three uses',
  caps.referencesProvider, function()
  vim.fn.setqflist({}, 'r')
  vim.api.nvim_win_set_cursor(0, { tags.count_def.line + 1, tags.count_def.character })
  vim.lsp.buf.references({ includeDeclaration = true })
  wait_for('the quickfix list', function() return #vim.fn.getqflist() > 0 end)
  local found = {}
  for _, item in ipairs(vim.fn.getqflist()) do
    eq(vim.api.nvim_buf_get_name(item.bufnr), main_path, 'reference file')
    table.insert(found, { item.lnum - 1, item.col - 1 })
  end
  table.sort(found, function(a, b) return a[1] < b[1] or (a[1] == b[1] and a[2] < b[2]) end)
  local expected = {}
  for _, tag in ipairs({ 'count_def', 'count_write', 'count_read', 'count_arg' }) do
    table.insert(expected, tags[tag].line)
  end
  eq(#found, #expected, 'reference count')
  for i, at in ipairs(found) do eq(at[1], expected[i], 'reference line ' .. i) end
  local without = request(main_buf, 'textDocument/references', vim.tbl_extend('force',
    position_params(main_buf, 'count_def'), { context = { includeDeclaration = false } }))
  eq(#without, 3, 'references without the declaration')
end)

feature('completion', 'names in scope, not a parameter of another function',
  caps.completionProvider, function()
  local params = position_params(main_buf, 'complete_gre')
  local result = request(main_buf, 'textDocument/completion', params)
  local items = result.items or result
  local labels = {}
  for _, item in ipairs(items) do labels[item.label] = true end
  assert(labels.greet, 'greet is in scope: ' .. vim.inspect(vim.tbl_keys(labels)))
  assert(not labels.message, 'message is out of scope')
end)

feature('rename', 'every use of the local, through vim.lsp.buf.rename', caps.renameProvider,
  function()
  vim.api.nvim_win_set_cursor(0, { tags.count_def.line + 1, tags.count_def.character })
  vim.lsp.buf.rename('total')
  local function line(tag)
    local at = tags[tag].line
    return vim.api.nvim_buf_get_lines(main_buf, at, at + 1, true)[1]
  end
  wait_for('the edit', function() return line('count_def') == 'local total = 0' end)
  eq(line('count_write'), 'total = total + 1', 'the assignment')
  eq(line('count_arg'), 'host_api.log(total)', 'the argument')
  eq(line('count_shadow'), '  local count = "shadow"', 'a shadowing local of the same name')
end)

-- ---- nvim-dap -----------------------------------------------------------------------------------

-- nvim-dap is not packaged for Debian, so this checks the tables against the format its
-- documentation gives (:help dap-adapter, dap-configuration), not against nvim-dap itself, and
-- that the adapter table starts a `moonring dap` that answers initialize.
step('nvim-dap: the adapter and configurations have the documented shape; it starts', function()
  local mdap = require('moonring.dap')
  local adapter = mdap.adapter({ path = bin })
  eq(adapter.type, 'executable', 'adapter.type')
  eq(adapter.command, bin, 'adapter.command')
  eq(adapter.args, { 'dap' }, 'adapter.args')
  assert(adapter.id == nil or type(adapter.id) == 'string', 'adapter.id')
  local requests = {}
  for _, c in ipairs(mdap.configurations()) do
    eq(c.type, mdap.type, 'configuration type')
    assert(c.request == 'launch' or c.request == 'attach', 'request ' .. tostring(c.request))
    assert(type(c.name) == 'string' and c.name ~= '', 'name')
    requests[c.request] = true
    if c.request == 'launch' then eq(c.program, '${file}', 'program') end
    if c.request == 'attach' then
      eq(c.host, '127.0.0.1', 'host')
      eq(type(c.port), 'function', 'port is asked for when used')
    end
  end
  eq(requests, { launch = true, attach = true }, 'requests')
  local mine = { type = 'x', request = 'launch', name = 'mine' }
  local tables = { adapters = {}, configurations = { lua = { mine } } }
  mdap.register(tables, { path = bin })
  mdap.register(tables, { path = bin })
  eq(tables.adapters[mdap.type], adapter, 'registered adapter')
  eq(tables.configurations.lua[1], mine, 'the user\'s configuration kept')
  eq(#tables.configurations.lua, 1 + #mdap.configurations(), 'configurations added once')

  -- nvim-dap spawns `command args` and speaks DAP on stdio.
  local received = ''
  local job = vim.fn.jobstart(vim.list_extend({ adapter.command }, adapter.args), {
    on_stdout = function(_, data) received = received .. table.concat(data, '\n') end,
  })
  assert(job > 0, 'jobstart')
  local body = vim.fn.json_encode({ seq = 1, type = 'request', command = 'initialize',
    arguments = { adapterID = adapter.id or mdap.type, clientID = 'neovim' } })
  vim.fn.chansend(job, 'Content-Length: ' .. #body .. '\r\n\r\n' .. body)
  wait_for('the initialize response', function()
    return received:find('"command"%s*:%s*"initialize"') ~= nil
  end, true)
  assert(received:find('"success"%s*:%s*true'), received)
  vim.fn.jobstop(job)
end)

finish()
