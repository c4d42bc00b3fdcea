#!/usr/bin/env python3
"""Check that every runtime dependency installs as a binary wheel on the township and county
platforms: Windows (win_amd64), 信创 Linux x86_64 with glibc 2.28 (manylinux_2_28_x86_64) and ARM.

    python scripts/check_platforms.py            # all checks; exit 1 if any fails
    python scripts/check_platforms.py --json     # the resolved versions per platform as JSON

For each target it asks pip to resolve the dependencies from pyproject.toml with
`pip install --dry-run --only-binary :all: --platform … --python-version 3.11` (metadata only,
nothing is installed). pip evaluates environment markers against the machine it runs on, not
the target, so the top-level markers (the PySide6 pin differs on aarch64) are evaluated here for
the target first.

ARM: no PySide6 version has a manylinux_2_28 aarch64 wheel, the oldest glibc served is 2.31
(6.8.0.2). So on aarch64 the whole set is checked at manylinux_2_31, and everything except
PySide6 at manylinux_2_28 (an ARM PC with glibc 2.28 takes PySide6 from conda-forge; see
docs/install.md).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
PYTHON_VERSION = "3.11"

# Marker environments of the targets (only the keys our markers and pip's care about).
ENVIRONMENTS = {
    "win_amd64": {"platform_machine": "AMD64", "sys_platform": "win32", "platform_system": "Windows",
                  "os_name": "nt"},
    "x86_64": {"platform_machine": "x86_64", "sys_platform": "linux", "platform_system": "Linux",
               "os_name": "posix"},
    "aarch64": {"platform_machine": "aarch64", "sys_platform": "linux", "platform_system": "Linux",
                "os_name": "posix"},
}


@dataclass(frozen=True)
class Target:
    """One check: a set of requirements resolved for one platform tag."""

    label: str
    platform: str
    machine: str  # key of ENVIRONMENTS
    extras: tuple[str, ...] = ()
    without: tuple[str, ...] = ()  # distributions left out (with the reason in the label)


TARGETS = (
    Target("桌面版 Windows 10/11 x64", "win_amd64", "win_amd64"),
    Target("桌面版 信创 Linux x86_64（glibc 2.28：UOS 20、麒麟 V10）", "manylinux_2_28_x86_64", "x86_64"),
    Target("桌面版 ARM（glibc 2.31 及以上）", "manylinux_2_31_aarch64", "aarch64"),
    Target("桌面版 ARM glibc 2.28（PySide6 另取自 conda-forge）", "manylinux_2_28_aarch64", "aarch64",
           without=("pyside6-essentials",)),
    Target("县级服务器 x86_64 glibc 2.28（[hub]）", "manylinux_2_28_x86_64", "x86_64", extras=("hub",)),
    Target("县级服务器 ARM glibc 2.28（[hub]）", "manylinux_2_28_aarch64", "aarch64", extras=("hub",),
           without=("pyside6-essentials",)),
    Target("县级服务器 Windows x64（[hub]）", "win_amd64", "win_amd64", extras=("hub",)),
)


def requirements_for(target: Target, pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The top-level requirements that apply on `target`, markers evaluated for it."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    env = {**default_environment(), **ENVIRONMENTS[target.machine],
           "python_version": PYTHON_VERSION, "python_full_version": PYTHON_VERSION + ".0",
           "implementation_name": "cpython", "platform_python_implementation": "CPython"}
    lines = list(project["dependencies"])
    for extra in target.extras:
        lines += project["optional-dependencies"][extra]
    out = []
    for line in lines:
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate({**env, "extra": ""}):
            continue
        if req.name.lower() in target.without:
            continue
        req.marker = None
        out.append(str(req))
    return out


def platform_tags(platform: str) -> list[str]:
    """A manylinux_2_X tag and every older one it accepts (pip does not expand them itself):
    a machine with glibc 2.28 installs manylinux_2_17 … manylinux_2_28 wheels."""
    if not platform.startswith("manylinux_2_"):
        return [platform]
    minor, arch = platform[len("manylinux_2_"):].split("_", 1)
    tags = [f"manylinux_2_{m}_{arch}" for m in range(int(minor), 16, -1)]
    return [*tags, f"manylinux2014_{arch}"]


def resolve(target: Target, reqs: list[str] | None = None) -> tuple[bool, dict[str, str], str]:
    """Ask pip for `reqs` (default: the target's requirements); returns (ok, {name: version},
    pip's error text)."""
    reqs = requirements_for(target) if reqs is None else reqs
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--disable-pip-version-check",
               "--ignore-installed", "--target", str(Path(tmp) / "t"), "--only-binary", ":all:",
               *[arg for tag in platform_tags(target.platform) for arg in ("--platform", tag)],
               "--python-version", PYTHON_VERSION,
               "--implementation", "cp", "--abi", "cp311", "--abi", "abi3", "--abi", "none",
               "--report", str(report), *reqs]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            lines = (proc.stderr or proc.stdout).splitlines()
            return False, {}, "\n".join(line for line in lines if not line.startswith("WARNING")).strip()
        data = json.loads(report.read_text(encoding="utf-8"))
    versions = {item["metadata"]["name"]: item["metadata"]["version"] for item in data["install"]}
    return True, versions, ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the resolved versions as JSON")
    args = parser.parse_args(argv)
    failed = 0
    results = {}
    for target in TARGETS:
        ok, versions, error = resolve(target)
        results[f"{target.platform}{'+' + ','.join(target.extras) if target.extras else ''}"] = versions
        if not ok:
            failed += 1
            print(f"失败  {target.label}（{target.platform}）\n{error}\n", file=sys.stderr)
            continue
        if not args.json:
            pyside = versions.get("PySide6_Essentials") or versions.get("PySide6-Essentials") or "—"
            print(f"通过  {target.label}（{target.platform}）：{len(versions)} 个包，PySide6 {pyside}")
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2, sort_keys=True))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
