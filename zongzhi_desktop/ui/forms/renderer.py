"""The generic form renderer: groups of labelled editors built from a form definition.

Each field sits in a cell with its label, help line and a red error line that shows the domain's
message for that field. Short fields flow two to a row; long ones take the full width.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import ValidationError
from ...forms_loader import FormField, FormGroup, default_field
from ...reports.fonts import undrawable
from ...services import Services
from .display import t
from .widgets import BoolEditor, DateEditor, LongTextEditor, TextEditor, focus_target, make_editor

ERROR_STYLE = "color: #c62828;"
HELP_STYLE = "color: #707070;"
GLYPH_STYLE = "color: #b26a00;"
INVALID_QSS = '*[invalid="true"] { border: 1px solid #c62828; }'


def field_label(ff: FormField) -> str:
    """Rich-text label with a red star on required fields."""
    text = t(ff.label)
    return f'<span style="color:#c62828">*</span>{text}' if ff.required else text


class FieldCell(QWidget):
    """Editor + help line + error line for one field."""

    def __init__(self, editor: QWidget, help_text: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        lay.addWidget(editor)
        self.help = QLabel(t(help_text), self)
        self.help.setStyleSheet(HELP_STYLE)
        self.help.setWordWrap(True)
        font = self.help.font()
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        self.help.setFont(font)
        self.help.setVisible(bool(help_text))
        lay.addWidget(self.help)
        self.error = QLabel(self)
        self.error.setObjectName(f"error_{name}")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        lay.addWidget(self.error)
        # A character no font can draw (a typo, or a name beyond every installed font) is
        # flagged while typing, before the record is saved and printed with a blank in it.
        self.glyphs = QLabel(self)
        self.glyphs.setObjectName(f"glyphs_{name}")
        self.glyphs.setStyleSheet(GLYPH_STYLE)
        self.glyphs.setWordWrap(True)
        self.glyphs.setVisible(False)
        lay.addWidget(self.glyphs)
        if isinstance(editor, (TextEditor, LongTextEditor)):
            editor.changed.connect(self.check_glyphs)
        lay.addStretch(1)  # extra row height goes below the field, not between it and its notes

    def check_glyphs(self) -> list[str]:
        """Show which typed characters no available font can draw; returns them."""
        missing = undrawable(self.editor.value() or "")  # type: ignore[attr-defined]
        if missing:
            chars = "、".join(f"“{ch}”（U+{ord(ch):04X}）" for ch in missing)
            self.glyphs.setText(QCoreApplication.translate(
                "FormView", "字符{chars}在本机所有字体中都没有，显示和打印时会成为空框；请核对输入").format(chars=chars))
        self.glyphs.setVisible(bool(missing))
        return missing

    def set_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        target = focus_target(self.editor)
        for w in {self.editor, target}:
            w.setProperty("invalid", bool(message))
            w.style().unpolish(w)
            w.style().polish(w)


class FormView(QWidget):
    """Editors for a list of field groups; reads and writes raw values, shows domain errors."""

    changed = Signal()

    def __init__(self, services: Services, groups: Sequence[FormGroup], parent: QWidget | None = None,
                 *, group_boxes: bool = True, columns: int = 2) -> None:
        super().__init__(parent)
        self.services = services
        self.columns = columns
        self.fields: dict[str, FormField] = {}
        self.editors: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.cells: dict[str, FieldCell] = {}
        self.setStyleSheet(INVALID_QSS)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(8)
        grids: list[QGridLayout] = []
        for group in groups:
            container: QWidget = QGroupBox(t(group.title), self) \
                if group_boxes and group.title else QWidget(self)
            grid = QGridLayout(container)
            grid.setHorizontalSpacing(10)
            grid.setVerticalSpacing(4)
            grid.setColumnStretch(1, 1)
            grid.setColumnStretch(3, 1)
            if not group_boxes:
                grid.setContentsMargins(0, 0, 0, 0)
            self._place(group.fields, grid)
            grids.append(grid)
            outer.addWidget(container)
        # one label width for every group, so the fields line up down the whole form
        width = max((lbl.sizeHint().width() for lbl in self.labels.values()), default=0)
        for grid in grids:
            grid.setColumnMinimumWidth(0, width)
            if columns == 2:
                grid.setColumnMinimumWidth(2, width)

    def _place(self, fields: Iterable[FormField], grid: QGridLayout) -> None:
        row, col = 0, 0
        for ff in fields:
            editor = make_editor(self.services, ff, self)
            cell = FieldCell(editor, ff.help, ff.name, self)
            label = QLabel(field_label(ff) if not isinstance(editor, BoolEditor) else "", self)
            label.setObjectName(f"label_{ff.name}")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setBuddy(focus_target(editor))
            top = isinstance(editor, LongTextEditor)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | (Qt.AlignmentFlag.AlignTop if top else Qt.AlignmentFlag.AlignVCenter))
            if ff.span == 2 or isinstance(editor, LongTextEditor) or self.columns == 1:
                if col:
                    row, col = row + 1, 0
                grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
                grid.addWidget(cell, row, 1, 1, 3)
                row += 1
            else:
                grid.addWidget(label, row, col * 2, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
                grid.addWidget(cell, row, col * 2 + 1)
                col += 1
                if col == 2:
                    row, col = row + 1, 0
            if ff.help:
                label.setToolTip(ff.help)
            self.fields[ff.name] = ff
            self.editors[ff.name] = editor
            self.labels[ff.name] = label
            self.cells[ff.name] = cell
            editor.changed.connect(self.changed)  # type: ignore[attr-defined]
        # label rows align with the editor line, not with the help/error lines under it
        for name, label in self.labels.items():
            label.setMinimumHeight(focus_target(self.editors[name]).sizeHint().height())

    # -- values -------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """Raw values by field name (None when empty) — what the domain validates."""
        return {name: ed.value() for name, ed in self.editors.items()}  # type: ignore[attr-defined]

    def set_values(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            if name in self.editors:
                self.editors[name].set_value(value)  # type: ignore[attr-defined]

    def set_defaults(self, model: Any = None) -> None:
        """A new record's starting values: the model's column defaults, today for required dates."""
        today = self.services.today()
        model_fields = getattr(model, "model_fields", {}) if model is not None else {}
        for name, ff in self.fields.items():
            editor = self.editors[name]
            info = model_fields.get(name)
            default = getattr(info, "default", None)
            if isinstance(editor, DateEditor):
                if ff.required and not ff.spec.allow_future:
                    editor.set_value(today)
                continue
            if default is not None and type(default).__name__ != "PydanticUndefinedType":
                editor.set_value(default)  # type: ignore[attr-defined]

    # -- errors -------------------------------------------------------------------------------
    def clear_errors(self) -> None:
        for cell in self.cells.values():
            cell.set_error(None)

    def show_errors(self, errors: Iterable[ValidationError]) -> list[ValidationError]:
        """Put each error under its field; returns those naming no field of this form."""
        rest: list[ValidationError] = []
        first: str | None = None
        for e in errors:
            cell = self.cells.get(e.field)
            if cell is None:
                rest.append(e)
                continue
            cell.set_error(e.detail)
            first = first or e.field
        if first:
            self.focus_field(first)
        return rest

    def error_of(self, name: str) -> str | None:
        cell = self.cells[name]
        return cell.error.text() if not cell.error.isHidden() else None

    # -- focus --------------------------------------------------------------------------------
    def focus_chain(self) -> list[QWidget]:
        """Focusable widgets in form order (the tab order)."""
        return [focus_target(ed) for ed in self.editors.values()]

    def focus_field(self, name: str) -> None:
        focus_target(self.editors[name]).setFocus(Qt.FocusReason.OtherFocusReason)


def action_groups(specs: Sequence[Any]) -> list[FormGroup]:
    """One untitled group from plain FieldSpecs (workflow steps, child rows, void reason)."""
    return [FormGroup("", tuple(default_field(s) for s in specs))]
