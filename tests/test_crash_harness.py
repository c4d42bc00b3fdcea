"""SIGKILL at random moments of a save, a ledger import, a backup and a schema upgrade (issue 14
item 7): nothing acknowledged is lost, nothing is corrupted, the next start works. A few trials
here (seeded, so a failure can be replayed); bench/crash_harness.py runs many more."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from crash_harness import delays, prepare_template, run_trial

TRIALS = 3


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare_template(tmp_path_factory.mktemp("crash-template"))


@pytest.mark.parametrize("mode", ["save", "import", "backup", "migrate"])
def test_sigkill_loses_nothing_acknowledged(template: Path, tmp_path: Path, mode: str) -> None:
    rng = random.Random(f"crash-{mode}")
    for delay in delays(mode, TRIALS, rng):
        trial = run_trial(template, tmp_path, mode, delay)
        assert trial.problems == [], (mode, delay, trial.acks[-3:], trial.problems)
