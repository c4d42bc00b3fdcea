#!/usr/bin/env python3
"""Render the application icon (zongzhi_desktop/assets/icons/zongzhi.svg) to the PNG used by the
window and the Linux menu entry, and to the multi-size Windows .ico used by build.spec and the
installer. Run after changing the SVG:  QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/make_icons.py
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "zongzhi_desktop" / "assets" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    return bytes(data.data())


def pack_ico(pngs: dict[int, bytes]) -> bytes:
    """An .ico with PNG-compressed images (Windows Vista and later read these)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in sorted(pngs.items()):
        dim = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    return header + entries + blobs


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (QImage painting needs the application)
    renderer = QSvgRenderer(str(ICONS / "zongzhi.svg"))
    if not renderer.isValid():
        raise SystemExit("zongzhi.svg is not a valid SVG")
    pngs = {size: render_png(renderer, size) for size in ICO_SIZES}
    (ICONS / "zongzhi.png").write_bytes(pngs[256])
    (ICONS / "zongzhi.ico").write_bytes(pack_ico(pngs))
    print(f"wrote {ICONS / 'zongzhi.png'} and {ICONS / 'zongzhi.ico'} ({', '.join(map(str, ICO_SIZES))} px)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
