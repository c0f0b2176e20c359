#!/usr/bin/env python3
"""make bench, photos: a site of 200 pages each showing one phone-shaped photo (made with Pillow by
scripts/make-test-images.py --photos: 4032 x 3024 JPEGs with EXIF, a quarter of them portrait by
their orientation flag, a fifth 2048 x 1536 PNGs), built by `clinic-site build`:

  first    an empty image cache (.clinic-site-cache/images/ removed): every photo processed
  rebuild  the same sources again, the cache kept: no photo processed (each is hashed)

It prints wall time, CPU time (user + sys) and peak resident memory of each, the median of RUNS
runs, and the size of the cache and of the published images.

    python3 scripts/image-bench.py [--photos 200] [--runs 3] [--work DIR] [--bin BINARY]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "clinic-site")


def run(cmd, cwd):
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit("image-bench: %s failed (exit %d): %s" % (" ".join(cmd), code, proc.stderr.read().decode()[-2000:]))
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def folder_size(path):
    total = 0
    for base, _, files in os.walk(path):
        total += sum(os.path.getsize(os.path.join(base, f)) for f in files)
    return total


def make_site(work, photos):
    site = os.path.join(work, "phone-photos-%d" % photos)
    content = os.path.join(site, "content")
    marker = os.path.join(site, ".made")
    if os.path.exists(marker):
        return site
    shutil.rmtree(site, ignore_errors=True)
    os.makedirs(os.path.join(content, "photos"))
    try:
        import PIL  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "pillow"])
    subprocess.check_call([sys.executable, os.path.join(ROOT, "scripts", "make-test-images.py"), os.path.join(content, "photos"), "--photos", str(photos)])
    with open(os.path.join(content, "_site.yaml"), "w") as f:
        f.write("name: Photo bench\n")
    with open(os.path.join(content, "index.md"), "w") as f:
        f.write("---\ntitle: Photos\n---\nTwo hundred photos.\n")
    for n in range(photos):
        with open(os.path.join(content, "photo-%d.md" % n), "w") as f:
            ext = "png" if n % 5 == 4 else "jpg"
            f.write("---\ntitle: Photo %d\ndescription: A photo.\n---\n\n![The treatment room, view %d](/photos/photo-%d.%s)\n" % (n, n, n, ext))
    shutil.copytree(os.path.join(ROOT, "theme"), os.path.join(site, "theme"))
    open(marker, "w").close()
    return site


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--photos", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default=os.path.join(ROOT, ".build", "bench"))
    ap.add_argument("--bin", default=BIN, help="the clinic-site binary (default: the release build)")
    args = ap.parse_args()
    site = make_site(args.work, args.photos)
    cache = os.path.join(site, ".clinic-site-cache")
    cmd = [os.path.abspath(args.bin), "build", "--content", "content", "--theme", "theme", "--output", "output"]
    results = {"first": [], "rebuild": []}
    for _ in range(args.runs):
        shutil.rmtree(cache, ignore_errors=True)
        results["first"].append(run(cmd, site))
        results["rebuild"].append(run(cmd, site))
    source = folder_size(os.path.join(site, "content", "photos"))
    published = sum(
        os.path.getsize(os.path.join(b, f)) for b, _, fs in os.walk(os.path.join(site, "output")) for f in fs if not f.endswith((".html", ".xml", ".txt", ".css", ".svg"))
    )
    print("photos: %d phone-shaped sources (%.1f MB), %d CPU(s), load average %.2f at the end" % (args.photos, source / 1e6, os.cpu_count(), os.getloadavg()[0]))
    print("| build | wall s | CPU s | peak RSS MiB |")
    print("| --- | ---: | ---: | ---: |")
    for name, runs in results.items():
        wall, cpu, rss = (statistics.median(r[i] for r in runs) for i in range(3))
        print("| %s | %.2f | %.2f | %.0f |" % (name, wall, cpu, rss))
    print("cache %.1f MB, published images %.1f MB" % (folder_size(cache) / 1e6, published / 1e6))


if __name__ == "__main__":
    main()
