"""RecordFormDialog: register or correct a record through its declarative form.

New records: every field is sent to `services.create`; edits send only the changed fields to
`services.update`. Whatever the domain refuses comes back as ValidationError(s) naming fields and
is shown under those fields; nothing is stored. The form autosaves a draft while it is dirty.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt, QTime, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import DomainError, ValidationError, ValidationErrors
from ...domain.validation import id_number_problem, normalize_id_number
from ...forms_loader import load_form
from ...services import Services
from ...services.drafts import DraftStore
from ...services.kinds import kind_spec
from ..drafts import DraftAutosaver, DraftBanner
from . import display, lookup
from .entry import EntryDialog
from .renderer import ERROR_STYLE, FormView
from .subtables import SubTableEditor
from .widgets import RefEditor, TextEditor

REPEAT_LOOKBACK_DAYS = 365


def errors_of(exc: ValidationError | ValidationErrors) -> list[ValidationError]:
    return list(exc.errors) if isinstance(exc, ValidationErrors) else [exc]


class RepeatHint(QFrame):
    """Non-blocking note: this petitioner already has petitions; link one with 关联."""

    link_requested = Signal(str)
    unlink_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("repeat_hint")
        self.setStyleSheet("#repeat_hint { background: #eef5ff; border: 1px solid #8fb3e8; border-radius: 3px; }")
        self.lay = QVBoxLayout(self)
        self.lay.setContentsMargins(8, 4, 8, 4)
        self.lay.setSpacing(2)
        self.setVisible(False)
        self.candidates: list[Any] = []

    def show_candidates(self, services: Services, candidates: list[Any], linked_id: str | None) -> None:
        while self.lay.count():
            item = self.lay.takeAt(0)
            w = item.widget()
            if w is not None:
                w.deleteLater()
            elif item.layout() is not None:
                inner = item.layout()
                while inner.count():
                    iw = inner.takeAt(0).widget()
                    if iw is not None:
                        iw.deleteLater()
        self.candidates = candidates
        if not candidates:
            self.setVisible(False)
            return
        head = QLabel(self.tr("该信访人已有 {n} 件在办或近一年的信访件，可能是重复访：").format(n=len(candidates)), self)
        self.lay.addWidget(head)
        states = kind_spec("petition").workflow.states  # type: ignore[union-attr]
        for p in candidates[:5]:
            row = QHBoxLayout()
            text = f"{p.serial}　{p.received_date.isoformat()}　{display.t(states.get(p.status, p.status))}　{p.request[:30]}"
            row.addWidget(QLabel(text, self), 1)
            if p.id == linked_id:
                row.addWidget(QLabel(self.tr("已关联"), self))
            else:
                b = QPushButton(self.tr("关联"), self)
                b.setObjectName(f"link_repeat_{p.serial}")
                b.setAutoDefault(False)
                b.clicked.connect(lambda _=False, pid=p.id: self.link_requested.emit(pid))
                row.addWidget(b)
            self.lay.addLayout(row)
        no = QPushButton(self.tr("不是同一事项，不关联"), self)
        no.setObjectName("unlink_repeat")
        no.setAutoDefault(False)
        no.clicked.connect(self.unlink_requested)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(no)
        self.lay.addLayout(row)
        self.setVisible(True)


class RecordFormDialog(EntryDialog):
    """Form for a new record (record_id None) or for correcting an existing one."""

    saved = Signal(str)  # record id, after every successful save
    notice = Signal(str)  # non-blocking messages after a save (e.g. 已标记为重复访)

    def __init__(self, services: Services, kind: str, record_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"record_form_{kind}")
        self.services = services
        self.kind = kind
        self.kind_spec = kind_spec(kind)
        self.form = load_form(kind)
        self.record_id = record_id
        self.record: Any = None
        self.link_repeat = True
        self.last_warnings: list[str] = []
        self._explicit_close = False
        self._baseline: dict[str, Any] = {}

        self.draft_banner = DraftBanner(self)
        self.error_banner = QLabel(self)
        self.error_banner.setObjectName("form_error")
        self.error_banner.setStyleSheet(ERROR_STYLE + "font-weight: bold;")
        self.error_banner.setWordWrap(True)
        self.error_banner.setVisible(False)
        self.repeat_hint = RepeatHint(self)
        self.view = FormView(services, self.form.groups, self)
        self.subtables = [SubTableEditor(services, st, self) for st in self.form.subtables]

        body = QWidget(self)
        body_lay = QVBoxLayout(body)
        body_lay.setContentsMargins(4, 4, 12, 4)
        body_lay.addWidget(self.view)
        for ed in self.subtables:
            body_lay.addWidget(ed)
        body_lay.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(body)

        self.status = QLabel(self)
        self.status.setObjectName("form_status")
        self.status.setStyleSheet("color: #606060;")
        self.save_new_button = QPushButton(self.tr("保存并新建 (Ctrl+N)"), self)
        self.save_new_button.setObjectName("save_new")
        self.save_button = QPushButton(self.tr("保存 (Ctrl+S)"), self)
        self.save_button.setObjectName("save")
        self.cancel_button = QPushButton(self.tr("取消 (Esc)"), self)
        self.cancel_button.setObjectName("cancel")
        self.plain_buttons(self.save_new_button, self.save_button, self.cancel_button)
        self.save_button.clicked.connect(self.submit)
        self.save_new_button.clicked.connect(self.save_and_new)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_new_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)

        lay = QVBoxLayout(self)
        lay.addWidget(self.draft_banner)
        lay.addWidget(self.error_banner)
        lay.addWidget(self.repeat_hint)
        lay.addWidget(self.scroll, 1)
        lay.addLayout(buttons)

        sc = QShortcut(QKeySequence.StandardKey.New, self)
        sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sc.activated.connect(self.save_and_new)

        self.drafts = DraftStore(services.store, services.actor.username)
        self.autosaver = DraftAutosaver(self.drafts, kind, record_id, self.draft_state, self)
        self.autosaver.saved.connect(self._draft_saved)
        self.draft_banner.restore_requested.connect(self.restore_draft)
        self.draft_banner.discard_requested.connect(self.discard_offered_draft)
        self.view.changed.connect(self._on_change)
        for ed in self.subtables:
            ed.changed.connect(self._on_change)
            ed.stored_voided.connect(self._stored_row_voided)

        self._repeat_timer = QTimer(self)
        self._repeat_timer.setSingleShot(True)
        self._repeat_timer.setInterval(300)
        self._repeat_timer.timeout.connect(self.check_repeat)
        if kind == "petition":
            for name in ("petitioner_name", "id_number", "village_id"):
                self.view.editors[name].changed.connect(self._repeat_timer.start)  # type: ignore[attr-defined]
            self.repeat_hint.link_requested.connect(self._link_repeat)
            self.repeat_hint.unlink_requested.connect(self._unlink_repeat)

        self.autosaver.enabled = False
        if record_id is None:
            self._start_new()
        else:
            self._load(record_id)
        self.autosaver.enabled = True
        self.apply_tab_order()
        self.resize(980, 700)
        self._offer_draft()
        chain = self.view.focus_chain()
        if chain:
            chain[0].setFocus()

    # -- set-up -------------------------------------------------------------------------------
    def _start_new(self) -> None:
        self.record_id = None
        self.record = None
        self.link_repeat = True
        for name, ed in self.view.editors.items():
            ed.set_value(None)  # type: ignore[attr-defined]
            if display.is_sensitive(self.view.fields[name].spec):  # drop a masked hint from an edit
                ed.setPlaceholderText(self.view.fields[name].placeholder)  # type: ignore[attr-defined]
        self.view.set_defaults(self.kind_spec.model)
        self.view.clear_errors()
        for ed in self.subtables:
            ed.clear()
        self.repeat_hint.show_candidates(self.services, [], None)
        self.save_new_button.setVisible(True)
        self.setWindowTitle(self.tr("{title} — 新建").format(title=display.t(self.form.title)))
        self._baseline = self.snapshot()

    def _load(self, record_id: str) -> None:
        rec = self.services.get(self.kind, record_id)
        self.record = rec
        self.record_id = rec.id
        personal = self.services.may_see_personal()
        values = {name: getattr(rec, name) for name in self.view.editors}
        for name, ff in self.view.fields.items():
            if display.is_sensitive(ff.spec) and not personal and values.get(name):
                # the role may not see it: show it masked; typing a new value replaces it
                editor = self.view.editors[name]
                assert isinstance(editor, TextEditor)
                editor.setPlaceholderText(self.tr("{masked}（已隐藏，留空则不修改）").format(
                    masked=display.mask(ff.spec, values[name])))
                values[name] = None
        self.view.set_values(values)
        kids = self.services.children(self.kind, rec.id)
        for ed in self.subtables:
            st = ed.spec
            for row in kids.get(st.key, []):
                cells: list[str] = []
                if st.editor == "picker":
                    kind = getattr(row, st.kind_field) if st.kind_field else st.pick[0]
                    if len(st.pick) > 1:
                        cells.append(display.t(kind_spec(kind).label))
                    cells.append(lookup.label_of(self.services, kind, getattr(row, st.id_field or "")))
                cells += [display.show(self.services, c.spec, getattr(row, c.name), personal=personal) for c in st.columns]
                ed.add_stored(cells, getattr(row, "id", None))
            ed.owner_kind = self.kind
        serial = getattr(rec, "serial", None) or getattr(rec, self.kind_spec.title_field, "")
        self.setWindowTitle(self.tr("修改{label} {serial}").format(label=display.t(self.kind_spec.label), serial=serial))
        self.save_new_button.setVisible(True)
        self._baseline = self.snapshot()

    def _offer_draft(self) -> None:
        draft = self.drafts.latest(self.kind, self.record_id)
        if draft is not None:
            self.draft_banner.offer(draft)

    # -- state --------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """What the clerk has entered (fields and new sub-table rows)."""
        return {"fields": self.view.values(), "children": {ed.spec.key: ed.rows() for ed in self.subtables}}

    def is_dirty(self) -> bool:
        return self.snapshot() != self._baseline

    def draft_state(self) -> dict[str, Any] | None:
        if not self.is_dirty():
            return None
        return {
            "fields": self.view.values(),
            "children": {ed.spec.key: ed.state() for ed in self.subtables},
            "link_repeat": self.link_repeat,
        }

    def _on_change(self) -> None:
        self.autosaver.schedule()

    def _draft_saved(self, _draft_id: int) -> None:
        self.status.setText(self.tr("草稿已自动保存 {time}").format(time=QTime.currentTime().toString("HH:mm:ss")))

    def restore_draft(self) -> None:
        draft = self.draft_banner.draft
        if draft is None:
            return
        self.autosaver.enabled = False
        self.view.set_values(draft.data.get("fields", {}))
        for ed in self.subtables:
            if ed.spec.key in draft.data.get("children", {}):
                ed.restore(draft.data["children"][ed.spec.key])
        self.link_repeat = bool(draft.data.get("link_repeat", True))
        self.autosaver.enabled = True
        self.autosaver.adopt(draft)
        self.draft_banner.withdraw()
        self.status.setText(self.tr("已恢复草稿"))
        if self.kind == "petition":
            self.check_repeat()

    def discard_offered_draft(self) -> None:
        draft = self.draft_banner.draft
        if draft is not None:
            self.drafts.discard(draft.id)
        self.draft_banner.withdraw()

    # -- repeat petitions ---------------------------------------------------------------------
    def check_repeat(self) -> None:
        """Look up earlier petitions by ID number, or by name within the same village."""
        if self.kind != "petition":
            return
        values = self.view.values()
        raw_id = values.get("id_number")
        id_number = normalize_id_number(raw_id) if raw_id and id_number_problem(raw_id) is None else None
        village = self.view.editors["village_id"]
        assert isinstance(village, RefEditor)
        name = (values.get("petitioner_name") or "").strip() or None
        if not id_number and not (name and village.chosen_id()):
            self.repeat_hint.show_candidates(self.services, [], None)
            return
        since = self.services.today() - timedelta(days=REPEAT_LOOKBACK_DAYS)
        candidates = self.services.repeat_candidates(
            id_number=id_number, name=name, village_id=village.chosen_id(), since=since, exclude_id=self.record_id)
        linked = values.get("repeat_of_id")
        self.repeat_hint.show_candidates(self.services, candidates, linked)

    def _link_repeat(self, petition_id: str) -> None:
        self.view.editors["repeat_of_id"].set_value(petition_id)  # type: ignore[attr-defined]
        self.link_repeat = True
        self.check_repeat()

    def _unlink_repeat(self) -> None:
        self.view.editors["repeat_of_id"].set_value(None)  # type: ignore[attr-defined]
        self.link_repeat = False
        self.repeat_hint.setVisible(False)
        self.status.setText(self.tr("已选择不关联前次信访件"))

    # -- saving -------------------------------------------------------------------------------
    def focus_chain(self) -> list[QWidget]:
        chain = self.view.focus_chain()
        for ed in self.subtables:
            chain += ed.focus_chain()
        return [*chain, self.save_button]

    def _stored_row_voided(self, label: str) -> None:
        self.status.setText(self.tr("已作废一行{label}").format(label=label))
        self.saved.emit(self.record_id or "")

    def _clear_errors(self) -> None:
        self.view.clear_errors()
        for ed in self.subtables:
            ed.clear_errors()
        self.error_banner.setVisible(False)

    def _show_errors(self, errors: list[ValidationError]) -> None:
        rest = self.view.show_errors(errors)
        if rest:
            self.show_banner("；".join(e.message for e in rest))

    def show_banner(self, text: str) -> None:
        self.error_banner.setText(text)
        self.error_banner.setVisible(True)

    def _changed_fields(self) -> dict[str, Any]:
        values = self.view.values()
        if self.record_id is None:
            return values
        base = self._baseline["fields"]
        return {k: v for k, v in values.items() if v != base.get(k)}

    def submit(self) -> bool:
        """Save; a new record's dialog closes, an edit closes too. Returns success."""
        if self.save():
            self._explicit_close = True
            self.accept()
            return True
        return False

    def save(self) -> bool:
        """Validate through the domain and store. Errors go next to their fields; nothing is stored."""
        self._clear_errors()
        data = self._changed_fields()
        children = {ed.spec.key: ed.rows() for ed in self.subtables if ed.rows()}
        failed = False
        for ed in self.subtables:
            row_errors: dict[int, list[ValidationError]] = {}
            for i, row in enumerate(ed.rows()):
                try:
                    self.services.check_fields(ed.spec.child.fields, row)
                except (ValidationError, ValidationErrors) as e:
                    row_errors[i] = errors_of(e)
            if row_errors:
                ed.show_row_errors(row_errors)
                failed = True
        try:
            self.services.check_fields(self.kind_spec.fields, data, partial=self.record_id is not None)
        except (ValidationError, ValidationErrors) as e:
            self._show_errors(errors_of(e))
            failed = True
        if failed:
            self.status.setText(self.tr("未保存：请更正标红的内容"))
            return False
        if self.record_id is not None and not data and not children:
            self.autosaver.discard()
            return True
        payload = {**data, **children}
        try:
            if self.record_id is None:
                result = self.services.create(self.kind, payload, link_repeat=self.link_repeat)
                rec, self.last_warnings = result.record, list(result.warnings)
            else:
                rec, self.last_warnings = self.services.update(self.kind, self.record_id, payload), []
        except (ValidationError, ValidationErrors) as e:
            self._show_errors(errors_of(e))
            self.status.setText(self.tr("未保存：请更正标红的内容"))
            return False
        except DomainError as e:
            self.show_banner(e.message)
            self.status.setText(self.tr("未保存"))
            return False
        self.autosaver.discard()
        self.record = rec
        self._baseline = self.snapshot()
        serial = getattr(rec, "serial", None) or getattr(rec, self.kind_spec.title_field, "")
        self.status.setText(self.tr("已保存 {serial}").format(serial=serial))
        self.saved.emit(rec.id)
        if self.last_warnings:
            self.notice.emit("；".join(self.last_warnings))
        return True

    def save_and_new(self) -> None:
        """Ctrl+N: save what is on screen (if anything changed), then start an empty form."""
        if self.is_dirty() and not self.save():
            return
        saved = self.status.text()
        self.autosaver.enabled = False
        self.autosaver.reset(None)
        self._start_new()
        self.autosaver.enabled = True
        self.status.setText(saved + ("，" if saved else "") + self.tr("请录入下一条"))
        chain = self.view.focus_chain()
        if chain:
            chain[0].setFocus()

    # -- closing ------------------------------------------------------------------------------
    def ask_unsaved(self) -> QMessageBox.StandardButton:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("尚未保存"),
                          self.tr("“{title}”有未保存的内容，是否保存？").format(title=self.windowTitle()),
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("unsaved_guard")
        box.button(QMessageBox.StandardButton.Save).setText(self.tr("保存"))
        box.button(QMessageBox.StandardButton.Discard).setText(self.tr("不保存"))
        box.button(QMessageBox.StandardButton.Cancel).setText(self.tr("取消"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self._guard = box
        return QMessageBox.StandardButton(box.exec())

    def reject(self) -> None:
        """Esc, 取消 or the window's close button: guard unsaved changes."""
        if self.is_dirty():
            choice = self.ask_unsaved()
            if choice == QMessageBox.StandardButton.Save:
                self.submit()
                return
            if choice != QMessageBox.StandardButton.Discard:
                return
            self.autosaver.discard()
        self._explicit_close = True
        super().reject()

    def hideEvent(self, event: Any) -> None:
        # closed by something other than the clerk's choice (main window closing, idle lock):
        # keep the typing as a draft
        if not self._explicit_close and self.is_dirty():
            self.autosaver.flush()
        super().hideEvent(event)

    def showEvent(self, event: Any) -> None:
        self._explicit_close = False
        super().showEvent(event)
