"""Keyboard behaviour shared by every data-entry dialog.

Enter moves to the next field (it never submits); Ctrl+Enter and Ctrl+S submit; Esc cancels.
Multi-line fields keep Enter for new lines and leave with Tab. Whatever takes the focus is
scrolled into view: focus never rests on a widget the clerk cannot see.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtGui import QHideEvent, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QDialog,
    QPushButton,
    QScrollArea,
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
        self._revealing = False

    def showEvent(self, event: QShowEvent) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication) and not self._revealing:
            app.focusChanged.connect(self._reveal)
            self._revealing = True
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication) and self._revealing:
            app.focusChanged.disconnect(self._reveal)
            self._revealing = False
        super().hideEvent(event)

    def _reveal(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Scroll every scroll area between this dialog and the newly focused widget to show it."""
        if new is None or not self.isAncestorOf(new):
            return
        parent = new.parentWidget()
        while parent is not None and parent is not self:
            if isinstance(parent, QScrollArea):
                parent.ensureWidgetVisible(new, 20, 20)
            parent = parent.parentWidget()

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
