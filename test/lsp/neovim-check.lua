-- Driven by test/lsp/neovim.test.ts: an independent LSP client (Debian's neovim 0.7) starts
-- `node dist/server.js --stdio`, attaches it to the current buffer, waits for diagnostics, asks for a
-- hover, and writes what it received as JSON to $RF_OUT.
local out = os.getenv('RF_OUT')
local server = os.getenv('RF_SERVER')
local hover_line = tonumber(os.getenv('RF_HOVER_LINE') or '0')
local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({
  name = 'reasonflux',
  cmd = { os.getenv('RF_NODE') or 'node', server, '--stdio' },
  root_dir = vim.fn.getcwd(),
})
local res = { started = id ~= nil, filetype = vim.bo.filetype, diagnostics = {} }
if id then
  vim.lsp.buf_attach_client(buf, id)
  res.ok = vim.wait(15000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.code
    if code == nil and d.user_data and d.user_data.lsp then code = d.user_data.lsp.code end
    table.insert(res.diagnostics, { lnum = d.lnum, source = d.source, code = code, severity = d.severity, message = d.message })
  end
  local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = hover_line, character = 2 },
  }, 10000)
  if hover then
    for _, r in pairs(hover) do
      if r.result and r.result.contents then res.hover = r.result.contents.value end
    end
  end
  vim.lsp.stop_client(id, true)
end
local f = io.open(out, 'w')
f:write(vim.fn.json_encode(res))
f:close()
vim.cmd('qa!')
