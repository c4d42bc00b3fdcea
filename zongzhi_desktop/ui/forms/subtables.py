"""Sub-table editors: child rows entered with their parent (parties, linked cases, participants…).

`table` rows are typed inline (one real editor per cell); `picker` rows are chosen in a search
dialog and may carry extra editable columns (a participant's hours). Rows already stored (when
editing a record) are listed read-only: corrections to them go through the record detail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import ValidationError
from ...forms_loader import SubTable
from ...services import Services
from ...services.kinds import KINDS
from . import lookup
from .display import t
from .renderer import ERROR_STYLE, INVALID_QSS
from .widgets import BoolEditor, LongTextEditor, TextEditor, focus_target, make_editor

PickerFactory = Callable[..., Any]


class SubTableEditor(QGroupBox):
    """One child table of a form."""

    changed = Signal()

    def __init__(self, services: Services, table: SubTable, parent: QWidget | None = None) -> None:
        super().__init__(t(table.label), parent)
        self.setObjectName(f"subtable_{table.key}")
        self.services = services
        self.spec = table
        self.setStyleSheet(INVALID_QSS)
        self._rows: list[dict[str, Any]] = []  # per new row: {"editors": {...}, "picked": RefOption|None}
        self._stored = 0  # read-only rows at the top (already saved)
        headers: list[str] = []
        if table.editor == "picker":
            if len(table.pick) > 1:
                headers.append(self.tr("类型"))
            headers.append(" / ".join(t(KINDS[k].label) for k in table.pick))
        headers += [t(c.label) for c in table.columns]
        self.table = QTableWidget(0, len(headers), self)
        self.table.setObjectName(f"subtable_{table.key}_rows")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(30)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(110)
        self.table.setMaximumHeight(200)
        self.add_button = QPushButton(self.tr("选择…") if table.editor == "picker" else self.tr("添加一行"), self)
        self.add_button.setObjectName(f"subtable_{table.key}_add")
        self.remove_button = QPushButton(self.tr("删除所选行"), self)
        self.remove_button.setObjectName(f"subtable_{table.key}_remove")
        for b in (self.add_button, self.remove_button):
            b.setAutoDefault(False)
        self.add_button.clicked.connect(self._add_clicked)
        self.remove_button.clicked.connect(self.remove_selected)
        self.error = QLabel(self)
        self.error.setObjectName(f"error_{table.key}")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        buttons = QHBoxLayout()
        if table.help:
            hint = QLabel(t(table.help), self)
            hint.setStyleSheet("color: #707070;")
            buttons.addWidget(hint, 1)
        else:
            buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addWidget(self.error)
        lay.addLayout(buttons)

    # -- rows ---------------------------------------------------------------------------------
    def _add_clicked(self) -> None:
        if self.spec.editor == "picker":
            self.pick()
        else:
            self.add_row()

    def pick(self) -> None:
        """Open the search dialog and add a row per chosen record."""
        from .pickers import RecordPickerDialog

        taken = {r["picked"].id for r in self._rows if r["picked"] is not None}
        dlg = RecordPickerDialog(self.services, self.spec.pick, self.tr("选择{what}").format(
            what=t(self.spec.label)), exclude=taken, parent=self)
        if dlg.exec():
            for opt in dlg.selected():
                self.add_row(picked=opt)

    def add_row(self, values: dict[str, Any] | None = None, picked: lookup.RefOption | None = None) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        col = 0
        if self.spec.editor == "picker":
            if len(self.spec.pick) > 1:
                self.table.setItem(r, col, QTableWidgetItem(t(KINDS[picked.kind].label) if picked else ""))
                col += 1
            self.table.setItem(r, col, QTableWidgetItem(picked.label if picked else ""))
            col += 1
        editors: dict[str, QWidget] = {}
        for c in self.spec.columns:
            editor = make_editor(self.services, c, self.table)
            if isinstance(editor, LongTextEditor):  # a row is one line high: long text becomes a line
                editor = TextEditor(self.table)
                editor.setObjectName(f"field_{c.name}")
            if isinstance(editor, BoolEditor):
                editor.setText("")
            editor.changed.connect(self.changed)  # type: ignore[attr-defined]
            self.table.setCellWidget(r, col, editor)
            editors[c.name] = editor
            col += 1
        child_model = self.spec.child.model
        for name, editor in editors.items():
            if values and name in values:
                editor.set_value(values[name])  # type: ignore[attr-defined]
            elif values is None:
                default = getattr(child_model.model_fields.get(name), "default", None)
                c = next(c for c in self.spec.columns if c.name == name)
                if c.spec.type == "date" and c.spec.required:
                    editor.set_value(self.services.today())  # type: ignore[attr-defined]
                elif default is not None and type(default).__name__ != "PydanticUndefinedType" and c.spec.type == "code":
                    editor.set_value(default)  # type: ignore[attr-defined]
        self._rows.append({"editors": editors, "picked": picked})
        if editors:
            focus_target(next(iter(editors.values()))).setFocus()
        self.changed.emit()

    def add_stored(self, cells: list[str]) -> None:
        """A saved row, shown read-only (edit mode)."""
        r = self._stored
        self.table.insertRow(r)
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setForeground(Qt.GlobalColor.darkGray)
            item.setToolTip(self.tr("已保存；更正请在记录详情中作废此行后重新登记"))
            self.table.setItem(r, col, item)
        self._stored += 1

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for r in rows:
            if r < self._stored:
                continue
            self.table.removeRow(r)
            del self._rows[r - self._stored]
        self.clear_errors()
        self.changed.emit()

    def clear(self) -> None:
        self.table.setRowCount(0)
        self._rows.clear()
        self._stored = 0
        self.clear_errors()

    def row_count(self) -> int:
        return len(self._rows)

    def editor(self, row: int, name: str) -> QWidget:
        return self._rows[row]["editors"][name]

    # -- values -------------------------------------------------------------------------------
    def _raw_row(self, row: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {n: e.value() for n, e in row["editors"].items()}
        picked = row["picked"]
        if picked is not None:
            assert self.spec.id_field
            out[self.spec.id_field] = picked.id
            if self.spec.kind_field:
                out[self.spec.kind_field] = picked.kind
        return out

    def rows(self) -> list[dict[str, Any]]:
        """New rows as raw values; rows left completely empty are ignored."""
        out = []
        for row in self._rows:
            raw = self._raw_row(row)
            if any(v not in (None, "", False) for v in raw.values()):
                out.append(raw)
        return out

    def state(self) -> list[dict[str, Any]]:
        """Rows for a draft (picked records keep their label so a restore needs no lookup)."""
        out = []
        for row in self._rows:
            entry: dict[str, Any] = {"values": {n: e.value() for n, e in row["editors"].items()}}
            if row["picked"] is not None:
                p = row["picked"]
                entry["picked"] = {"kind": p.kind, "id": p.id, "label": p.label, "detail": p.detail}
            out.append(entry)
        return out

    def restore(self, entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            p = entry.get("picked")
            picked = lookup.RefOption(p["kind"], p["id"], p["label"], p.get("detail", "")) if p else None
            self.add_row(entry.get("values", {}), picked)

    # -- errors -------------------------------------------------------------------------------
    def clear_errors(self) -> None:
        self.error.setVisible(False)
        self.error.setText("")
        for row in self._rows:
            for e in row["editors"].values():
                e.setProperty("invalid", False)
                e.style().unpolish(e)
                e.style().polish(e)

    def show_row_errors(self, errors: dict[int, list[ValidationError]]) -> None:
        """Errors by row index among `rows()` (the non-empty new rows)."""
        non_empty = [row for row in self._rows if row in self._non_empty_rows()]
        lines = []
        for i, errs in sorted(errors.items()):
            row = non_empty[i]
            table_row = self._stored + self._rows.index(row) + 1
            for e in errs:
                lines.append(self.tr("第{n}行 {label}：{msg}").format(n=table_row, label=t(e.label), msg=e.detail))
                editor = row["editors"].get(e.field)
                if editor is not None:
                    editor.setProperty("invalid", True)
                    editor.style().unpolish(editor)
                    editor.style().polish(editor)
        self.error.setText("\n".join(lines))
        self.error.setVisible(bool(lines))

    def _non_empty_rows(self) -> list[dict[str, Any]]:
        return [row for row in self._rows if any(v not in (None, "", False) for v in self._raw_row(row).values())]

    def focus_chain(self) -> list[QWidget]:
        return [self.add_button]
