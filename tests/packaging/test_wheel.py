"""The built wheel works without the source tree: it is installed (not editable) into a fresh venv
without the [hub] extra, and `init`, `demo`, a quarterly PDF and the county's file-based commands
run from there; the county server says in Chinese which extra to install instead of a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def run(cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None,
        timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the built wheel, a fresh venv with it installed)."""
    base = tmp_path_factory.mktemp("wheel")
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(base / "dist"), str(ROOT)],
                cwd=base)
    assert built.returncode == 0, built.stderr
    (wheel,) = (base / "dist").glob("zongzhi_desktop-*.whl")
    venv = base / "venv"
    assert run([sys.executable, "-m", "venv", str(venv)], cwd=base).returncode == 0
    installed = run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                     str(wheel)], cwd=base)
    assert installed.returncode == 0, installed.stderr
    return wheel, venv


def test_wheel_carries_the_package_data(wheel_venv: tuple[Path, Path]) -> None:
    names = set(zipfile.ZipFile(wheel_venv[0]).namelist())
    for needed in ("zongzhi_desktop/assets/codes/codes.json", "zongzhi_desktop/assets/fonts/wqy-microhei.ttc",
                   "zongzhi_desktop/assets/i18n/zongzhi_en.qm", "zongzhi_desktop/forms/petition.toml",
                   "zongzhi_desktop/store/migrations/env.py",
                   "zongzhi_desktop/store/migrations/versions/0006_merge_heads.py"):
        assert needed in names, needed
    assert not any(n.startswith(("tests/", "bench/", "scripts/")) for n in names)


def test_installed_wheel_runs_init_demo_report_without_the_source(wheel_venv: tuple[Path, Path], tmp_path: Path) -> None:
    _wheel, venv = wheel_venv
    zongzhi = str(venv / "bin" / "zongzhi")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZONGZHI_", "PYTHON"))}
    env |= {"QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    where = run([str(venv / "bin" / "python"), "-c", "import zongzhi_desktop; print(zongzhi_desktop.__file__)"],
                cwd=tmp_path, env=env)
    assert where.stdout.strip().startswith(str(venv)), where.stdout  # the installed copy, not the worktree

    r = run([zongzhi, "--data-dir", str(tmp_path / "t1"), "init", "--township-code", "330825101", "--township-name",
             "湖镇镇", "--county-code", "330825", "--county-name", "龙游县", "--admin", "admin", "--password-stdin"],
            cwd=tmp_path, env=env, stdin="admin-pass-1\n")
    assert r.returncode == 0, r.stderr

    demo = tmp_path / "demo"
    r = run([zongzhi, "--data-dir", str(demo), "demo", "--records", "300"], cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    pdf = tmp_path / "季推进.pdf"
    r = run([zongzhi, "--data-dir", str(demo), "report", "quarterly", "--user", "clerk", "-o", str(pdf)],
            cwd=tmp_path, env=env | {"ZONGZHI_PASSWORD": "zongzhi-clerk"})
    assert r.returncode == 0, r.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    fonts = run(["pdffonts", str(pdf)], cwd=tmp_path).stdout
    assert "WenQuanYi" in fonts or "wqy" in fonts.lower(), fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip()), fonts  # emb
    text = run(["pdftotext", str(pdf), "-"], cwd=tmp_path).stdout
    assert "季推进" in text

    # The county's file-based commands need no server stack …
    county = tmp_path / "county"
    cenv = env | {"ZONGZHI_COUNTY_PASSPHRASE": "county-pass-1", "ZONGZHI_KEY_PASSPHRASE": "county-pass-1"}
    r = run([zongzhi, "--data-dir", str(county), "county", "init", "--county-code", "330825", "--county-name", "龙游县"],
            cwd=tmp_path, env=cenv)
    assert r.returncode == 0, r.stderr
    r = run([zongzhi, "--data-dir", str(county), "county", "status", "--json"], cwd=tmp_path, env=cenv)  # encrypted: the passphrase opens it
    assert r.returncode == 0 and json.loads(r.stdout)["county_code"] == "330825", r.stderr

    # … the server says which extra to install: exit 2, Chinese, no traceback.
    no_fastapi = run([str(venv / "bin" / "python"), "-c", "import fastapi"], cwd=tmp_path, env=env)
    assert no_fastapi.returncode != 0
    r = run([zongzhi, "--data-dir", str(county), "county", "serve", "--port", "0"], cwd=tmp_path, env=cenv)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert 'pip install "zongzhi-desktop[hub]"' in r.stderr and "县级接收服务" in r.stderr
    assert "Traceback" not in r.stderr
    r = run([zongzhi, "county", "status", "--db", "postgresql://postgres@127.0.0.1:5432/test"], cwd=tmp_path, env=env)
    assert r.returncode == 2 and 'pip install "zongzhi-desktop[hub]"' in r.stderr and "Traceback" not in r.stderr, r.stderr
