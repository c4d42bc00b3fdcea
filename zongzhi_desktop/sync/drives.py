"""Removable drives (USB sticks) the clerk can export to, on Windows and Linux (信创) alike."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Drive:
    path: Path
    label: str
    free_bytes: int

    @property
    def title(self) -> str:
        gb = self.free_bytes / 1024**3
        return f"{self.label}（{self.path}，可用 {gb:.1f} GB）"


def _free(path: Path) -> int:
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return 0


def _windows_drives() -> list[Drive]:
    import ctypes

    kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
    mask = kernel.GetLogicalDrives()
    out = []
    for i in range(26):
        if not mask & (1 << i):
            continue
        root = f"{chr(65 + i)}:\\"
        if kernel.GetDriveTypeW(root) != 2:  # DRIVE_REMOVABLE
            continue
        name = ctypes.create_unicode_buffer(261)
        kernel.GetVolumeInformationW(root, name, 261, None, None, None, None, 0)
        out.append(Drive(Path(root), name.value or "可移动磁盘", _free(Path(root))))
    return out


def _unescape(field: str) -> str:
    """/proc/mounts escapes space, tab, newline and backslash as octal."""
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")


def _is_removable(device: str) -> bool:
    name = Path(device).name.rstrip("0123456789")
    if name.startswith("nvme") or name.startswith("mmcblk"):
        name = name.rstrip("p")
    flag = Path("/sys/block") / name / "removable"
    try:
        return flag.read_text().strip() == "1"
    except OSError:
        return False


def _posix_drives(mounts: Path = Path("/proc/mounts")) -> list[Drive]:
    out = []
    try:
        lines = mounts.read_text().splitlines()
    except OSError:
        lines = []
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        device, mount = parts[0], _unescape(parts[1])
        under_media = mount.startswith(("/media/", "/run/media/", "/mnt/", "/Volumes/"))
        if not device.startswith("/dev/") or not (under_media or _is_removable(device)):
            continue
        p = Path(mount)
        if os.access(p, os.W_OK):
            out.append(Drive(p, p.name or str(p), _free(p)))
    if sys.platform == "darwin":
        vols = Path("/Volumes")
        out += [Drive(v, v.name, _free(v)) for v in vols.iterdir() if v.is_dir() and not v.is_symlink()] \
            if vols.exists() else []
    return out


def removable_drives() -> list[Drive]:
    """Writable removable drives currently mounted, e.g. E:\\ on Windows, /media/user/U盘 on Linux."""
    try:
        return _windows_drives() if os.name == "nt" else _posix_drives()
    except OSError:
        return []
