"""Pinyin type-ahead in every drop-down: with a (non-editable) QComboBox focused, or its list open,
typing Latin letters picks the first entry whose text, full pinyin or initials begins with them
("ll" or "linli" → 邻里; "zhengdi" → 征地拆迁), else the first that contains them. Letters typed
within a second add up, as in Qt's own type-ahead.

`enable(combo)` installs the filter on a combo and its list (the filter is the combo's child, so
it lives exactly as long); `enable_all(widget)` on every combo below a widget. The main window
enables each page as it builds it, and every code field of a form or workflow dialog
(ui/forms/widgets.py CodeEditor) enables itself. Per widget, not application-wide: an
application filter in Python sees every event of every object, including half-destroyed ones.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QComboBox

from ..domain import pinyin

TYPE_AHEAD_MS = 1000


def find_entry(combo: QComboBox, typed: str) -> int:
    """The index of the entry `typed` selects (-1: none): a prefix match first, then a substring one."""
    texts = [combo.itemText(i) for i in range(combo.count())]
    for i, text in enumerate(texts):
        if text and pinyin.starts_with(text, typed):
            return i
    for i, text in enumerate(texts):
        if text and pinyin.matches(text, typed):
            return i
    return -1


class PinyinTypeAhead(QObject):
    """The filter of one combo and its list (see the module docstring)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.typed = ""
        self.clock = QElapsedTimer()

    @staticmethod
    def _combo_of(obj: QObject) -> tuple[QComboBox | None, QAbstractItemView | None]:
        if isinstance(obj, QComboBox):
            return (obj, None) if not obj.isEditable() else (None, None)
        if isinstance(obj, QAbstractItemView):
            parent = obj.parent()
            for _ in range(3):  # view → QComboBoxPrivateContainer → combo
                if parent is None:
                    break
                if isinstance(parent, QComboBox):
                    return (parent, obj) if not parent.isEditable() else (None, None)
                parent = parent.parent()
        return None, None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        text = event.text()
        if len(text) != 1 or not ("a" <= text.lower() <= "z"):
            return False
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                                | Qt.KeyboardModifier.MetaModifier):
            return False
        combo, view = self._combo_of(obj)
        if combo is None:
            return False
        if not self.clock.isValid() or self.clock.elapsed() > TYPE_AHEAD_MS:
            self.typed = ""
        self.clock.restart()
        self.typed += text.lower()
        index = find_entry(combo, self.typed)
        if index >= 0:
            if view is not None:
                view.setCurrentIndex(combo.model().index(index, combo.modelColumn(), combo.rootModelIndex()))
            else:
                combo.setCurrentIndex(index)
        return True


def enable(combo: QComboBox) -> None:
    """Pinyin type-ahead on one drop-down (once)."""
    if combo.isEditable() or combo.findChild(PinyinTypeAhead, "pinyin_type_ahead") is not None:
        return
    f = PinyinTypeAhead(combo)
    f.setObjectName("pinyin_type_ahead")
    combo.installEventFilter(f)
    combo.view().installEventFilter(f)


def enable_all(widget: QObject) -> None:
    """Pinyin type-ahead on every drop-down below `widget`."""
    for combo in widget.findChildren(QComboBox):
        enable(combo)
