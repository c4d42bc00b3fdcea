"""Chinese details right (issue 16 item 7): Qt's own dialogs in Chinese, people's names instead of
login names, "—" for empty denominators, China time, pinyin search and collation."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QPushButton

from zongzhi_desktop.services import Services

ROOT = Path(__file__).resolve().parents[2]


def test_qt_dialogs_are_chinese_after_start_up(qtbot, admin: Services, store_path: Path) -> None:  # type: ignore[no-untyped-def]
    from zongzhi_desktop.ui.app import AppController
    from zongzhi_desktop.ui.i18n import QT_CATALOG, qt_translations_dir

    assert (Path(qt_translations_dir()) / f"{QT_CATALOG}.qm").is_file()  # shipped in the PySide6 wheel
    admin.store.close()
    ctl = AppController(store_path.parent, install_hook=False)
    try:
        box = QMessageBox(QMessageBox.Icon.Question, "标题", "内容",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                          | QMessageBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        assert {b.text() for b in box.buttons()} == {"是(&Y)", "否(&N)", "取消"}
        dialog = QFileDialog(None, "导出")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's own dialog (Linux, offscreen)
        qtbot.addWidget(dialog)
        assert "打开(&O)" in [b.text() for b in dialog.findChildren(QPushButton)]
        assert "查找范围：" in [label.text() for label in dialog.findChildren(QLabel)]
    finally:
        ctl.shutdown()


def test_frozen_build_keeps_the_qt_catalog() -> None:
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    pattern = re.search(r'r"(PySide6/\(Qt/\)\?translations/[^"]*)"', spec)
    assert pattern is not None, "build.spec should drop Qt's other catalogs by one pattern"
    drop = re.compile(pattern.group(1))
    assert not drop.match("PySide6/Qt/translations/qtbase_zh_CN.qm")  # kept in the one-folder build
    assert drop.match("PySide6/Qt/translations/qtbase_de.qm")
