#!/usr/bin/env python3
"""Smoke test of a built 综治桌面 program (the one-folder build or the installed .deb), run as a
county IT administrator would, in fresh data folders:

    python scripts/smoke_frozen.py dist/zongzhi/zongzhi       # or /usr/bin/zongzhi after the .deb

`--version`, `init`, `demo 2000`, a quarterly PDF (CJK font embedded, read back), the county's
file-based setup and a USB export imported at the county, `county serve` refused with the pip
command of the [hub] extra, and the window started offscreen for 5 s without a traceback.
Prints one line per step; exit 1 if any step failed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
PASSPHRASE = "smoke-key-pass-1"


class SmokeFailure(Exception):
    pass


class Smoke:
    def __init__(self, program: str, work: Path) -> None:
        self.program = program
        self.work = work
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("ZONGZHI_", "PYTHON", "VIRTUAL_ENV"))}
        # A fresh HOME: nothing from this machine's user folders; the window offscreen.
        self.env |= {"HOME": str(work / "home"), "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8"}
        (work / "home").mkdir()

    def run(self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None,
            expect: int = 0) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([self.program, *args], input=stdin, capture_output=True, text=True,
                              env=self.env | (env or {}), cwd=self.work, timeout=600)
        if proc.returncode != expect or "Traceback" in proc.stderr:
            raise SmokeFailure(f"zongzhi {' '.join(args)}: exit {proc.returncode} (expected {expect})\n"
                               f"{proc.stdout[-1500:]}\n{proc.stderr[-3000:]}")
        return proc


def step(name: str):  # type: ignore[no-untyped-def]
    def wrap(fn):  # type: ignore[no-untyped-def]
        def run(smoke: Smoke) -> None:
            t = time.perf_counter()
            detail = fn(smoke)
            print(f"ok   {name}（{time.perf_counter() - t:.1f} s）{'：' + detail if detail else ''}", flush=True)
        run.step_name = name  # type: ignore[attr-defined]
        return run
    return wrap


@step("--version")
def version(s: Smoke) -> str:
    out = s.run("--version").stdout.strip()
    if VERSION not in out:
        raise SmokeFailure(f"--version printed {out!r}, expected {VERSION}")
    return out


@step("init")
def init(s: Smoke) -> str:
    s.run("--data-dir", str(s.work / "township"), "init", "--township-code", "330825101", "--township-name",
          "湖镇镇", "--county-code", "330825", "--county-name", "龙游县", "--admin", "admin", "--password-stdin",
          stdin="smoke-admin-1\n")
    return ""


@step("demo 2000")
def demo(s: Smoke) -> str:
    return s.run("--data-dir", str(s.work / "demo"), "demo", "--records", "2000").stdout.strip().splitlines()[-1]


@step("季推进 PDF（字体内嵌）")
def quarterly_pdf(s: Smoke) -> str:
    pdf = s.work / "季推进.pdf"
    s.run("--data-dir", str(s.work / "demo"), "report", "quarterly", "--user", "clerk", "-o", str(pdf),
          env={"ZONGZHI_PASSWORD": "zongzhi-clerk"})
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    if not rows or not all(r[-5] == "yes" for r in rows):
        raise SmokeFailure(f"a font is not embedded:\n{fonts}")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    if "季推进" not in text:
        raise SmokeFailure(f"the PDF text has no 季推进: {text[:300]!r}")
    return f"{pdf.stat().st_size // 1024} KB，字体 {', '.join(r[0] for r in rows)}"


@step("县级配置、乡镇登记、U盘导出、县级导入")
def export_and_import(s: Smoke) -> str:
    county, demo_dir, usb = s.work / "county", str(s.work / "demo"), s.work / "usb"
    usb.mkdir()
    keys = {"ZONGZHI_KEY_PASSPHRASE": PASSPHRASE, "ZONGZHI_COUNTY_PASSPHRASE": PASSPHRASE}
    admin = {"ZONGZHI_PASSWORD": "zongzhi-admin", **keys}
    s.run("--data-dir", str(county), "county", "init", "--county-code", "330825", "--county-name", "龙游县",
          "-o", str(s.work / "330825.zzcounty"), env=keys)
    s.run("--data-dir", demo_dir, "sync", "trust-county", str(s.work / "330825.zzcounty"), "--yes",
          "--user", "admin", env=admin)
    s.run("--data-dir", demo_dir, "sync", "register-file", "-o", str(s.work / "town.zzreg"), "--user", "admin",
          env=admin)
    s.run("--data-dir", str(county), "county", "register", str(s.work / "town.zzreg"), "--yes",
          env=keys)  # the county store is encrypted: every county command opens it with the passphrase
    out = s.run("--data-dir", demo_dir, "export", "--out", str(usb), "--user", "admin", env=admin).stdout
    bundles = sorted(usb.glob("*.zzb"))
    if len(bundles) != 1:
        raise SmokeFailure(f"export wrote {bundles}:\n{out}")
    out = s.run("--data-dir", str(county), "county", "import", str(bundles[0]), env=keys).stdout
    m = re.search(r"接收 (\d+) 条", out)
    if not m or int(m.group(1)) == 0:
        raise SmokeFailure(f"county import accepted nothing:\n{out}")
    return f"{bundles[0].name}，县级接收 {m.group(1)} 条"


@step("county serve 无 [hub]：中文提示")
def serve_refused(s: Smoke) -> str:
    err = s.run("--data-dir", str(s.work / "county"), "county", "serve", "--port", "0", expect=2,
                env={"ZONGZHI_COUNTY_PASSPHRASE": PASSPHRASE}).stderr
    if 'pip install "zongzhi-desktop[hub]"' not in err:
        raise SmokeFailure(f"county serve did not name the hub extra:\n{err}")
    return err.strip().splitlines()[-1][:60] + "…"


@step("窗口（offscreen，5 秒）")
def window(s: Smoke) -> str:
    data = s.work / "demo"
    proc = subprocess.Popen([s.program, "--data-dir", str(data)], env=s.env, cwd=s.work,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(5)
        alive = proc.poll() is None
    finally:
        proc.terminate()
        try:
            out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
    logs = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (data / "logs").glob("*.log*"))
    if not alive:
        raise SmokeFailure(f"the window exited early with {proc.returncode}:\n{out}\n{err[-3000:]}")
    if "Traceback" in err or "Traceback" in logs:
        raise SmokeFailure(f"traceback while the window ran:\n{err[-3000:]}\n{logs[-3000:]}")
    return "运行 5 秒，无异常"


STEPS = (version, init, demo, quarterly_pdf, export_and_import, serve_refused, window)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("program", help="the built program, e.g. dist/zongzhi/zongzhi or /usr/bin/zongzhi")
    args = parser.parse_args(argv)
    program = str(Path(args.program).absolute()) if os.sep in args.program else args.program
    with tempfile.TemporaryDirectory(prefix="zongzhi-smoke-") as tmp:
        smoke = Smoke(program, Path(tmp))
        failed = 0
        for fn in STEPS:  # later steps still run after a failure, so one run shows everything
            try:
                fn(smoke)
            except (SmokeFailure, subprocess.SubprocessError, OSError) as e:
                failed += 1
                print(f"FAIL {fn.step_name}：{e}", file=sys.stderr, flush=True)
    print(f"smoke test of {program}:")
    print(f"smoke: {len(STEPS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
