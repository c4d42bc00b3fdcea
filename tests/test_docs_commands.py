"""The commands shown in README.md and docs/cli.md work as written, in order, on a fresh machine.

Every ```sh block in these documents carries a marker comment on the line before it:

    <!-- doctest: run -->                  run it; every command must succeed
    <!-- doctest: run exit=2 -->           run it; it must end with exit code 2 (a refusal shown on purpose)
    <!-- doctest: window log=PATH ready=TEXT -->
                                           it opens the window: start it (offscreen), wait until the app's
                                           log PATH (below the home) says TEXT, check it still runs a few
                                           seconds later with no traceback; then close it
    <!-- doctest: server ready=TEXT -->    it starts a server: start it, wait for TEXT on its stderr, keep it
                                           running for the blocks after it
    <!-- doctest: skip REASON -->          not run here, for the reason given

The blocks of one document run in one fresh home directory, in order, as one person typing them:
the working directory and exported variables carry from block to block. README.md starts in the
repository (as its first section says); docs/cli.md starts in the home directory with `zongzhi` on
PATH (the README's walk-through shows how). Nothing may be left behind in the checkout.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DOCUMENTS = ["README.md", "docs/cli.md"]
BLOCK = re.compile(r"<!--\s*doctest:\s*(?P<kind>\w+)(?P<opts>[^>]*?)\s*-->\s*\n```(?P<lang>\w*)\n(?P<body>.*?)\n```", re.S)
SH_BLOCK = re.compile(r"^```(?:sh|bash|shell)\s*$", re.M)


@dataclass
class Block:
    document: str
    line: int
    kind: str
    options: dict[str, str]
    body: str

    def __str__(self) -> str:
        return f"{self.document}:{self.line}"


def blocks(document: str) -> list[Block]:
    """The marked blocks of a document, in order."""
    text = (ROOT / document).read_text(encoding="utf-8")
    out = []
    for m in BLOCK.finditer(text):
        opts = dict(tok.split("=", 1) if "=" in tok else (tok, "") for tok in shlex.split(m.group("opts")))
        out.append(Block(document, text.count("\n", 0, m.start()) + 1, m.group("kind"), opts, m.group("body")))
    return out


@dataclass
class Session:
    """One person at a shell: a home directory, a working directory and exported variables that
    carry from one block to the next, and the servers started along the way."""

    home: Path
    env: dict[str, str]
    servers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def state(self) -> Path:
        return self.home.parent / "doc-state"

    def script(self, body: str, *, keep_state: bool) -> str:
        save = f'\npwd > "{self.state}/cwd"\nexport -p > "{self.state}/env"\n' if keep_state else ""
        return (f'set -euo pipefail\nsource "{self.state}/env"\ncd "$(cat "{self.state}/cwd")"\n'
                f"{body}\n{save}")

    def start(self, cwd: Path) -> None:
        self.state.mkdir()
        (self.state / "cwd").write_text(str(cwd))
        subprocess.run(["bash", "-c", f'export -p > "{self.state}/env"'], env=self.env, check=True)

    def run(self, block: Block) -> None:
        expected = int(block.options.get("exit", "0"))
        r = subprocess.run(["bash", "-c", self.script(block.body, keep_state=expected == 0)], env=self.env,
                           capture_output=True, timeout=600)
        out, err = r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
        assert r.returncode == expected, f"{block}: exit {r.returncode}, expected {expected}\n{out}\n{err}"
        assert "Traceback" not in err, f"{block}: a traceback reached the user\n{err}"

    def window(self, block: Block) -> None:
        """Start the block, wait until the app's log (`log=` below the home) says `ready=`, then check
        it is still running a few seconds later with no traceback, and close it."""
        log = self.home / block.options["log"]
        ready = block.options["ready"]
        proc = subprocess.Popen(["bash", "-c", self.script(block.body, keep_state=False)], env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            deadline = time.monotonic() + float(block.options.get("seconds", "120"))
            while not (log.exists() and ready in log.read_text(encoding="utf-8", errors="replace")):
                if proc.poll() is not None or time.monotonic() > deadline:
                    os.killpg(proc.pid, signal.SIGKILL)
                    out, err = proc.communicate()
                    pytest.fail(f"{block}: no “{ready}” in {log} (exit {proc.returncode})\n{out.decode()}\n{err.decode()}")
                time.sleep(0.2)
            time.sleep(3)
            assert proc.poll() is None, f"{block}: the window closed by itself (exit {proc.returncode})"
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                _, err = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                _, err = proc.communicate()
        assert "Traceback" not in err.decode(errors="replace"), f"{block}\n{err.decode(errors='replace')}"

    def server(self, block: Block) -> None:
        ready = block.options["ready"]
        proc = subprocess.Popen(["bash", "-c", self.script(block.body, keep_state=False)], env=self.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        self.servers.append(proc)
        seen = threading.Event()
        lines: list[str] = []

        def watch() -> None:
            assert proc.stderr is not None
            for raw in proc.stderr:
                lines.append(raw.decode(errors="replace"))
                if ready in lines[-1]:
                    seen.set()

        threading.Thread(target=watch, daemon=True).start()
        deadline = time.monotonic() + 60
        while not seen.is_set() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert seen.is_set(), f"{block}: the server did not say “{ready}”\n{''.join(lines)}"

    def stop(self) -> None:
        for proc in self.servers:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


def fresh_env(home: Path, *, on_path: bool) -> dict[str, str]:
    """The environment of a new user: no zongzhi variables, no XDG overrides, a UTF-8 locale."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ZONGZHI_", "XDG_", "PYTEST_", "VIRTUAL_ENV")) and k != "PYTHONPATH"}
    env.update(HOME=str(home), LANG="C.UTF-8", LC_ALL="C.UTF-8", QT_QPA_PLATFORM="offscreen")
    path = [p for p in env.get("PATH", "").split(os.pathsep) if Path(p) != VENV_BIN]
    env["PATH"] = os.pathsep.join(([str(VENV_BIN)] if on_path else []) + path)
    return env


def untracked() -> set[str]:
    out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT, capture_output=True,
                         text=True, check=False).stdout
    return set(out.splitlines())


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_shell_block_is_marked(document: str) -> None:
    """A new ```sh block must say whether and how it runs (or why not)."""
    text = (ROOT / document).read_text(encoding="utf-8")
    marked = {m.start("lang") - 3 for m in BLOCK.finditer(text)}
    unmarked = [text.count("\n", 0, m.start()) + 1 for m in SH_BLOCK.finditer(text)
                if m.start() not in marked and not _closing_fence(text, m.start())]
    assert unmarked == [], f"{document}: ```sh blocks without a doctest marker at lines {unmarked}"
    for b in blocks(document):
        assert b.kind in {"run", "window", "server", "skip"}, b
        if b.kind == "skip":
            assert b.options, f"{b}: say why the block is skipped"


def _closing_fence(text: str, pos: int) -> bool:
    """Whether the fence at pos closes a block (an odd number of fences stand before it)."""
    return len(re.findall(r"^```", text[:pos], re.M)) % 2 == 1


@pytest.mark.slow
@pytest.mark.parametrize("document", DOCUMENTS)
def test_documented_commands_run_in_order(document: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    readme = document == "README.md"
    session = Session(home, fresh_env(home, on_path=not readme))
    session.start(ROOT if readme else home)
    before = untracked()
    runnable = [b for b in blocks(document) if b.kind != "skip"]
    assert runnable, f"{document} has no runnable block"
    try:
        for block in runnable:
            getattr(session, block.kind)(block)
    finally:
        session.stop()
    assert untracked() == before, "the documented commands left files in the checkout"
