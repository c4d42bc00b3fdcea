"""重点人员 in the window: its navigation entry and icon (data only; the pages are the generic ones)."""

from __future__ import annotations

from typing import Any

from . import domain as d


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name pyside6-lupdate looks for
    """Marks a label for the translation catalog (translated at run time in context MainWindow)."""
    return text


NAME = d.NAME
NAV_LABEL = QT_TRANSLATE_NOOP("MainWindow", "重点人员")
ICON = "fa5s.user-shield"  # qtawesome glyph of the navigation entry and the list's tab
# The detail line services.py adds (context "forms", as the detail translates its labels).
SUGGESTED = QT_TRANSLATE_NOOP("forms", "建议关联（同一身份证号）")


def settings_box(tab: Any) -> Any:
    """设置 → 规则: the visit cadence of every category (settings cadence.<code>), saved off the GUI
    thread through the rules tab (open people's next visits are recomputed)."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QPushButton

    def tr(text: str) -> str:
        return QCoreApplication.translate("RulesTab", text)

    services = tab.services
    box = QGroupBox(tr("重点人员走访周期"))
    box.setObjectName("rules_keyperson_cadence")
    form = QFormLayout(box)
    edits: dict[str, QLineEdit] = {}
    for code, label in services.codes[d.CODE_TABLE].items.items():
        first, later = d.cadence_of(code, services.policy)
        edit = QLineEdit(str(first) if first == later else f"{first}/{later}")
        edit.setObjectName(f"cadence_{code}")
        edit.setMaximumWidth(120)
        form.addRow(label, edit)
        edits[code] = edit
    note = QLabel(tr("天数，或“列管第一年内天数/以后天数”（如 90/180）。修改后，在管人员的下次走访期限重新计算。"))
    note.setWordWrap(True)
    note.setStyleSheet("color: #5a6270;")
    form.addRow(note)
    save = QPushButton(tr("保存"))
    save.setObjectName("rules_save_cadence")

    def save_all() -> None:
        title = tr("重点人员走访周期")
        now = {code: d.cadence_of(code, services.policy) for code in edits}
        changes = {}
        for code, edit in edits.items():
            text = edit.text().strip()
            try:
                if d.parse_cadence(text) == now[code]:
                    continue
            except ValueError:
                pass  # set_setting refuses it with the field's message
            changes[code] = text

        def work() -> None:
            for code, text in changes.items():
                services.set_setting(f"cadence.{code}", text)

        tab._in_background(title, work, tab.changed.emit)

    save.clicked.connect(lambda: save_all())
    form.addRow("", save)
    return box
