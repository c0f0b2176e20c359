#!/usr/bin/env python3
"""What a phone downloads for a page with a photo: builds the clinic site plus one page showing a
4000 x 3000 phone photo (scripts/make-test-images.py's large.jpg, 3 MB with EXIF), serves the
output from a local HTTP server that records every response's path and bytes, and loads the page
in headless Chromium at 390 x 844 CSS px (device scale factors 1, 2 and 3). Prints the bytes per
response and in total; the photo's own source bytes are what the page cost before processing.

    python3 scripts/photo-weight.py [--chromium /usr/bin/chromium]
"""
import argparse
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "clinic-site")


class Recorder(http.server.SimpleHTTPRequestHandler):
    log = []

    def send_head(self):
        f = super().send_head()
        if f is not None and hasattr(f, "fileno"):
            Recorder.log.append((self.path, os.fstat(f.fileno()).st_size))
        return f

    def log_message(self, *args):
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    ap.add_argument("--bin", default=BIN, help="the clinic-site binary (default: the release build)")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="photo-weight-")
    shutil.copytree(os.path.join(ROOT, "content"), os.path.join(work, "content"))
    shutil.copytree(os.path.join(ROOT, "theme"), os.path.join(work, "theme"))
    images = os.path.join(work, "images")
    subprocess.check_call([sys.executable, os.path.join(ROOT, "scripts", "make-test-images.py"), images])
    shutil.copy(os.path.join(images, "large.jpg"), os.path.join(work, "content", "treatment-room.jpg"))
    with open(os.path.join(work, "content", "our-rooms.md"), "w") as f:
        f.write(
            "---\ntitle: Our rooms\ndescription: Where treatment takes place.\n---\n\n"
            "![Dr. Anderson in the treatment room](/treatment-room.jpg)\n\n"
            "The treatment room is quiet, with a reclining chair and soft light.\n")
    build = subprocess.run([os.path.abspath(args.bin), "build", "--today", "2026-11-24"], cwd=work, capture_output=True, text=True)
    if build.returncode != 0:
        sys.exit("photo-weight: the build failed:\n" + build.stderr[-3000:])
    handler = functools.partial(Recorder, directory=os.path.join(work, "output"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/our-rooms/" % server.server_address[1]
    print("source photo: %d bytes" % os.path.getsize(os.path.join(images, "large.jpg")))
    for dpr in (1, 2, 3):
        Recorder.log = []
        profile = tempfile.mkdtemp(prefix="chromium-")
        subprocess.run(
            [args.chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + profile,
             "--window-size=390,844", "--force-device-scale-factor=%d" % dpr, "--virtual-time-budget=5000",
             "--screenshot=" + os.path.join(work, "shot-%d.png" % dpr), url],
            capture_output=True, timeout=120)
        shutil.rmtree(profile, ignore_errors=True)
        total = sum(size for path, size in Recorder.log if not path.startswith("/favicon.ico"))
        print("\n390 x 844 at device scale factor %d: %d bytes in %d responses" % (dpr, total, len(Recorder.log)))
        for path, size in Recorder.log:
            print("  %8d  %s" % (size, path))
    server.shutdown()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
