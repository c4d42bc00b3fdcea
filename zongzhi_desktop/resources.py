"""Locating files shipped in resources/ and forms/, in a checkout or a PyInstaller build."""

from __future__ import annotations

import sys
from pathlib import Path


def project_root() -> Path:
    """The folder holding resources/ and forms/ (the bundle dir when frozen)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """Path of a file under resources/."""
    return project_root().joinpath("resources", *parts)


def forms_path(*parts: str) -> Path:
    """Path of a file under forms/."""
    return project_root().joinpath("forms", *parts)
