"""Keyboard behaviour shared by every data-entry dialog.

Enter moves to the next field (it never submits); Ctrl+Enter and Ctrl+S submit; Esc cancels.
Multi-line fields keep Enter for new lines and leave with Tab.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QDialog,
    QPushButton,
    QWidget,
)


class EntryDialog(QDialog):
    """Base for forms and step dialogs: subclasses give `focus_chain()` and `submit()`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for seq in (QKeySequence.StandardKey.Save, QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")):
            sc = QShortcut(seq, self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(self.submit)

    # -- to override --------------------------------------------------------------------------
    def focus_chain(self) -> list[QWidget]:
        return []

    def submit(self) -> bool:
        raise NotImplementedError

    # -- helpers ------------------------------------------------------------------------------
    @staticmethod
    def plain_buttons(*buttons: QPushButton) -> None:
        """Buttons never react to Enter on their own (Enter moves between fields)."""
        for b in buttons:
            b.setAutoDefault(False)
            b.setDefault(False)

    def apply_tab_order(self) -> None:
        chain = self.focus_chain()
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    def focus_next(self) -> None:
        chain = [w for w in self.focus_chain() if w.isEnabled() and w.isVisibleTo(self)]
        if not chain:
            return
        current = self.focusWidget()
        idx = -1
        for i, w in enumerate(chain):
            if current is not None and (current is w or w.isAncestorOf(current)):
                idx = i
                break
        if idx < 0:
            self.focusNextChild()
            return
        if idx + 1 < len(chain):
            chain[idx + 1].setFocus(Qt.FocusReason.TabFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Save):  # when the shortcut map did not see it first
            self.submit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if mods & Qt.KeyboardModifier.ControlModifier:
                self.submit()
                return
            if mods == Qt.KeyboardModifier.NoModifier:
                focused = self.focusWidget()
                if isinstance(focused, QAbstractButton) and not isinstance(focused, QCheckBox):
                    focused.click()
                else:
                    self.focus_next()
                return
        super().keyPressEvent(event)
