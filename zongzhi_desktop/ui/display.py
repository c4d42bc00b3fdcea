"""Whether Qt can open a window here; decided before Qt is imported (Qt aborts without a display)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

# Platform plugins that need no display server (tests, remote access, kiosk framebuffers).
_HEADLESS_OK = {"offscreen", "minimal", "vnc", "eglfs", "linuxfb", "vkkhrdisplay", "minimalegl"}

NO_DISPLAY_MESSAGE = ("无法打开图形界面：未检测到显示器（DISPLAY 和 WAYLAND_DISPLAY 均未设置）。"
                      "请在桌面环境中运行，或使用命令行：zongzhi --help")


def display_problem(env: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
    """One Chinese line explaining why no window can open, or None when one can."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if platform.startswith(("win", "darwin", "cygwin")):
        return None
    qpa = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if qpa in _HEADLESS_OK:
        return None
    if qpa == "xcb":
        return None if env.get("DISPLAY") else NO_DISPLAY_MESSAGE
    if qpa.startswith("wayland"):
        return None if env.get("WAYLAND_DISPLAY") else NO_DISPLAY_MESSAGE
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return NO_DISPLAY_MESSAGE
