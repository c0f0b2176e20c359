#!/usr/bin/env python3
"""make bench-lsp: how long `clinic-site lsp` takes from a didChange to its publishDiagnostics.

Generates the 5,000-page corpus (../shared/bench/gen_corpus.py --clinic-site, with the project's
theme), starts the release binary on it, opens one page, waits for the first full check, then
makes EDITS edits one after another: each types a wrong price into the page or takes it out
again, without saving, and times from writing the didChange to reading the publishDiagnostics
for that version (which must show the price.mismatch, or no longer show it). Prints the median
and the worst, with the default (--debounce 10), with --debounce 0 (the check alone) and with
--debounce 20.

    python3 scripts/lsp-bench.py [--pages 5000] [--edits 50] [--work DIR]
"""
import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
GEN = ROOT.parent / "shared" / "bench" / "gen_corpus.py"
BIN = ROOT / ".build" / "release" / "clinic-site"


class Client:
    def __init__(self, args, cwd):
        self.process = subprocess.Popen(args, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=None if os.environ.get("LSP_TIMINGS") else subprocess.DEVNULL)
        self.cond = threading.Condition()
        self.inbox = []
        self.last_arrival = time.perf_counter()
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        out = self.process.stdout  # buffered: the first check publishes for every file
        while True:
            n = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line == b"\r\n":
                    break
                if line.lower().startswith(b"content-length:"):
                    n = int(line.split(b":")[1])
            message = json.loads(out.read(n))
            with self.cond:
                self.last_arrival = time.perf_counter()
                self.inbox.append((self.last_arrival, message))
                self.cond.notify_all()

    def send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()
        return time.perf_counter()

    def wait(self, predicate, timeout=600):
        deadline = time.time() + timeout
        with self.cond:
            while True:
                for i, (t, m) in enumerate(self.inbox):
                    if predicate(m):
                        del self.inbox[: i + 1]
                        return t, m
                if time.time() > deadline:
                    raise SystemExit("timed out waiting for the server")
                self.cond.wait(1)


def corpus(pages, work):
    site = work / ("clinic-%d" % pages)
    if not (site / "corpus.json").exists():
        shutil.rmtree(site, ignore_errors=True)
        subprocess.run([sys.executable, str(GEN), "--pages", str(pages), "--out", str(site), "--clinic-site"], check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(site / "theme", ignore_errors=True)
    shutil.copytree(ROOT / "theme", site / "theme")
    return site


def measure(site, edits, debounce):
    args = [str(BIN), "lsp", "--debounce", str(debounce), "--today", "2026-11-24"]
    client = Client(args + (["--timings"] if os.environ.get("LSP_TIMINGS") else []), cwd=site)
    client.send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"rootUri": site.as_uri(), "capabilities": {}}})
    client.wait(lambda m: m.get("id") == 1)
    client.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    pages = sorted((site / "content").rglob("*.md"))
    page = next(p for p in pages if p.name != "_index.md" and "pricing" not in p.name)
    uri = page.as_uri()
    text = page.read_text()
    start = time.perf_counter()
    client.send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                 "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}})
    client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)
    first = time.perf_counter() - start
    # The first check publishes for every file that has diagnostics: let them all arrive (two
    # seconds without a message) before the first edit.
    while True:
        with client.cond:
            last = client.last_arrival
        if time.perf_counter() - last > 2:
            break
        time.sleep(0.5)
    catalogue = json.loads((site / "prices.json").read_text())
    service, dollars = next(iter(catalogue.items())) if isinstance(catalogue, dict) else (None, None)
    # A declared service at a price one dollar off: a price.mismatch.
    wrong = "\n\nThe %s costs $%d.\n" % (service, int(dollars) + 1)
    times = []
    lines = text.split("\n")
    end = {"line": len(lines) - 1, "character": len(lines[-1].encode("utf-16-le")) // 2}
    for version in range(2, edits + 2):
        broken = version % 2 == 0
        if broken:
            change = {"range": {"start": end, "end": end}, "text": wrong}
        else:
            after = {"line": end["line"] + 3, "character": 0}
            change = {"range": {"start": end, "end": after}, "text": ""}
        sent = client.send({"jsonrpc": "2.0", "method": "textDocument/didChange",
                            "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}})
        got, message = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                   and m["params"]["uri"] == uri and m["params"].get("version") == version)
        codes = {d["code"] for d in message["params"]["diagnostics"]}
        has = "price.mismatch" in codes
        if has != broken:
            raise SystemExit("edit %d: expected %sa price.mismatch, got %s" % (version, "" if broken else "no ", sorted(codes)))
        times.append((got - sent) * 1000)
        time.sleep(0.05)
    client.send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    client.wait(lambda m: m.get("id") == 2)
    client.send({"jsonrpc": "2.0", "method": "exit"})
    client.process.wait(timeout=30)
    return first, times


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=5000)
    ap.add_argument("--edits", type=int, default=50)
    ap.add_argument("--work", default=str(ROOT / ".build" / "bench"))
    a = ap.parse_args()
    work = pathlib.Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    site = corpus(a.pages, work)
    print("clinic-site lsp on %d pages, %d edits (didChange -> publishDiagnostics, ms):" % (a.pages, a.edits))
    for debounce in (10, 0, 20):
        first, times = measure(site, a.edits, debounce)
        print("  --debounce %-3d first check %.0f ms; edits: median %.1f, worst %.1f, best %.1f"
              % (debounce, first * 1000, statistics.median(times), max(times), min(times)))


if __name__ == "__main__":
    main()
