"""Writes one benchmark's section into docs/performance.md, leaving other sections intact."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from datetime import datetime
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
HEADER = """# 性能 / Performance

Figures written by the benchmarks under `bench/` (each section by its own script, with the date,
the machine and the ratio to a raw-SQLite baseline measured in the same run). Targets are in
design.md §7. Tests never assert timings; these numbers are measurements, not gates.
"""


def machine() -> str:
    """One line describing this machine (CPU model, cores, memory, Python, SQLite)."""
    import sqlite3

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        pass
    return (f"{cpu}, {os.cpu_count()} cores{mem}, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}")


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=DOC.parent.parent, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def write_section(name: str, title: str, body: str) -> None:
    """Replace (or append) the section delimited by <!-- bench:name --> markers."""
    DOC.parent.mkdir(parents=True, exist_ok=True)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else HEADER
    stamp = f"_Measured {datetime.now().strftime('%Y-%m-%d %H:%M')} on {machine()} (commit {commit()})._"
    section = f"<!-- bench:{name} -->\n## {title}\n\n{stamp}\n\n{body.strip()}\n<!-- /bench:{name} -->"
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S)
    text = pattern.sub(lambda _m: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")
