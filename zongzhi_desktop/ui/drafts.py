"""Autosaving form drafts so a crash, power cut or idle lock loses no typing.

`DraftAutosaver` writes the form's state to the local draft table a moment after the last change
(debounced) and whenever it is asked to flush. `DraftBanner` offers the newest draft when a form
opens, without blocking: the clerk may restore it, discard it, or simply start typing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ..domain.formatting import time_text
from ..services.drafts import DraftInfo, DraftStore

AUTOSAVE_DELAY_MS = 1500


class DraftAutosaver(QObject):
    """Debounced writer of one form's draft. `state()` returns the JSON-able form state, or None
    when the form holds nothing worth keeping (then any draft of this form is removed)."""

    saved = Signal(int)

    def __init__(self, drafts: DraftStore, kind: str, record_id: str | None,
                 state: Callable[[], dict[str, Any] | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.drafts = drafts
        self.kind = kind
        self.record_id = record_id
        self._state = state
        self.draft_id: int | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_DELAY_MS)
        self.timer.timeout.connect(self.flush)
        self.enabled = True

    def schedule(self) -> None:
        """Call on every change: the draft is written once typing pauses."""
        if self.enabled:
            self.timer.start()

    def flush(self) -> None:
        """Write (or remove) the draft now."""
        self.timer.stop()
        if not self.enabled:
            return
        state = self._state()
        if state is None:
            self.discard()
            return
        self.draft_id = self.drafts.save(self.kind, self.record_id, state, self.draft_id)
        self.saved.emit(self.draft_id)

    def adopt(self, draft: DraftInfo) -> None:
        """Continue writing into a restored draft instead of starting a second one."""
        self.draft_id = draft.id

    def discard(self) -> None:
        self.timer.stop()
        self.drafts.discard(self.draft_id)
        self.draft_id = None

    def reset(self, record_id: str | None) -> None:
        """The form starts over (saved and cleared for the next record)."""
        self.timer.stop()
        self.record_id = record_id
        self.draft_id = None


class DraftBanner(QFrame):
    """"发现未保存的草稿 … [恢复草稿] [丢弃]" above a form."""

    restore_requested = Signal()
    discard_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draft_banner")
        self.setStyleSheet("#draft_banner { background: #fff4d6; border: 1px solid #e0b84c; border-radius: 3px; }")
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.restore_button = QPushButton(self.tr("恢复草稿"), self)
        self.restore_button.setObjectName("restore_draft")
        self.discard_button = QPushButton(self.tr("丢弃"), self)
        self.discard_button.setObjectName("discard_draft")
        for b in (self.restore_button, self.discard_button):
            b.setAutoDefault(False)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.restore_button)
        lay.addWidget(self.discard_button)
        self.restore_button.clicked.connect(self.restore_requested)
        self.discard_button.clicked.connect(self.discard_requested)
        self.draft: DraftInfo | None = None
        self.setVisible(False)

    def offer(self, draft: DraftInfo) -> None:
        self.draft = draft
        local = time_text(draft.updated_at, "%m-%d %H:%M")  # China time, like every time shown
        self.text.setText(self.tr("发现 {when} 未保存的草稿，可恢复继续填写。").format(when=local))
        self.setVisible(True)

    def withdraw(self) -> None:
        self.draft = None
        self.setVisible(False)
