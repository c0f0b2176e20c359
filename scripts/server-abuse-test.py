#!/usr/bin/env python3
"""The preview server under abuse (docs/serve.md, "Limits"), bounded, on loopback only.

Starts `clinic-site serve --port 0` on a copy of the clinic site with `ulimit -n 256`, then:

1. a 1 MB request line, 1 MB of one header, 1 MB of many headers: 414 / 431, and the server's
   CPU time for the three stays under a second (it was quadratic: 9 s for 120 KB);
2. 300 slow clients for 30 s, each sending a byte of its head every second and reconnecting
   when cut off (more connections than the server has descriptors);
3. 300 idle connections at once, more than it has descriptors (it takes as many as it can
   afford, never its last descriptors, and leaves the rest in the kernel's queue), closed after
   3 s;

and after each, an ordinary request must be answered (200) within 1 s. Fails (exit 1) on any
miss; the server is stopped whatever happens.

    python3 scripts/server-abuse-test.py [path/to/clinic-site]     (part of make load-test)
"""
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/release/clinic-site"))
SLOW_SECONDS = float(os.environ.get("ABUSE_SLOW_SECONDS", "30"))
CLIENTS = 300
FD_LIMIT = 256

failures = []


def fail(message):
    print("server-abuse-test: FAIL: " + message)
    failures.append(message)


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def request(port, raw, timeout):
    """Sends raw bytes, returns (status or None, seconds)."""
    start = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except OSError as e:
        return None, time.monotonic() - start, f"connect: {e}"
    s.settimeout(timeout)
    data = b""
    try:
        try:
            s.sendall(raw)
        except OSError:
            pass  # answered and closed before taking it all
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError as e:
        if not data:
            return None, time.monotonic() - start, f"read: {e}"
    finally:
        s.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return (int(m.group(1)) if m else None), time.monotonic() - start, data[:80]


def ordinary(port, when):
    raw = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
    status, seconds, detail = request(port, raw, timeout=1.0)
    if status != 200 or seconds > 1.0:
        fail(f"{when}: an ordinary request got {status} in {seconds:.2f} s ({detail!r})")
    else:
        print(f"server-abuse-test: {when}: ordinary request answered 200 in {seconds * 1000:.0f} ms")


