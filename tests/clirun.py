"""Running `zongzhi …` in the test process: (exit code, stdout, stderr), stdin as given."""

from __future__ import annotations

import io
import sys

import pytest

from zongzhi_desktop.cli import main


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str,
        stdin: str = "") -> tuple[int, str, str]:
    """One command line, as a user types it (argparse's own exits included)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as e:
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
