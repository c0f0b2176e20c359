"""1,000 random and malformed messages leave `clinic-site lsp` answering.

Bad JSON, JSON that is not a request, wrong types in every field, huge and wrong lengths,
garbage between messages, unknown methods and URIs, edits of documents never opened, ranges
far outside the text. The server must still answer a request afterwards, and still check.
"""

import json
import os
import pathlib
import random
import subprocess
import threading
import time

from test_lsp import BINARY, SITE, make_site, uri


class RawClient:
    def __init__(self, args):
        self.process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.messages = []
        self.lock = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        stream = self.process.stdout
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                byte = stream.read(1)
                if not byte:
                    return
                header += byte
            length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
            body = stream.read(length)
            with self.lock:
                self.messages.append(json.loads(body))
                self.lock.notify_all()

    def raw(self, data: bytes):
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message):
        body = json.dumps(message).encode()
        self.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def wait_for(self, predicate, timeout=30):
        deadline = time.time() + timeout
        with self.lock:
            while True:
                for m in self.messages:
                    if predicate(m):
                        return m
                remaining = deadline - time.time()
                if remaining <= 0:
                    return None
                self.lock.wait(remaining)


def random_value(rng, depth=0):
    kinds = ["null", "bool", "int", "float", "str", "list", "dict"] if depth < 3 else ["null", "bool", "int", "str"]
    kind = rng.choice(kinds)
    if kind == "null":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int":
        return rng.choice([0, -1, 1, 2**31, -(2**63), 2**53, rng.randint(-1000, 1000)])
    if kind == "float":
        return rng.choice([0.5, -1e308, 1e308, 3.0])
    if kind == "str":
        return rng.choice(["", "x", "file:///nowhere/x.md", "untitled:Untitled-1", "😀" * 5, "\u0000", "a" * 1000])
    if kind == "list":
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(["uri", "text", "range", "version", "line", "character", "textDocument", "contentChanges", "position"]): random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


METHODS = [
    "textDocument/didOpen", "textDocument/didChange", "textDocument/didSave", "textDocument/didClose",
    "textDocument/completion", "textDocument/hover", "textDocument/definition", "textDocument/codeAction",
    "workspace/didChangeWatchedFiles", "$/cancelRequest", "no/such/method", "initialize", "", "initialized",
]


def malformed(rng, i, page_uri):
    """One malformed or random message, as bytes on the wire."""
    choice = rng.randrange(12)
    if choice == 0:
        body = rng.choice([b"{", b"not json", b"\xff\xfe\x00", b"[1,2", b'{"jsonrpc": "2.0", "method": }', b"null", b"[]", b"42"])
        return b"Content-Length: %d\r\n\r\n" % len(body) + body
    if choice == 1:
        return b"Content-Length: 99999999999999\r\n\r\n{}"
    if choice == 2:
        return b"Content-Length: -3\r\n\r\n"
    if choice == 3:
        return rng.choice([b"garbage without header\r\n\r\n", b"\r\n\r\n", b"Content-Type: x\r\n\r\n", b"Content-Length: abc\r\n\r\n"])
    if choice == 4:
        # A length longer than the body: it swallows what follows, then things go on.
        body = b'{"jsonrpc":"2.0","method":"initialized"}'
        return b"Content-Length: %d\r\n\r\n" % (len(body) + rng.randint(1, 40)) + body
    message = {"jsonrpc": rng.choice(["2.0", "1.0", None, 2])}
    if rng.random() < 0.7:
        message["method"] = rng.choice(METHODS) if rng.random() < 0.9 else random_value(rng)
    if rng.random() < 0.6:
        message["id"] = rng.choice([i, str(i), None, [1], {"a": 1}, 1.5, True])
    if choice in (5, 6):
        # Plausible shapes with wrong or extreme values.
        message["method"] = rng.choice(METHODS[:8])
        message["params"] = {
            "textDocument": {"uri": rng.choice([page_uri, "file:///nowhere/x.md", "untitled:1", 5, None]),
                             "text": rng.choice(["", "{{price ", "[a](", 7]), "version": rng.choice([1, "x", None, 2**62])},
            "contentChanges": rng.choice([
                [{"range": {"start": {"line": rng.choice([0, 5, 10**9, -1]), "character": rng.choice([0, 10**9, -5])},
                            "end": {"line": 0, "character": 0}}, "text": "x"}],
                [{"text": 5}], "nope", [None], [{"range": "x", "text": "y"}],
            ]),
            "position": {"line": rng.choice([0, 3, 10**9, -1, "x"]), "character": rng.choice([0, 10**9, None])},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 10**6, "character": 10**6}},
            "context": {"diagnostics": []},
        }
    else:
        message["params"] = random_value(rng)
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_thousand_malformed_messages():
    make_site()
    client = RawClient([BINARY, "lsp", "--today", "2026-11-24"])
    try:
        client.send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"rootUri": SITE.as_uri(), "capabilities": {}}})
        assert client.wait_for(lambda m: m.get("id") == 0 and "result" in m)
        client.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        page = uri("content/faq.md")
        rng = random.Random(17)
        for i in range(1, 1001):
            client.raw(malformed(rng, i, page))
        # Whatever a swallowing length left unfinished is completed by padding.
        client.raw(b" " * 200 + b"\r\n\r\n")
        assert client.process.poll() is None, "the server exited"
        client.send({"jsonrpc": "2.0", "id": "after", "method": "no/such/method"})
        reply = client.wait_for(lambda m: m.get("id") == "after", timeout=60)
        assert reply is not None, "no answer after the malformed messages"
        assert reply["error"]["code"] == -32601
        # And it still checks: a wrong price typed into a page is found.
        text = (SITE / "content/contact.md").read_text() + "\nIt costs $450 per treatment session.\n"
        client.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri("content/contact.md"), "languageId": "markdown", "version": 1, "text": text}}})
        published = client.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                    and m["params"]["uri"] == uri("content/contact.md")
                                    and any(d["code"] == "price.mismatch" for d in m["params"]["diagnostics"]), timeout=60)
        assert published is not None, "no diagnostics after the malformed messages"
        errors = [m for m in client.messages if "error" in m]
        assert len(errors) > 100, f"only {len(errors)} error replies to 1,000 malformed messages"
        client.send({"jsonrpc": "2.0", "id": "bye", "method": "shutdown"})
        assert client.wait_for(lambda m: m.get("id") == "bye")
        client.send({"jsonrpc": "2.0", "method": "exit"})
        assert client.process.wait(timeout=10) == 0
    finally:
        if client.process.poll() is None:
            client.process.kill()
