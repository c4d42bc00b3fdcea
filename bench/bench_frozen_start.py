"""Cold start of the frozen one-folder program against the venv, interleaved in the same run.

    .venv/bin/python bench/bench_frozen_start.py [--program dist/zongzhi/zongzhi] [--rounds 7]

Each round starts both programs in turn (so the shared machine's load hits both alike) for:
`--help` (parser with every command module), `list petition` on a 2,000-record demo store (store
opened, query, masked output) and the window (offscreen) from process start until it sits idle at
the login dialog (CPU stops growing for 1 s). CPU time (user+system) is the figure; wall time is
shown too. The budget (issue 11) is frozen within 1.2x of the venv.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")
BUDGET = 1.2


def run_cpu(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one command run to its end."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}")
    return usage.ru_utime + usage.ru_stime, wall


def proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14, 15)


def window_cpu(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) from process start until the window sits idle (1 s without CPU)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        last, last_change = 0.0, time.perf_counter()
        while time.perf_counter() - t < 60:
            time.sleep(0.05)
            if proc.poll() is not None:
                raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode} before the window was idle")
            now = proc_cpu(proc.pid)
            if now != last:
                last, last_change = now, time.perf_counter()
            elif time.perf_counter() - last_change >= 1.0 and now > 0:
                return now, last_change - t
        raise SystemExit("the window never became idle")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--program", default=str(ROOT / "dist" / "zongzhi" / "zongzhi"))
    parser.add_argument("--venv", default=str(ROOT / ".venv" / "bin" / "zongzhi"))
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="zongzhi-start-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ZONGZHI_", "PYTHON"))}
        env |= {"HOME": tmp, "QT_QPA_PLATFORM": "offscreen"}
        store = Path(tmp) / "demo"
        subprocess.run([args.venv, "--data-dir", str(store), "demo", "--records", "2000"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        cases = {
            "--help": (run_cpu, ["--help"]),
            "list petition（2,000 条演示库）": (run_cpu, ["--data-dir", str(store), "list", "petition", "--limit", "50"]),
            "窗口到登录框空闲": (window_cpu, ["--data-dir", str(store)]),
        }
        results: dict[str, dict[str, list[tuple[float, float]]]] = {c: {"frozen": [], "venv": []} for c in cases}
        for _ in range(args.rounds):
            for name, (fn, cmd_args) in cases.items():
                for label, program in (("frozen", args.program), ("venv", args.venv)):
                    results[name][label].append(fn([program, *cmd_args], env))
    print(f"| 启动方式（{args.rounds} 轮交替，中位数） | 单目录 CPU | venv CPU | 比值 | 单目录 墙钟 | venv 墙钟 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    over = 0
    for name, by in results.items():
        f_cpu = statistics.median(c for c, _w in by["frozen"])
        v_cpu = statistics.median(c for c, _w in by["venv"])
        f_wall = statistics.median(w for _c, w in by["frozen"])
        v_wall = statistics.median(w for _c, w in by["venv"])
        ratio = f_cpu / v_cpu
        mark = " **超出 1.2×**" if ratio > BUDGET else ""
        over += ratio > BUDGET
        print(f"| {name} | {f_cpu * 1000:.0f} ms | {v_cpu * 1000:.0f} ms | {ratio:.2f}×{mark} | "
              f"{f_wall * 1000:.0f} ms | {v_wall * 1000:.0f} ms |")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
