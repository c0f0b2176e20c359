#!/usr/bin/env python3
"""Rebuild times of `clinic-site serve` (docs/serve.md, "Rebuild times").

Starts `clinic-site serve --port 0 --timings` in SITE (a folder with content/ and theme/), keeps
one live-reload connection open as a browser would, then makes edits of several kinds, one at a
time, and for each reports the rebuild time serve prints and the time from writing the file to the
`reload` event reaching the connection. The edits are undone at the end. Loopback only.

    python3 scripts/serve-bench.py SITE [--binary .build/release/clinic-site] [--repeat 5]
"""
import argparse, glob, os, re, signal, socket, statistics, subprocess, sys, threading, time

p = argparse.ArgumentParser()
p.add_argument("site")
p.add_argument("--binary", default=os.path.abspath(".build/release/clinic-site"))
p.add_argument("--repeat", type=int, default=5)
args = p.parse_args()
site = os.path.abspath(args.site)

proc = subprocess.Popen([args.binary, "serve", "--port", "0", "--timings", "--today", "2026-11-24"], cwd=site,
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
lines, port = [], None
cond = threading.Condition()

def read_stdout():
    global port
    for line in proc.stdout:
        with cond:
            lines.append((time.monotonic(), line.rstrip("\n")))
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if m and port is None:
                port = int(m.group(1))
            cond.notify_all()

threading.Thread(target=read_stdout, daemon=True).start()
with cond:
    cond.wait_for(lambda: port is not None, timeout=600)
assert port, "serve printed no address"
first = next(l for _, l in lines if l.startswith("Built"))

reloads = []
def events():
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(f"GET /__clinic-site/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    buf = b""
    while True:
        data = s.recv(65536)
        if not data:
            return
        buf += data
        while b"event: reload" in buf:
            with cond:
                reloads.append(time.monotonic())
                cond.notify_all()
            buf = buf[buf.index(b"event: reload") + 13:]

threading.Thread(target=events, daemon=True).start()
time.sleep(1)

def wait_rebuild(since):
    with cond:
        ok = cond.wait_for(lambda: any(t > since and l.startswith("Rebuilt") for t, l in lines), timeout=120)
        assert ok, "no rebuild"
        t, line = next((t, l) for t, l in lines if t > since and l.startswith("Rebuilt"))
        cond.wait_for(lambda: any(r > since for r in reloads), timeout=5)
        reload = next((r for r in reloads if r > since), None)
    time.sleep(0.4)  # let any follow-up rebuild of the same burst finish
    seconds = float(re.search(r"in ([0-9.]+) s", line).group(1))
    return seconds, (reload - since if reload else None), line

pages = sorted(glob.glob(os.path.join(site, "content", "*", "*.md")))
pages = [p for p in pages if not p.endswith("_index.md")] or sorted(glob.glob(os.path.join(site, "content", "*.md")))
originals = {}

def save(path, text):
    originals.setdefault(path, open(path).read() if os.path.exists(path) else None)
    tmp = os.path.join(os.path.dirname(path), ".bench-tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)

results = {}
def measure(kind, edit):
    since = time.monotonic()
    edit()
    seconds, reload, line = wait_rebuild(since)
    with cond:
        at = next(k for k, (t, l) in enumerate(lines) if l == line)
        stages = [l for _, l in lines[at + 1:at + 10] if l.startswith("  ")]
    results.setdefault(kind, []).append((seconds, reload, line, stages))

try:
    for i in range(args.repeat):
        page = pages[(i * 7919) % len(pages)]
        measure("edit one page's text", lambda: save(page, open(page).read() + f"\nAn added sentence {i}.\n"))
    for i in range(args.repeat):
        page = pages[(i * 104729 + 13) % len(pages)]
        measure("change a page's title", lambda: save(page, re.sub(r"^title: (.*?)(\"?)$", rf"title: \1 {i}\2", open(page).read(), count=1, flags=re.M)))
    for i in range(args.repeat):
        new = os.path.join(os.path.dirname(pages[0]), f"bench-added-{i}.md")
        measure("add a page", lambda: save(new, f"---\ntitle: Added {i}\ndescription: An added page.\n---\n\nA new page.\n"))
    for i in range(args.repeat):
        gone = os.path.join(os.path.dirname(pages[0]), f"bench-added-{i}.md")
        measure("delete a page", lambda: os.remove(gone))
    templates = os.path.join(site, "theme", "templates", "page.mustache")
    for i in range(args.repeat):
        measure("change a template", lambda: save(templates, open(templates).read() + "\n"))
finally:
    for path, text in originals.items():
        if text is None:
            if os.path.exists(path):
                os.remove(path)
        else:
            with open(path, "w") as f:
                f.write(text)
    time.sleep(2)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)

print(f"site: {site}")
print(f"first build: {first}")
print(f"load average: {open('/proc/loadavg').read().split()[:3]}")
print("| edit | rebuild (serve's figure), median [min–max] | save to reload, median [min–max] |")
print("| --- | --- | --- |")
for kind, rows in results.items():
    rb = [r[0] for r in rows]
    rl = [r[1] for r in rows if r[1] is not None]
    fmt = lambda xs: f"{statistics.median(xs):.3f} s [{min(xs):.3f}–{max(xs):.3f}]" if xs else "no reload"
    print(f"| {kind} ({len(rows)}×) | {fmt(rb)} | {fmt(rl)} |")
for kind, rows in results.items():
    print(f"{kind}: last line: {rows[-1][2]}")
    print("\n".join(rows[-1][3]))
