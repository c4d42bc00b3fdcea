"""The platform baseline: every runtime dependency resolves as a binary wheel for the township and
county platforms (scripts/check_platforms.py asks pip, metadata only), and the check really fails
for a PySide6 that has no wheel for glibc 2.28."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "check_platforms.py"


def load_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("check_platforms", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_markers_are_evaluated_for_the_target_not_this_machine() -> None:
    cp = load_script()
    by_label = {t.platform + "+".join(t.extras) + ",".join(t.without): t for t in cp.TARGETS}
    x86 = cp.requirements_for(by_label["manylinux_2_28_x86_64"])
    arm = cp.requirements_for(by_label["manylinux_2_31_aarch64"])
    assert [r for r in x86 if r.startswith("PySide6")] == ["PySide6-Essentials<6.10,>=6.9.3"]
    assert [r for r in arm if r.startswith("PySide6")] == ["PySide6-Essentials<6.8.1,>=6.8.0.2"]
    hub = cp.requirements_for(by_label["manylinux_2_28_x86_64hub"])
    assert not any(r.startswith(("fastapi", "uvicorn", "psycopg")) for r in x86)
    assert {"fastapi", "uvicorn", "psycopg"} <= {r.split(">")[0].split("[")[0] for r in hub}


def test_glibc_228_tags_accept_older_manylinux_wheels() -> None:
    tags = load_script().platform_tags("manylinux_2_28_x86_64")
    assert tags[0] == "manylinux_2_28_x86_64" and "manylinux_2_17_x86_64" in tags
    assert "manylinux_2_31_x86_64" not in tags


def test_check_fails_for_a_pyside6_without_glibc_228_wheels() -> None:
    cp = load_script()
    target = cp.Target("PySide6 6.11 on glibc 2.28", "manylinux_2_28_x86_64", "x86_64")
    ok, _versions, error = cp.resolve(target, ["PySide6-Essentials>=6.11,<6.12"])
    assert not ok and "PySide6" in error
    ok, versions, _error = cp.resolve(target, ["PySide6-Essentials>=6.9.3,<6.10"])
    assert ok and versions["PySide6_Essentials"] == "6.9.3"


@pytest.mark.slow
def test_every_platform_resolves() -> None:
    proc = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 7 and all(line.startswith("通过") for line in lines)
    assert "PySide6 6.9.3" in lines[1] and "PySide6 6.8.0.2" in lines[2]
