"""Sub-table editors: child rows entered with their parent (parties, linked cases, participants…).

`table` rows are typed inline (one real editor per cell); `picker` rows are chosen in a search
dialog and may carry extra editable columns (a participant's hours). Rows already stored (when
editing a record) are listed read-only: corrections to them go through the record detail, or
Ctrl+Delete voids one (with a reason, through the service; never deleted).

The keyboard works like a spreadsheet: Enter moves to the next cell and, on the last cell of the
last row, adds a row and moves to its first cell; Tab leaves the table forward (to its 添加 button),
Shift+Tab backward (to the widget before the table); Ctrl+Delete removes an unsaved row; pasting
several cells copied from Excel (tab-separated lines) fills rows from the current cell on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
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
    stored_voided = Signal(str)  # a saved row was voided (Ctrl+Delete); the table's label

    def __init__(self, services: Services, table: SubTable, parent: QWidget | None = None) -> None:
        super().__init__(t(table.label), parent)
        self.setObjectName(f"subtable_{table.key}")
        self.services = services
        self.spec = table
        self.setStyleSheet(INVALID_QSS)
        self._rows: list[dict[str, Any]] = []  # per new row: {"editors": {...}, "picked": RefOption|None}
        self._stored = 0  # read-only rows at the top (already saved)
        self._stored_ids: list[str | None] = []  # child id of each saved row (for voiding)
        self._cells: dict[QWidget, tuple[int, int]] = {}  # focus widget -> (new-row index, editor index)
        self.owner_kind: str | None = None  # the parent record (edit mode), for voiding saved rows
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
        self.table.setTabKeyNavigation(False)
        self.table.installEventFilter(self)
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
        self.add_button.clicked.connect(lambda _=False: self._add_clicked())
        self.remove_button.clicked.connect(lambda _=False: self.remove_selected())
        self.remove_button.setToolTip(self.tr("删除未保存的行 (Ctrl+Delete)；已保存的行在表格中按 Ctrl+Delete 作废"))
        self.add_button.setToolTip(self.tr("也可在最后一格按回车添加一行"))
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
        # what the row holds before anyone types (a default role…): such a row still counts as empty
        blank = {n: e.value() for n, e in editors.items()} if values is None else {}  # type: ignore[attr-defined]
        self._rows.append({"editors": editors, "picked": picked, "blank": blank})
        self._reindex()
        if editors:
            self.focus_cell(len(self._rows) - 1, 0)
        self.changed.emit()

    def add_stored(self, cells: list[str], child_id: str | None = None) -> None:
        """A saved row, shown read-only (edit mode); `child_id` lets Ctrl+Delete void it."""
        r = self._stored
        self._stored_ids.append(child_id)
        self.table.insertRow(r)
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setForeground(Qt.GlobalColor.darkGray)
            item.setToolTip(self.tr("已保存；更正请在记录详情中作废此行后重新登记"))
            self.table.setItem(r, col, item)
        self._stored += 1

    def remove_selected(self, void_stored: bool = False) -> None:
        """Remove the selected unsaved rows; with `void_stored` (Ctrl+Delete) a selected saved row is
        voided instead (asks for a reason). Saved rows are never deleted."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        stored = [r for r in rows if r < self._stored]
        for r in rows:
            if r < self._stored:
                continue
            self.table.removeRow(r)
            del self._rows[r - self._stored]
        self._reindex()
        self.clear_errors()
        if stored and len(stored) == len(rows):
            if void_stored:
                self.void_stored(stored[0])
            return
        if self._rows:
            self.focus_cell(min(rows[-1] - self._stored, len(self._rows) - 1) if rows else 0, 0)
        else:
            self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.changed.emit()

    def void_stored(self, row: int) -> bool:
        """Void saved row `row` through the service, with a reason; True when it was voided."""
        from ..detail import VOID_REASON, StepDialog

        child_id = self._stored_ids[row] if row < len(self._stored_ids) else None
        if child_id is None or self.owner_kind is None:
            self.error.setText(self.tr("已保存的行请在记录详情中作废"))
            self.error.setVisible(True)
            return False
        kind, key = self.owner_kind, self.spec.key
        dlg = StepDialog(self.services, self.tr("作废{label}").format(label=t(self.spec.label)), [VOID_REASON],
                         lambda v: self.services.void_child(kind, key, child_id, v["void_reason"] or ""), self,
                         intro=self.tr("作废后此行不再计入统计，但保留在修改历史中。"), name=f"void_child_{key}")
        self.void_dialog = dlg
        if not dlg.exec():
            return False
        self.table.removeRow(row)
        del self._stored_ids[row]
        self._stored -= 1
        self._reindex()
        self.stored_voided.emit(t(self.spec.label))
        return True

    def clear(self) -> None:
        self.table.setRowCount(0)
        self._rows.clear()
        self._stored = 0
        self._stored_ids.clear()
        self._cells.clear()
        self.clear_errors()

    # -- keyboard -----------------------------------------------------------------------------
    def _reindex(self) -> None:
        """Map every cell's focus widget to its (row, column) and watch its keys."""
        self._cells.clear()
        for ri, row in enumerate(self._rows):
            for ci, editor in enumerate(row["editors"].values()):
                w = focus_target(editor)
                self._cells[w] = (ri, ci)
                w.removeEventFilter(self)
                w.installEventFilter(self)

    def cell_widget(self, row: int, col: int) -> QWidget:
        """The focus widget of new row `row`, editor column `col`."""
        return focus_target(list(self._rows[row]["editors"].values())[col])

    def focus_cell(self, row: int, col: int) -> None:
        """Focus a cell and scroll it into view (the table and the form around it)."""
        editors = list(self._rows[row]["editors"].values())
        if not editors:
            return
        editor = editors[col]
        table_row = self._stored + row
        table_col = col + self._picked_columns()
        self.table.setCurrentCell(table_row, table_col)
        self.table.scrollTo(self.table.model().index(table_row, table_col))
        focus_target(editor).setFocus(Qt.FocusReason.OtherFocusReason)

    def _picked_columns(self) -> int:
        """Read-only columns before the editors (the picked record, and its kind)."""
        if self.spec.editor != "picker":
            return 0
        return 2 if len(self.spec.pick) > 1 else 1

    def _previous_widget(self) -> QWidget | None:
        """The enabled, visible widget of the dialog's focus chain just before this table."""
        dlg = self.window()
        chain_of = getattr(dlg, "focus_chain", None)
        if chain_of is None:
            return None
        chain = [w for w in chain_of() if w.isEnabled() and w.isVisibleTo(dlg)]
        idx = chain.index(self.add_button) if self.add_button in chain else -1
        return chain[idx - 1] if idx > 0 else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        cell = self._cells.get(watched) if isinstance(watched, QWidget) else None
        if cell is None and watched is not self.table:
            return super().eventFilter(watched, event)
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key == Qt.Key.Key_Delete and mods == Qt.KeyboardModifier.ControlModifier:
            if cell is not None:
                self.table.selectRow(self._stored + cell[0])
            self.remove_selected(void_stored=True)
            return True
        if key == Qt.Key.Key_Tab and mods == Qt.KeyboardModifier.NoModifier:
            self.add_button.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        if key == Qt.Key.Key_Backtab or (key == Qt.Key.Key_Tab and mods == Qt.KeyboardModifier.ShiftModifier):
            prev = self._previous_widget()
            if prev is not None:
                prev.setFocus(Qt.FocusReason.BacktabFocusReason)
            else:
                self.table.focusPreviousChild()
            return True
        if cell is None:
            return super().eventFilter(watched, event)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and mods == Qt.KeyboardModifier.NoModifier:
            row, col = cell
            width = len(self._rows[row]["editors"])
            if col + 1 < width:
                self.focus_cell(row, col + 1)
            elif row + 1 < len(self._rows):
                self.focus_cell(row + 1, 0)
            else:
                self.add_row()
            return True
        if event.matches(QKeySequence.StandardKey.Paste):
            text = QGuiApplication.clipboard().text()
            if "\t" in text or "\n" in text.strip("\r\n"):
                self.paste_rows(text, cell[0], cell[1])
                return True
        return super().eventFilter(watched, event)

    def paste_rows(self, text: str, row: int = 0, col: int = 0) -> int:
        """Fill cells from tab-separated lines (copied from Excel), adding rows as needed.

        Returns the number of rows filled. Cells beyond the table's last column are dropped.
        """
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        while lines and not lines[-1].strip():
            lines.pop()
        for i, line in enumerate(lines):
            r = row + i
            if r >= len(self._rows):
                self.add_row({})
            editors = list(self._rows[r]["editors"].values())
            for j, value in enumerate(line.split("\t")):
                if col + j < len(editors):
                    editors[col + j].set_value(value.strip() or None)  # type: ignore[attr-defined]
        if lines:
            self.focus_cell(row + len(lines) - 1, col)
        self.changed.emit()
        return len(lines)

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
        return [self._raw_row(row) for row in self._non_empty_rows()]

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
        return [row for row in self._rows if self._filled(row)]

    def _filled(self, row: dict[str, Any]) -> bool:
        """Something was typed or picked: not empty, and not just the defaults of a fresh row."""
        blank = row.get("blank", {})
        return any(v not in (None, "", False) and not (k in blank and blank[k] == v)
                   for k, v in self._raw_row(row).items())

    def focus_chain(self) -> list[QWidget]:
        return [self.add_button]
