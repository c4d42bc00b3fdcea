"""PySide6 6.12.0 corrupts None's reference count on Python 3.11: after enough void Qt calls the
interpreter aborts. The project pins 6.9.x (the newest with wheels for glibc 2.28); these tests catch a regression of the
pin or the bug."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import PySide6
from packaging.requirements import Requirement

CALLS = 20_000

SCRIPT = textwrap.dedent(f"""
    import sys
    from PySide6.QtCore import QCoreApplication, QObject, QTimer

    app = QCoreApplication(sys.argv)
    obj = QObject()
    timer = QTimer()
    before = sys.getrefcount(None)
    for i in range({CALLS} // 2):
        obj.setObjectName("n")  # void C++ calls: each returns None to Python
        timer.stop()
    after = sys.getrefcount(None)
    print("calls", {CALLS}, "none-refcount-drift", before - after)
""")


def test_twenty_thousand_void_calls_exit_cleanly() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith(f"calls {CALLS} ")
    # With the bug, each call drops a reference to None; a healthy build keeps it (almost) steady.
    drift = int(proc.stdout.split()[-1])
    assert abs(drift) < CALLS // 10, proc.stdout


def test_pyside_version_is_not_the_broken_one() -> None:
    version = tuple(int(p) for p in PySide6.__version__.split(".")[:3])
    if sys.version_info < (3, 12):
        assert version != (6, 12, 0), "PySide6 6.12.0 aborts on Python 3.11; keep the pin"
    # The installed PySide6 is the one pyproject.toml pins for this machine (6.9.x for glibc 2.28).
    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [Requirement(r) for r in project["project"]["dependencies"] if r.startswith("PySide6")]
    mine = [r for r in pins if r.marker is None or r.marker.evaluate()]
    assert len(mine) == 1, pins
    assert mine[0].specifier.contains(PySide6.__version__), f"pyproject pins {mine[0]}, found {PySide6.__version__}"
