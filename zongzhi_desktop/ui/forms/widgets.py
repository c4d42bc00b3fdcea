"""Field editors, one per domain field type, all speaking the same small protocol.

Every editor has `changed` (any edit), `value()` (the raw value handed to the domain: str, bool,
ISO date text, code, record id — or None when empty) and `set_value()` (a stored value or a draft's
raw value). Editors never judge a value: the domain does (`domain.fields.coerce_value`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QEvent,
    QObject,
    QRegularExpression,
    QSize,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDateTimeEdit,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QWidget,
)

from ...domain.codes import CodeTable
from ...forms_loader import FormField
from ...services import Services
from . import lookup

EMPTY_DATE = QDate(1900, 1, 1)  # QDateEdit cannot be empty: its minimum stands for "not filled in"


class _NoStrayWheel:
    """Scrolling the form must not change a combo or date the mouse happens to pass over."""

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():  # type: ignore[attr-defined]
            super().wheelEvent(event)  # type: ignore[misc]
        else:
            event.ignore()


class TextEditor(QLineEdit):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.textChanged.connect(self.changed)

    def value(self) -> str | None:
        return self.text() if self.text().strip() else None

    def set_value(self, value: Any) -> None:
        self.setText("" if value is None else str(value))


class LongTextEditor(QPlainTextEdit):
    """Multi-line text: Enter makes a new line, Tab leaves the field."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setMinimumHeight(58)
        self.setMaximumHeight(96)
        self.textChanged.connect(self.changed)

    def sizeHint(self) -> QSize:
        # about four lines; the default hint is so tall that forms get holes under long fields
        return QSize(super().sizeHint().width(), 80)

    def value(self) -> str | None:
        text = self.toPlainText()
        return text if text.strip() else None

    def set_value(self, value: Any) -> None:
        self.setPlainText("" if value is None else str(value))


class DateEditor(_NoStrayWheel, QDateEdit):
    """yyyy-MM-dd with a calendar popup; empty is allowed (shown blank) and Delete clears it.

    Typing the first digit into an empty date starts from today's date, so 20261101 or
    2026-11-01 can be typed straight in.
    """

    changed = Signal()

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = QDate(today.year, today.month, today.day)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setCalendarPopup(True)
        self.setMinimumDate(EMPTY_DATE)
        self.setSpecialValueText(" ")
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setDate(EMPTY_DATE)
        self.dateChanged.connect(self.changed)

    def is_empty(self) -> bool:
        return self.date() == EMPTY_DATE

    def clear_value(self) -> None:
        self.setDate(EMPTY_DATE)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Delete and not self.isReadOnly():
            self.clear_value()
            return
        if self.is_empty() and event.text().isdigit():
            self.setDate(self._today)
            self.setSelectedSection(QDateTimeEdit.Section.YearSection)
        super().keyPressEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        # Tab leaves the field (QDateTimeEdit would step through year/month/day instead;
        # typing 20261101 or 2026-11-01 moves between the parts already)
        return QWidget.focusNextPrevChild(self, next)

    def mousePressEvent(self, event: Any) -> None:
        if self.is_empty() and not self.isReadOnly():
            # the popup opens on the selected date; start it at today, not at 1900
            self.setDate(self._today)
        super().mousePressEvent(event)

    def value(self) -> str | None:
        return None if self.is_empty() else self.date().toString("yyyy-MM-dd")

    def set_value(self, value: Any) -> None:
        if value in (None, ""):
            self.clear_value()
            return
        d = value if isinstance(value, date) else None
        if d is None:
            try:
                d = date.fromisoformat(str(value))
            except ValueError:
                self.clear_value()
                return
        self.setDate(QDate(d.year, d.month, d.day))


