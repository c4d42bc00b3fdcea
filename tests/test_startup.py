"""Process start-up and the garbage collector (zongzhi_desktop/startup.py, cli.entry)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import gc, sys
from zongzhi_desktop import cli
seen = {}
real = cli._run
def spy(argv, *, startup_gc):
    seen["during_imports"] = gc.isenabled()
    return real(argv, startup_gc=startup_gc)
cli._run = spy
sys.argv = ["zongzhi", "--data-dir", sys.argv[1], "due"]
rc = cli.entry()
print(rc, seen["during_imports"], gc.isenabled(), gc.get_freeze_count() > 1000)
"""


def test_entry_pauses_the_collector_for_imports_then_freezes_the_start_up_heap(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True, check=True)
    rc, during, after, frozen = out.stdout.split()
    assert rc == "2"  # no store there: a clear refusal, exit code 2
    assert during == "False" and after == "True" and frozen == "True"
    assert "数据库尚未初始化" in out.stderr


def test_main_leaves_the_collector_alone(tmp_path: Path) -> None:
    import gc

    from zongzhi_desktop.cli import main

    frozen = gc.get_freeze_count()
    assert main(["--data-dir", str(tmp_path), "due"]) == 2
    assert gc.isenabled() and gc.get_freeze_count() == frozen
