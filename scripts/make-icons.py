#!/usr/bin/env python3
"""Draws Party's app icons (app/icons/): the accent-coloured diamond of the top bar on
a rounded square, as PNGs at the sizes home screens ask for. Plain Python (zlib), so
the icons are rebuilt from this file with no image tools. Run from the repository
root: python3 scripts/make-icons.py"""
import struct
import zlib
from pathlib import Path

ACCENT = (0x5B, 0x4B, 0xDB)
MARK = (0xFF, 0xFF, 0xFF)


def pixel(x, y, size, maskable):
    # Maskable icons fill the whole square (the platform crops); others are rounded.
    c = (size - 1) / 2
    r = size * 0.22
    if not maskable:
        dx = max(abs(x - c) - (c - r), 0)
        dy = max(abs(y - c) - (c - r), 0)
        if dx * dx + dy * dy > r * r:
            return (0, 0, 0, 0)
    # The diamond: |x| + |y| <= k, smaller when maskable (its safe zone is 80 %).
    k = size * (0.26 if maskable else 0.32)
    if abs(x - c) + abs(y - c) <= k:
        return MARK + (255,)
    return ACCENT + (255,)


def png(size, maskable):
    rows = b"".join(
        b"\0" + b"".join(bytes(pixel(x, y, size, maskable)) for x in range(size)) for y in range(size)
    )
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


out = Path("app/icons")
out.mkdir(parents=True, exist_ok=True)
for size in (192, 512):
    (out / f"icon-{size}.png").write_bytes(png(size, False))
(out / "icon-maskable-512.png").write_bytes(png(512, True))
(out / "icon.svg").write_text(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    '<rect width="100" height="100" rx="22" fill="#5b4bdb"/>'
    '<path d="M50 18 82 50 50 82 18 50z" fill="#fff"/></svg>\n'
)