class NumberEditor(QLineEdit):
    """Digits only (and one decimal point for decimals); range rules come from the domain."""

    changed = Signal()

    def __init__(self, decimals: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        pattern = r"\d{0,12}(\.\d{0,4})?" if decimals else r"\d{0,9}"
        self.setValidator(QRegularExpressionValidator(QRegularExpression(pattern), self))
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setMaximumWidth(160)
        self.textChanged.connect(self.changed)

    def value(self) -> str | None:
        return self.text().strip() or None

    def set_value(self, value: Any) -> None:
        if value is None or value == "":
            self.setText("")
        elif isinstance(value, float):
            self.setText(f"{value:.4f}".rstrip("0").rstrip("."))
        else:
            self.setText(str(value))


class BoolEditor(QCheckBox):
    changed = Signal()

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.toggled.connect(self.changed)

    def value(self) -> bool:
        return self.isChecked()

    def set_value(self, value: Any) -> None:
        self.setChecked(bool(value) and str(value).lower() not in ("0", "false", "否"))


class CodeEditor(_NoStrayWheel, QComboBox):
    """A code table as a drop-down of labels; stores the code. The first entry is "not filled in"."""

    changed = Signal()

    def __init__(self, table: CodeTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.addItem("", None)
        for code, label in table.active_items():
            self.addItem(label, code)
        self.setMinimumContentsLength(6)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.currentIndexChanged.connect(self.changed)
        from .. import pinyin_search

        pinyin_search.enable(self)  # "ll" or "linli" picks 邻里

    def value(self) -> str | None:
        return self.currentData()

    def set_value(self, value: Any) -> None:
        if value in (None, ""):
            self.setCurrentIndex(0)
            return
        idx = self.findData(value)
        if idx < 0:
            code = self.table.resolve(str(value))
            idx = self.findData(code) if code else -1
        if idx < 0:
            # a retired code on an old record stays visible and selectable for that record
            self.addItem(QCoreApplication.translate("FormWidgets", "{label}（已停用）").format(label=self.table.label_of(str(value))), str(value))
            idx = self.count() - 1
        self.setCurrentIndex(idx)


class RefEditor(QWidget):
    """A searchable reference: type any part of a name, code or serial, pick from the list.

    The list is fetched from the store as the clerk types (LIMIT-ed), so it works the same for 20
    villages and 50,000 petitions. Text that matches no offered record is passed to the domain,
    which resolves names and serials itself or reports "找不到".
    """

    changed = Signal()

    def __init__(self, services: Services, ref_kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.ref_kind = ref_kind
        self._options: dict[str, lookup.RefOption] = {}
        self._chosen: lookup.RefOption | None = None
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(QCoreApplication.translate("FormWidgets", "输入关键字搜索"))
        self.edit.setClearButtonEnabled(True)
        self.button = QToolButton(self)
        self.button.setText("▾")
        self.button.setToolTip(QCoreApplication.translate("FormWidgets", "列出可选项 (Alt+↓)"))
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.button)
        self.setFocusProxy(self.edit)
        self._model = QStringListModel(self)
        self.completer = QCompleter(self._model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(12)
        self.edit.setCompleter(self.completer)
        self.edit.textEdited.connect(self._search)
        self.edit.textChanged.connect(self.changed)
        self.completer.activated[str].connect(self._pick)  # type: ignore[index]
        self.button.clicked.connect(self.show_all)
        self.edit.installEventFilter(self)

    # -- searching ----------------------------------------------------------------------------
    def _search(self, text: str) -> None:
        self._fill(lookup.search(self.services, self.ref_kind, text))

    def _fill(self, options: list[lookup.RefOption]) -> None:
        self._options = {}
        for opt in options:
            label = opt.label
            if label in self._options:  # same name twice: tell them apart by their detail
                label = f"{opt.label}（{opt.detail or opt.id[:8]}）"
            self._options[label] = opt
        self._model.setStringList(list(self._options))

    def show_all(self) -> None:
        self._fill(lookup.search(self.services, self.ref_kind, ""))
        self.edit.setFocus()
        self.completer.setCompletionPrefix("")
        self.completer.complete()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.edit and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Down
                and event.modifiers() & Qt.KeyboardModifier.AltModifier):
            self.show_all()
            return True
        return super().eventFilter(watched, event)

    def _pick(self, label: str) -> None:
        opt = self._options.get(label)
        if opt is not None:
            self._chosen = opt
            self.changed.emit()

    def options(self) -> list[str]:
        """Labels currently offered (what the drop-down shows)."""
        return list(self._options)

    # -- protocol -----------------------------------------------------------------------------
    def value(self) -> str | None:
        text = self.edit.text().strip()
        if not text:
            return None
        if self._chosen is not None and text in (self._chosen.label, self._label_for(self._chosen)):
            return self._chosen.id
        if text in self._options:
            return self._options[text].id
        return text

    def chosen_id(self) -> str | None:
        """The id of an offered record the text stands for, or None for free text."""
        v = self.value()
        if v and ((self._chosen is not None and v == self._chosen.id) or any(o.id == v for o in self._options.values())):
            return v
        return None

    def _label_for(self, opt: lookup.RefOption) -> str:
        for label, o in self._options.items():
            if o.id == opt.id:
                return label
        return opt.label

    def set_value(self, value: Any) -> None:
        self._chosen = None
        if not value:
            self.edit.setText("")
            return
        opt = lookup.option_of(self.services, self.ref_kind, str(value))
        if opt is None:  # a draft holding text that was never resolved
            self.edit.setText(str(value))
            return
        self._chosen = opt
        self.edit.setText(opt.label)

    def set_read_only(self, ro: bool) -> None:
        self.edit.setReadOnly(ro)
        self.button.setEnabled(not ro)


def make_editor(services: Services, ff: FormField, parent: QWidget | None = None) -> QWidget:
    """The editor for one form field, named `field_<name>` so tests and tools can find it."""
    spec = ff.spec
    editor: QWidget
    if ff.widget == "text":
        editor = TextEditor(parent)
        if spec.max_length:
            editor.setMaxLength(spec.max_length)
    elif ff.widget == "longtext":
        editor = LongTextEditor(parent)
    elif ff.widget == "date":
        editor = DateEditor(services.today(), parent)
    elif ff.widget in ("int", "float"):
        editor = NumberEditor(ff.widget == "float", parent)
    elif ff.widget == "bool":
        editor = BoolEditor(QCoreApplication.translate("forms", ff.label), parent)
    elif ff.widget == "combo":
        assert spec.code_table
        editor = CodeEditor(services.codes[spec.code_table], parent)
    elif ff.widget == "ref":
        assert spec.ref
        editor = RefEditor(services, spec.ref, parent)
    else:  # pragma: no cover - the loader only lets known widgets through
        raise AssertionError(ff.widget)
    if ff.placeholder and hasattr(editor, "setPlaceholderText"):
        editor.setPlaceholderText(ff.placeholder)
    elif ff.placeholder and isinstance(editor, RefEditor):
        editor.edit.setPlaceholderText(ff.placeholder)
    editor.setObjectName(f"field_{spec.name}")
    if ff.help:
        editor.setToolTip(ff.help)
    return editor


def focus_target(editor: QWidget) -> QWidget:
    """The widget that takes keyboard focus for an editor."""
    return editor.edit if isinstance(editor, RefEditor) else editor
