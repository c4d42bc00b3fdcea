"""Operation runner (off the GUI thread, progress, cancel, errors), exception hook and the scrubbed log."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from zongzhi_desktop.domain.errors import DomainError
from zongzhi_desktop.ui.errors import ExceptionHook
from zongzhi_desktop.ui.logs import ScrubFilter, scrub, setup_logging
from zongzhi_desktop.ui.runner import OperationRunner, Progress

ID = "330825198001010077"
PHONE = "13812345678"


def test_runs_off_the_gui_thread_and_reports_progress(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = OperationRunner()
    seen: list[tuple[int, int, str]] = []

    def work(p: Progress) -> int:
        assert threading.current_thread() is not threading.main_thread()
        for i in range(1, 4):
            p.report(i, 3, f"第{i}步")
        return 42

    op = runner.run("测试", work, show_progress=False)
    op._progressed.connect(lambda d, t, s: seen.append((d, t, s)))
    with qtbot.waitSignal(op.finished, timeout=10_000) as blocker:
        pass
    assert blocker.args == [42] and op.result == 42
    assert not runner.busy


def test_cancel_and_domain_error(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = OperationRunner()
    started = threading.Event()

    def slow(p: Progress) -> None:
        started.set()
        while True:
            p.check()
            time.sleep(0.01)

    op = runner.run("导出", slow, cancellable=True)
    assert started.wait(10)
    with qtbot.waitSignal(op.cancelled, timeout=10_000):
        op.progress.cancel()
    errors: list[BaseException] = []

    def refuse(_p: Progress) -> None:
        raise DomainError("导出失败：磁盘已满")

    op = runner.run("导出", refuse, on_error=errors.append, show_progress=False)
    with qtbot.waitSignal(op.failed, timeout=10_000):
        pass
    assert [e.message for e in errors] == ["导出失败：磁盘已满"]  # type: ignore[attr-defined]
    # Without on_error the runner opens a (non-blocking) dialog with the Chinese message.
    op = runner.run("导出", refuse, show_progress=False)
    with qtbot.waitSignal(op.failed, timeout=10_000):
        pass
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert any(b.text() == "导出失败：磁盘已满" for b in boxes)
    for b in boxes:
        b.close()


def test_progress_dialog_appears_for_slow_work(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QProgressDialog

    runner = OperationRunner()
    release = threading.Event()
    op = runner.run("生成演示数据", lambda p: release.wait(10), cancellable=False)
    qtbot.waitUntil(lambda: any(isinstance(w, QProgressDialog) and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=5_000)
    release.set()
    with qtbot.waitSignal(op.done, timeout=10_000):
        pass
    qtbot.waitUntil(lambda: not any(isinstance(w, QProgressDialog) and w.isVisible()
                                    for w in QApplication.topLevelWidgets()), timeout=5_000)


def test_scrub_removes_ids_and_phones() -> None:
    text = f"身份证{ID}，电话{PHONE}，座机0570-7012345，编号XF-2026-000123，金额12000元，15位123456789012345"
    out = scrub(text)
    for secret in (ID, PHONE, "7012345", "123456789012345"):
        assert secret not in out
    assert "XF-2026-000123" in out and "12000" in out
    assert scrub("11010519491231002x") == "[身份证号]"


def test_exception_hook_logs_scrubbed_and_shows_dialog(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    log_path = setup_logging(tmp_path)
    hook = ExceptionHook(log_path)
    try:
        raise ValueError(f"无法处理 {ID} 和 {PHONE}")
    except ValueError as e:
        with qtbot.waitSignal(hook.shown, timeout=5_000):
            hook.handle(type(e), e, e.__traceback__)
    box = hook.last_dialog
    assert box is not None and box.isVisible()
    assert str(log_path) in box.text()
    assert ID not in box.detailedText() and PHONE not in box.detailedText()
    box.close()
    # From a worker thread: the dialog still opens on the GUI thread.
    def worker() -> None:
        try:
            raise RuntimeError(f"线程错误 {PHONE}")
        except RuntimeError as e:
            hook.handle(type(e), e, e.__traceback__)

    with qtbot.waitSignal(hook.shown, timeout=5_000) as blocker:
        t = threading.Thread(target=worker)
        t.start()
        t.join()
    assert "线程错误 [电话]" in blocker.args[0]
    hook.last_dialog.close()  # type: ignore[union-attr]
    for h in logging.getLogger().handlers:
        h.flush()
    text = log_path.read_text(encoding="utf-8")
    assert "未处理的异常" in text and "ValueError" in text and "RuntimeError" in text
    assert ID not in text and PHONE not in text and "[身份证号]" in text and "[电话]" in text


def test_scrub_filter_handles_args_and_exceptions(tmp_path: Path) -> None:
    logger = logging.getLogger("zongzhi_desktop.test_scrub")
    path = tmp_path / "x.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.addFilter(ScrubFilter())
    logger.addHandler(handler)
    try:
        logger.warning("查询 %s 失败", ID)
        try:
            raise KeyError(PHONE)
        except KeyError:
            logger.exception("电话 %s", PHONE)
    finally:
        logger.removeHandler(handler)
        handler.close()
    text = path.read_text(encoding="utf-8")
    assert ID not in text and PHONE not in text and "KeyError" in text


@pytest.mark.parametrize("name", ["zongzhi.log"])
def test_log_rotates(tmp_path: Path, name: str) -> None:
    from logging.handlers import RotatingFileHandler

    path = setup_logging(tmp_path / "data")
    handler = next(h for h in logging.getLogger().handlers
                   if isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == path)
    assert path.name == name and handler.maxBytes == 1_000_000 and handler.backupCount == 5
    handler.maxBytes = 2_000
    try:
        for i in range(100):
            logging.getLogger("zongzhi_desktop.rot").warning("第%d条 %s", i, "x" * 60)
    finally:
        handler.maxBytes = 1_000_000
    assert (path.parent / f"{name}.1").exists()
    logging.getLogger().removeHandler(handler)
    handler.close()
