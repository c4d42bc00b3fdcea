"""Many SIGKILL trials of the crash harness (tests/crash_harness.py): save, ledger import, backup
and schema upgrade, killed at random moments; prints a table of trials and problems found.

    .venv/bin/python bench/crash_harness.py [--trials 20] [--seed 1] [--modes save,import,backup,migrate]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from crash_harness import delays, prepare_template, run_trial


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--modes", default="save,import,backup,migrate")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="zongzhi-crash-"))
    template = prepare_template(work / "template")
    print("| 写入 | 次数 | 被杀时已确认的写入（合计） | 升级中被杀 / 升级已完成 | 发现的问题 | 用时 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    failures = 0
    for mode in args.modes.split(","):
        started = time.perf_counter()
        acks = problems = finished = 0
        for delay in delays(mode, args.trials, rng):
            trial = run_trial(template, work, mode, delay)
            acks += len(trial.acks)
            problems += len(trial.problems)
            finished += bool(trial.acks) if mode == "migrate" else 0
            for p in trial.problems:
                print(f"  {mode} @ {delay}s: {p}", file=sys.stderr)
        failures += problems
        upgrade = f"{args.trials - finished} / {finished}" if mode == "migrate" else "—"
        print(f"| {mode} | {args.trials} | {acks} | {upgrade} | {problems} | {time.perf_counter() - started:.0f} s |")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
