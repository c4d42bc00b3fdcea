"""scripts/elf_deps.py reads the GLIBC versions and libraries an ELF file needs, as objdump does."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import PySide6
import pytest

ROOT = Path(__file__).resolve().parents[2]
QTCORE = Path(PySide6.__file__).parent / "Qt" / "lib" / "libQt6Core.so.6"


def load():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("elf_deps", ROOT / "scripts" / "elf_deps.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(shutil.which("objdump") is None, reason="binutils (objdump) not installed")
def test_versions_and_needed_match_objdump() -> None:
    info = load().read_elf(QTCORE)
    dump = subprocess.run(["objdump", "-p", str(QTCORE)], capture_output=True, text=True, check=True).stdout
    needed = [line.split()[1] for line in dump.splitlines() if line.strip().startswith("NEEDED")]
    assert info.needed == needed
    prefixes = ("GLIBC_", "GLIBCXX_", "CXXABI_", "GCC_", "ZLIB_")
    versions = {w for line in dump.splitlines() for w in line.split() if w.startswith(prefixes)}
    assert {v for v in info.versions if v.startswith(prefixes)} == versions


def test_pinned_pyside6_needs_at_most_glibc_228(tmp_path: Path) -> None:
    """The pin's point: Qt itself starts on UOS 20 / Kylin V10 (glibc 2.28)."""
    elf = load()
    folder = Path(PySide6.__file__).parent
    assert elf.main([str(folder), "--max-glibc", "2.28"]) == 0
    assert elf.main([str(folder), "--max-glibc", "2.17"]) == 1  # the check can fail
    assert elf.read_elf(ROOT / "pyproject.toml") is None
