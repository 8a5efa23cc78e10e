-- Drives Neovim's built-in LSP client (no plugins) against `citewise lsp --stdio`, for test/lsp/neovim.test.ts.
-- Reads CITEWISE_NVIM_* from the environment, writes what it saw as JSON to CITEWISE_NVIM_RESULT, then quits.
local cli = os.getenv('CITEWISE_NVIM_CLI')
local workspace = os.getenv('CITEWISE_NVIM_WORKSPACE')
local result_file = os.getenv('CITEWISE_NVIM_RESULT')
local results = { steps = {} }

local function finish()
  local out = io.open(result_file, 'w')
  out:write(vim.fn.json_encode(results))
  out:close()
  vim.cmd('qall!')
end

local ok, err = pcall(function()
  local client_id = vim.lsp.start_client({
    name = 'citewise',
    cmd = { 'node', cli, 'lsp', '--stdio' },
    root_dir = workspace,
    workspace_folders = { { uri = vim.uri_from_fname(workspace), name = 'workspace' } },
  })
  results.client_id = client_id
  vim.cmd('edit ' .. workspace .. '/report.md')
  vim.bo.filetype = 'markdown'
  local bufnr = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(bufnr, client_id)
  local client = vim.lsp.get_client_by_id(client_id)
  results.initialized = vim.wait(15000, function() return client.initialized end, 50)

  -- Pushed diagnostics (Neovim 0.7 has no pull diagnostics).
  results.diagnostics_arrived = vim.wait(20000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
  results.diagnostics = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
    local code = diagnostic.code or (diagnostic.user_data and diagnostic.user_data.lsp and diagnostic.user_data.lsp.code)
    table.insert(results.diagnostics, { code = code, line = diagnostic.lnum, col = diagnostic.col, message = diagnostic.message })
  end

  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local function position_of(needle, offset)
    for index, line in ipairs(lines) do
      local start = line:find(needle, 1, true)
      if start then return { line = index - 1, character = start - 1 + offset } end
    end
  end
  local document = { uri = vim.uri_from_bufnr(bufnr) }

  local hover = client.request_sync('textDocument/hover', { textDocument = document, position = position_of('@ombudsman-monitoring-2023', 3) }, 10000, bufnr)
  results.hover = hover and hover.result and hover.result.contents and hover.result.contents.value or vim.inspect(hover)

  local definition = client.request_sync('textDocument/definition', { textDocument = document, position = position_of('@drita-shelters-2022]', 2) }, 10000, bufnr)
  results.definition = {}
  for _, link in ipairs(definition and definition.result or {}) do table.insert(results.definition, link.targetUri or link.uri) end

  -- Typing `[@` at the end of the last line, sent to the server as a didChange.
  local last = #lines
  vim.api.nvim_buf_set_lines(bufnr, last, last, false, { '', 'Shelters are scarce [@' })
  vim.wait(300)
  local completion = client.request_sync('textDocument/completion', { textDocument = document, position = { line = last + 1, character = 22 } }, 10000, bufnr)
  results.completion = {}
  local items = completion and completion.result and (completion.result.items or completion.result) or {}
  for _, item in ipairs(items) do table.insert(results.completion, item.label) end
  client.stop()
end)

if not ok then results.error = tostring(err) end
finish()
