"""Locating the data files shipped inside the package: assets/ (code tables, fonts, translations)
and forms/ (declarative data-entry forms).

They live in the package so that a wheel, an editable install and a PyInstaller build all carry
them; importlib.resources finds the package folder in each case (PyInstaller keeps package data
under _MEIPASS/zongzhi_desktop/). Fonts must be real files for reportlab and Qt, so a package
that is not on the file system (a zip) is refused loudly rather than half-working.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path


@cache
def package_root() -> Path:
    """The folder of the installed zongzhi_desktop package."""
    root = files("zongzhi_desktop")
    path = Path(str(root))
    if not path.is_dir():
        raise RuntimeError(f"综治桌面的程序文件不在磁盘目录中（{root}），无法读取字体和字典")
    return path


def resource_path(*parts: str) -> Path:
    """Path of a file under the package's assets/ folder."""
    return package_root().joinpath("assets", *parts)


def forms_path(*parts: str) -> Path:
    """Path of a file under the package's forms/ folder."""
    return package_root().joinpath("forms", *parts)
