#!/usr/bin/env python3
"""Writes the images ImageTests builds sites with, into the folder given (Pillow).

  large.jpg        4000 x 3000 phone photo: EXIF with GPS, camera serial and orientation 6
                   (shown rotated, 3000 x 4000), XMP
  transparent.png  800 x 600 RGBA, alpha from 0 to 255
  tiny.jpg         64 x 48, smaller than every width
  other.jpg        800 x 600, a photo no test site starts with
  cmyk.jpg         1200 x 900 CMYK (Adobe) JPEG
  anim.gif         300 x 200, two frames
  truncated.jpg    the first 40% of a JPEG
  notimage.png     text named .png
  bomb.png         a PNG whose header declares 30000 x 30000 pixels (a few hundred bytes)
  photo-N.jpg/png  with --photos N: N distinct phone-shaped photos (phone() below; benchmarks)
"""
import io
import os
import struct
import sys
import zlib

from PIL import Image, ImageDraw


def noisy(size, mode="RGB", seed=0):
    """A photo-like image: gradients and shapes, deterministic."""
    w, h = size
    img = Image.linear_gradient("L").resize((w, h))
    r = img
    g = img.rotate(90).resize((w, h))
    b = Image.effect_noise((w, h), 40 + seed % 20)
    out = Image.merge("RGB", (r, g, b))
    d = ImageDraw.Draw(out)
    for k in range(12):
        x = (k * 397 + seed * 131) % w
        y = (k * 211 + seed * 71) % h
        d.ellipse((x, y, x + w // 8, y + h // 8), fill=((k * 40 + seed) % 255, (k * 90) % 255, (seed * 7) % 255))
    return out.convert(mode)


def large(path):
    img = noisy((4000, 3000))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90 CW to show
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[0xA431] = "SERIAL-12345"  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (32.0, 17.0, 54.0)
    gps[3] = "W"
    gps[4] = (90.0, 11.0, 5.0)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="32,17.9N"/></rdf:RDF></x:xmpmeta>'
    img.save(path, "JPEG", quality=90, exif=exif.tobytes(), xmp=xmp)


def transparent(path):
    img = noisy((800, 600)).convert("RGBA")
    alpha = Image.linear_gradient("L").rotate(90).resize((800, 600))
    img.putalpha(alpha)
    img.save(path, "PNG")


def bomb(path):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024, 9)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def phone(n):
    """The n-th benchmark photo, shaped as phones make them: 4032 x 3024 JPEGs with EXIF (GPS,
    camera), every fourth one portrait (stored landscape with orientation 6, as phones do), every
    fifth a 2048 x 1536 PNG (a screenshot or an exported drawing). Returns (file name, writer)."""
    if n % 5 == 4:
        return "photo-%d.png" % n, lambda path: noisy((2048, 1536), seed=n).save(path, "PNG")

    def write(path):
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"
        exif[0x0110] = "Phone 15"
        exif[0x0112] = 6 if n % 4 == 3 else 1
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2], gps[3], gps[4] = "N", (32.0, 17.0, float(n % 60)), "W", (90.0, 11.0, 5.0)
        noisy((4032, 3024), seed=n).save(path, "JPEG", quality=88, exif=exif.tobytes())

    return "photo-%d.jpg" % n, write


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    if len(sys.argv) > 3 and sys.argv[2] == "--photos":
        for n in range(int(sys.argv[3])):
            name, write = phone(n)
            write(os.path.join(out, name))
        return
    large(os.path.join(out, "large.jpg"))
    transparent(os.path.join(out, "transparent.png"))
    noisy((800, 600), seed=5).save(os.path.join(out, "other.jpg"), "JPEG", quality=90)
    noisy((64, 48)).save(os.path.join(out, "tiny.jpg"), "JPEG", quality=90)
    noisy((1200, 900), "CMYK").save(os.path.join(out, "cmyk.jpg"), "JPEG", quality=90)
    frames = [noisy((300, 200), seed=s).convert("P") for s in (1, 2)]
    frames[0].save(os.path.join(out, "anim.gif"), save_all=True, append_images=frames[1:], duration=200, loop=0)
    buf = io.BytesIO()
    noisy((1600, 1200)).save(buf, "JPEG", quality=90)
    data = buf.getvalue()
    with open(os.path.join(out, "truncated.jpg"), "wb") as f:
        f.write(data[: len(data) * 4 // 10])
    with open(os.path.join(out, "notimage.png"), "w") as f:
        f.write("This is not an image.\n")
    bomb(os.path.join(out, "bomb.png"))


if __name__ == "__main__":
    main()