def main():
    if not os.access(BIN, os.X_OK):
        print(f"server-abuse-test: {BIN} not found; run 'swift build -c release --product clinic-site' first", file=sys.stderr)
        return 2
    work = tempfile.mkdtemp(prefix="clinic-abuse.")
    server = None
    try:
        for folder in ("content", "theme"):
            shutil.copytree(os.path.join(ROOT, folder), os.path.join(work, folder))
        out = open(os.path.join(work, "serve.out"), "w")
        err = open(os.path.join(work, "serve.err"), "w")

        def limit():
            import resource
            resource.setrlimit(resource.RLIMIT_NOFILE, (FD_LIMIT, FD_LIMIT))
            if os.environ.get("ABUSE_KEEP"):
                resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))

        server = subprocess.Popen([BIN, "serve", "--port", "0", "--today", "2026-11-24"], cwd=work, stdout=out, stderr=err,
                                  stdin=subprocess.DEVNULL, preexec_fn=limit)
        port = None
        for _ in range(300):
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", open(os.path.join(work, "serve.out")).read())
            if m:
                port = int(m.group(1))
                break
            if server.poll() is not None:
                print("server-abuse-test: serve exited:\n" + open(os.path.join(work, "serve.err")).read(), file=sys.stderr)
                return 1
            time.sleep(0.1)
        if port is None:
            print("server-abuse-test: serve printed no address within 30 s", file=sys.stderr)
            return 1
        print(f"server-abuse-test: serving on 127.0.0.1:{port} with ulimit -n {FD_LIMIT}")
        ordinary(port, "at the start")

        # 1. Huge request line and heads.
        host = f"Host: 127.0.0.1:{port}\r\n".encode()
        cases = [
            ("a 1 MB request line", b"GET /" + b"a" * (1 << 20) + b" HTTP/1.1\r\n" + host + b"\r\n", 414),
            ("a 1 MB header", b"GET / HTTP/1.1\r\n" + host + b"X-Big: " + b"b" * (1 << 20) + b"\r\n\r\n", 431),
            ("1 MB of headers", b"GET / HTTP/1.1\r\n" + host + b"X-A: 1\r\n" * (1 << 17) + b"\r\n", 431),
        ]
        before = cpu_seconds(server.pid)
        for name, raw, expected in cases:
            status, seconds, detail = request(port, raw, timeout=10)
            if status != expected:
                fail(f"{name}: got {status} ({detail!r}) in {seconds:.2f} s, expected {expected}")
            else:
                print(f"server-abuse-test: {name}: {status} in {seconds * 1000:.0f} ms")
        used = cpu_seconds(server.pid) - before
        print(f"server-abuse-test: server CPU time for the three: {used:.2f} s")
        if used > 1.0:
            fail(f"the server used {used:.2f} s of CPU for three 1 MB requests")
        ordinary(port, "after the 1 MB requests")

        # 2. Slow clients.
        sel = selectors.DefaultSelector()
        head = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ".encode()
        clients = {}
        connects = cut = 0

        def connect():
            nonlocal connects
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            clients[s] = 0
            sel.register(s, selectors.EVENT_READ)
            connects += 1

        for _ in range(CLIENTS):
            connect()
        start = time.monotonic()
        next_tick = start
        peak_fds = 0
        while time.monotonic() - start < SLOW_SECONDS:
            now = time.monotonic()
            if now >= next_tick:
                next_tick += 1.0
                for s in list(clients):
                    try:
                        s.send(head[clients[s]:clients[s] + 1] if clients[s] < len(head) else b"x")
                        clients[s] += 1
                    except OSError:
                        pass
                peak_fds = max(peak_fds, open_fds(server.pid))
            for key, _ in sel.select(timeout=0.05):
                s = key.fileobj
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    sel.unregister(s)
                    s.close()
                    del clients[s]
                    cut += 1
                    connect()
            if server.poll() is not None:
                fail(f"the server exited (status {server.returncode}) during the slow clients: "
                     + open(os.path.join(work, "serve.err")).read()[-2000:])
                break
        for s in list(clients):
            sel.unregister(s)
            s.close()
        print(f"server-abuse-test: {CLIENTS} slow clients for {SLOW_SECONDS:.0f} s: {connects} connections, {cut} cut off by the server, "
              f"at most {peak_fds} descriptors open in the server")
        if peak_fds >= FD_LIMIT:
            fail(f"the server used all {FD_LIMIT} descriptors during the slow clients")
        time.sleep(0.3)
        ordinary(port, "after the slow clients")
        if server.poll() is not None:
            return 1

        # 3. Out of descriptors.
        idle = []
        for _ in range(CLIENTS):
            try:
                idle.append(socket.create_connection(("127.0.0.1", port), timeout=2))
            except OSError:
                pass
        time.sleep(3)
        fds = open_fds(server.pid)
        print(f"server-abuse-test: {len(idle)} idle connections; the server holds {fds} descriptors (limit {FD_LIMIT})")
        # More connections than descriptors: the server takes as many as it can afford and
        # leaves the rest waiting, never using its last descriptors (libdispatch dies without).
        if fds >= FD_LIMIT:
            fail(f"the server used all {FD_LIMIT} descriptors")
        if fds < FD_LIMIT // 2:
            fail(f"the server held only {fds} descriptors: the test did not press it")
        for s in idle:
            s.close()
        time.sleep(0.2)
        ordinary(port, "after running out of descriptors")
        if server.poll() is not None:
            fail("the server is no longer running")
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if os.environ.get("ABUSE_KEEP"):
            print(f"server-abuse-test: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"server-abuse-test: {len(failures)} failure(s)")
        return 1
    print("server-abuse-test: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
