"""RecordDetailDialog: one record with its deadline, workflow actions, children, timeline and history.

The action buttons are exactly `services.available_actions(kind, rec)` (state machine and role);
each opens a `StepDialog` generated from the step's FieldSpecs and calls `services.act`. Child rows
(parties, visits, progress, links, participants, teams) are added through `services.add_child`.
Identifiers are masked unless the role may see them and the clerk asks to show them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain import workflows as wf
from ..domain.errors import DomainError, ValidationError, ValidationErrors
from ..domain.fields import F, FieldSpec
from ..domain.formatting import size_text, time_text
from ..domain.roles import Perm, has_perm
from ..forms_loader import COMMON_DETAIL_LABELS, load_form
from ..reports.documents import DOCUMENTS, build_document, documents_for, record_print
from ..reports.render_pdf import render_pdf
from ..services import Services
from ..services.kinds import KINDS, RECORD_KINDS, kind_spec
from ..services.todo import close_review
from .attachments_tab import AttachmentsTab
from .forms import RecordFormDialog, lookup
from .forms import display as fmt
from .forms.display import t
from .forms.entry import EntryDialog
from .forms.record_form import errors_of
from .forms.renderer import ERROR_STYLE, FormView, action_groups
from .print_preview import PrintPreviewDialog
from .runner import Operation, OperationRunner

VOID_REASON = F("void_reason", "作废原因", "longtext", required=True)
# Text fields a step may prefill with the signed-in user's name.
SIGNED_BY_FIELDS = ("reviewer", "by_whom", "visitor")
# Bookkeeping columns left out of the history view.
HIDDEN_AUDIT = {"revision", "updated_at", "updated_by", "created_at", "created_by", "township_code", "id"}


# 登记当事人 / 回访 / 进展, 关联案件, 参与志愿者, 加入队伍: Ctrl+Shift+<the word's initial> (fixed per
# child table; letters, not digits, because Shift changes a digit's key on most layouts).
CHILD_SHORTCUTS = {"parties": "Ctrl+Shift+D", "visits": "Ctrl+Shift+H", "progress": "Ctrl+Shift+J",
                   "links": "Ctrl+Shift+G", "participants": "Ctrl+Shift+C", "teams": "Ctrl+Shift+D"}
EDIT_SHORTCUT = "Ctrl+E"


def step_shortcut(n: int) -> str:
    """The shortcut of the n-th step of a workflow (1-based): Alt+1 … Alt+9 in workflow order."""
    return f"Alt+{n}" if 1 <= n <= 9 else ""


def tr(text: str) -> str:
    return QCoreApplication.translate("RecordDetail", text)


class StepDialog(EntryDialog):
    """A small form for one step (受理, 交办, 回访, 作废…) generated from FieldSpecs.

    `perform(values)` does the write; domain errors come back inline and keep the dialog open.
    """

    def __init__(self, services: Services, title: str, specs: Sequence[FieldSpec],
                 perform: Callable[[dict[str, Any]], Any], parent: QWidget | None = None,
                 *, intro: str = "", defaults: dict[str, Any] | None = None, name: str = "step") -> None:
        super().__init__(parent)
        self.setObjectName(f"step_{name}")
        self.setWindowTitle(title)
        self.services = services
        self.perform = perform
        self.result_value: Any = None
        self.view = FormView(services, action_groups(specs), self, group_boxes=False, columns=1)
        self.view.set_defaults()
        if defaults:
            self.view.set_values({k: v for k, v in defaults.items() if k in self.view.editors})
        self.banner = QLabel(self)
        self.banner.setObjectName("step_error")
        self.banner.setStyleSheet(ERROR_STYLE + "font-weight: bold;")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.ok_button = QPushButton(self.tr("确定 (Ctrl+S)"), self)
        self.ok_button.setObjectName("step_ok")
        self.cancel_button = QPushButton(self.tr("取消"), self)
        self.cancel_button.setObjectName("step_cancel")
        self.plain_buttons(self.ok_button, self.cancel_button)
        self.ok_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        lay = QVBoxLayout(self)
        heading = QLabel(title, self)
        heading.setObjectName("step_title")
        heading.setStyleSheet("font-size: 12pt; font-weight: bold;")
        lay.addWidget(heading)
        if intro:
            head = QLabel(intro, self)
            head.setObjectName("step_intro")
            head.setWordWrap(True)
            lay.addWidget(head)
        lay.addWidget(self.banner)
        lay.addWidget(self.view)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.ok_button)
        row.addWidget(self.cancel_button)
        lay.addLayout(row)
        self.apply_tab_order()
        self.resize(max(560, self.sizeHint().width()), self.sizeHint().height())
        chain = self.view.focus_chain()
        if chain:
            chain[0].setFocus()

    def focus_chain(self) -> list[QWidget]:
        return [*self.view.focus_chain(), self.ok_button]

    def submit(self) -> bool:
        self.view.clear_errors()
        self.banner.setVisible(False)
        try:
            self.result_value = self.perform(self.view.values())
        except (ValidationError, ValidationErrors) as e:
            rest = self.view.show_errors(errors_of(e))
            if rest:
                self._banner("；".join(x.message for x in rest))
            return False
        except DomainError as e:
            self._banner(e.message)
            return False
        self.accept()
        return True

    def _banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(True)


class _WrappingTable(QTableWidget):
    """Read-only table whose rows grow to show wrapped text at the current column widths."""

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.resizeRowsToContents()


def _table(headers: list[str], parent: QWidget, name: str) -> QTableWidget:
    t = _WrappingTable(0, len(headers), parent)
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setWordWrap(True)
    t.verticalHeader().setVisible(False)
    hh = t.horizontalHeader()
    hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    hh.setStretchLastSection(True)
    return t


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)
    table.resizeRowsToContents()


class RecordDetailDialog(QDialog):
    """Everything about one record, and the buttons to move it on."""

    changed = Signal()  # the record or its children were written

    def __init__(self, services: Services, kind: str, record_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"record_detail_{kind}")
        self.services = services
        self.kind = kind
        self.spec = kind_spec(kind)
        self.form = load_form(kind) if kind in RECORD_KINDS else None
        self.record_id = record_id
        self.record: Any = None
        self.show_personal = False
        self.edit_dialog: RecordFormDialog | None = None

        self.serial_label = QLabel(self)
        self.serial_label.setObjectName("detail_serial")
        self.serial_label.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.title_label = QLabel(self)
        self.title_label.setObjectName("detail_title")
        self.title_label.setStyleSheet("font-size: 12pt;")
        self.title_label.setWordWrap(True)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("detail_status")
        self.deadline_label = QLabel(self)
        self.deadline_label.setObjectName("detail_deadline")
        self.personal_box = QCheckBox(self.tr("显示完整身份证号和电话"), self)
        self.personal_box.setObjectName("show_personal")
        self.personal_box.setVisible(services.may_see_personal())
        self.personal_box.toggled.connect(self._toggle_personal)
        head = QHBoxLayout()
        head.addWidget(self.serial_label)
        head.addWidget(self.status_label)
        head.addStretch(1)
        head.addWidget(self.personal_box)
        sub = QHBoxLayout()
        sub.addWidget(self.title_label, 1)
        sub.addWidget(self.deadline_label)
        # Lines a kind added through the registry shows under the title (suggested links…).
        self.extra_label = QLabel(self)
        self.extra_label.setObjectName("detail_extra")
        self.extra_label.setWordWrap(True)
        self.extra_label.setStyleSheet("color: #1f5fa8;")
        self.extra_label.setVisible(False)

        self.actions_bar = QHBoxLayout()
        self.actions_box = QFrame(self)
        self.actions_box.setLayout(self.actions_bar)
        self.actions_bar.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("detail_tabs")
        self.info = QWidget(self)
        self.info_layout = QVBoxLayout(self.info)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.info)
        self.tabs.addTab(scroll, self.tr("基本信息"))
        self.child_tables: dict[str, QTableWidget] = {}
        self.child_void_buttons: dict[str, QPushButton] = {}
        self._child_rows: dict[str, list[Any]] = {}
        for key, child in self.spec.children.items():
            page = QWidget(self)
            lay = QVBoxLayout(page)
            headers = [t(s.label) for s in child.fields]
            table = _table(headers, page, f"children_{key}")
            lay.addWidget(table)
            row = QHBoxLayout()
            row.addStretch(1)
            void = QPushButton(self.tr("作废所选行…"), page)
            void.setObjectName(f"void_child_{key}")
            void.clicked.connect(lambda _=False, k=key: self.void_child(k))
            row.addWidget(void)
            lay.addLayout(row)
            self.child_tables[key] = table
            self.child_void_buttons[key] = void
            self.tabs.addTab(page, t(child.label))
        self.timeline_table = _table([self.tr("日期"), self.tr("办理步骤"), self.tr("经办人"), self.tr("内容")],
                                     self, "timeline")
        self.audit_table = _table([self.tr("时间"), self.tr("用户"), self.tr("操作"), self.tr("变更内容")],
                                  self, "audit_history")
        self.attachments: AttachmentsTab | None = None
        if kind in RECORD_KINDS:  # scans, photos and signed agreements (reference data has none)
            self.attachments = AttachmentsTab(services, kind, record_id, self._runner, self)
            self.attachments.changed.connect(self._attachments_changed)
            self.tabs.addTab(self.attachments, self.tr("附件"))
        if self.spec.workflow is not None:
            self.tabs.addTab(self.timeline_table, self.tr("办理记录"))
        self.tabs.addTab(self.audit_table, self.tr("修改历史"))

        close = QPushButton(self.tr("关闭"), self)
        close.setObjectName("close")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        # 打印: the documents that fit the record's state, each opened in the print preview.
        self.print_btn = QPushButton(self.tr("打印…"), self)
        self.print_btn.setObjectName("print_documents")
        self.print_btn.setAutoDefault(False)
        self.print_btn.setToolTip(self.tr("打印或预览这条记录的文书（Ctrl+P）"))
        self.print_btn.setVisible(any(d.kind == kind for d in DOCUMENTS.values()))
        self.print_btn.clicked.connect(lambda: self.show_print_menu())
        QShortcut(QKeySequence.StandardKey.Print, self, activated=lambda: self.show_print_menu())
        for key in self.spec.children:  # the child-row buttons (see _build_actions)
            QShortcut(QKeySequence(CHILD_SHORTCUTS[key]), self, context=Qt.ShortcutContext.WindowShortcut,
                      activated=lambda k=key: self._click(f"child_{k}"))
        QShortcut(QKeySequence(EDIT_SHORTCUT), self, context=Qt.ShortcutContext.WindowShortcut,
                  activated=lambda: self._click("edit"))
        for n in range(1, 10):  # Alt+n: the n-th workflow step (see _build_actions)
            sc = QShortcut(QKeySequence(step_shortcut(n)), self)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(lambda n=n: self._step_key(n))
        self.print_menu = QMenu(self)
        self.print_menu.setObjectName("print_menu")
        self.preview_dialog: PrintPreviewDialog | None = None
        self.document_op: Operation | None = None
        bottom = QHBoxLayout()
        bottom.addWidget(self.actions_box, 1)
        bottom.addWidget(self.print_btn)
        bottom.addWidget(close)

        lay = QVBoxLayout(self)
        lay.addLayout(head)
        lay.addLayout(sub)
        lay.addWidget(self.extra_label)
        lay.addWidget(self.tabs, 1)
        lay.addLayout(bottom)
        self.resize(1000, 680)
        self.refresh()

    # -- reading ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the record and rebuild every part of the dialog."""
        self.record = self.services.get(self.kind, self.record_id)
        rec = self.record
        serial = getattr(rec, "serial", None)
        title = str(getattr(rec, self.spec.title_field, "") or "")
        self.serial_label.setText(serial or title)
        self.title_label.setText(title if serial else t(self.spec.label))
        self.setWindowTitle(self.tr("{label} {serial}").format(label=t(self.spec.label), serial=serial or title))
        self._header_status(rec)
        extras = self.spec.extra_detail(self.services, rec) if self.spec.extra_detail is not None else {}
        extra = "；".join(f"{t(label)}：{text}" for label, text in extras.items() if text)
        self.extra_label.setText(extra)
        self.extra_label.setVisible(bool(extra))
        self._build_info(rec)
        self._build_children()
        if self.spec.workflow is not None:
            self._build_timeline()
        self._build_audit()
        self._build_actions(rec)
        if self.attachments is not None:
            self.attachments.refresh(may_change=self._may_enter())
            self._attachments_title()

    def _attachments_title(self) -> None:
        assert self.attachments is not None
        n = len(self.attachments.rows)
        self.tabs.setTabText(self.tabs.indexOf(self.attachments),
                             self.tr("附件（{n}）").format(n=n) if n else self.tr("附件"))

    def _attachments_changed(self) -> None:
        self._attachments_title()
        self._build_audit()
        self.changed.emit()

    def _personal(self) -> bool:
        return self.show_personal and self.services.may_see_personal()

    def _toggle_personal(self, on: bool) -> None:
        self.show_personal = on
        self.refresh()

    def _header_status(self, rec: Any) -> None:
        if rec.voided:
            self.status_label.setText(self.tr("已作废"))
            self.status_label.setStyleSheet("color: white; background: #757575; padding: 2px 8px; border-radius: 3px;")
        elif self.spec.workflow is not None:
            self.status_label.setText(t(self.spec.workflow.states.get(rec.status, rec.status)))
            open_ = rec.status in self.spec.workflow.open_states
            color = "#1565c0" if open_ else "#2e7d32"
            self.status_label.setStyleSheet(f"color: white; background: {color}; padding: 2px 8px; border-radius: 3px;")
        else:
            self.status_label.setText("")
            self.status_label.setStyleSheet("")
        deadline = getattr(rec, "next_deadline", None)
        if deadline is None or rec.voided:
            self.deadline_label.setText("")
            return
        days = wf.days_left(deadline, self.services.today()) or 0
        what = rec.next_deadline_kind or ""
        if not what.endswith(("期限", "时限")):  # 办结 → 办结期限; 化解时限 stays as it is
            what += self.tr("期限")
        if days < 0:
            text = self.tr("{what} {date}（已超期 {n} 天）").format(what=what, date=deadline.isoformat(), n=-days)
            style = "color: #c62828; font-weight: bold;"
        elif days == 0:
            text = self.tr("{what} {date}（今天到期）").format(what=what, date=deadline.isoformat())
            style = "color: #e65100; font-weight: bold;"
        else:
            text = self.tr("{what} {date}（还剩 {n} 天）").format(what=what, date=deadline.isoformat(), n=days)
            style = "color: #e65100;" if days <= 7 else ""
        self.deadline_label.setText(text)
        self.deadline_label.setStyleSheet(style)
        self.deadline_label.setProperty("overdue", days < 0)

    def _label_map(self) -> dict[str, tuple[str, FieldSpec | None]]:
        """Column → (label, FieldSpec if any) for everything a record of this kind may show."""
        out: dict[str, tuple[str, FieldSpec | None]] = {k: (v, None) for k, v in COMMON_DETAIL_LABELS.items()}
        if self.spec.workflow is not None:
            for action in self.spec.workflow.actions.values():
                for s in action.fields:
                    out.setdefault(s.name, (s.label, s))
        if self.form is not None:
            out.update({k: (v, None) for k, v in self.form.detail_labels.items()})
            out.update({f.name: (f.label, f.spec) for f in self.form.fields})
        out.update({s.name: (s.label, s) for s in self.spec.fields if s.name not in out})
        return out

    def _value_text(self, column: str, spec: FieldSpec | None, value: Any) -> str:
        if column == "status" and self.spec.workflow is not None and value:
            return t(self.spec.workflow.states.get(value, value))
        if spec is not None:
            return fmt.show(self.services, spec, value, personal=self._personal())
        return fmt.show_column(column, value, personal=self._personal())

    def _clear_info(self) -> None:
        while self.info_layout.count():
            item = self.info_layout.takeAt(0)
            w = item.widget()
            if w is not None:
                w.setParent(None)  # gone at once, so lookups by name find only the new labels
                w.deleteLater()

    def _group(self, title: str, rows: list[tuple[str, str, str]]) -> QGroupBox:
        box = QGroupBox(title, self.info)
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, label, text in rows:
            value = QLabel(text or "—", box)
            value.setObjectName(f"value_{name}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if not text:
                value.setStyleSheet("color: #9e9e9e;")
            form.addRow(t(label) + "：", value)
        return box

    def _build_info(self, rec: Any) -> None:
        self._clear_info()
        if rec.voided:
            banner = QLabel(self.tr("此记录已作废。原因：{reason}").format(reason=rec.void_reason or ""), self.info)
            banner.setObjectName("voided_banner")
            banner.setStyleSheet("background: #eeeeee; color: #424242; padding: 6px; font-weight: bold;")
            banner.setWordWrap(True)
            self.info_layout.addWidget(banner)
        labels = self._label_map()
        shown: set[str] = set()
        if self.form is not None:
            for group in self.form.groups:
                rows = []
                for f in group.fields:
                    rows.append((f.name, f.label, self._value_text(f.name, f.spec, getattr(rec, f.name))))
                    shown.add(f.name)
                self.info_layout.addWidget(self._group(t(group.title), rows))
        else:
            rows = [(s.name, s.label, self._value_text(s.name, s, getattr(rec, s.name))) for s in self.spec.fields]
            shown |= {s.name for s in self.spec.fields}
            self.info_layout.addWidget(self._group(t(self.spec.label), rows))
        # workflow results and computed deadlines: only what has a value
        columns = type(rec).__table__.columns  # type: ignore[attr-defined]
        extra = []
        for name, (label, spec) in labels.items():
            if name in shown or name not in columns or name in (
                    "status", "voided", "void_reason", "serial", "next_deadline", "next_deadline_kind"):
                continue
            value = getattr(rec, name, None)
            if value in (None, "", False):
                continue
            extra.append((name, label, self._value_text(name, spec, value)))
        if extra:
            self.info_layout.addWidget(self._group(self.tr("办理情况"), extra))
        self.info_layout.addStretch(1)

    def _child_cells(self, key: str, row: Any) -> list[str]:
        child = self.spec.children[key]
        if key == "links":
            k = row.record_kind
            return [t(KINDS[k].label) if k in KINDS else k, lookup.label_of(self.services, k, row.record_id)]
        return [fmt.show(self.services, s, getattr(row, s.name), personal=self._personal()) for s in child.fields]

    def _build_children(self) -> None:
        kids = self.services.children(self.kind, self.record_id)
        for key, table in self.child_tables.items():
            rows = kids.get(key, [])
            self._child_rows[key] = rows
            _fill(table, [self._child_cells(key, r) for r in rows])
            idx = self.tabs.indexOf(table.parentWidget())
            label = t(self.spec.children[key].label)
            self.tabs.setTabText(idx, f"{label}（{len(rows)}）")
            self.child_void_buttons[key].setEnabled(bool(rows) and self._may_enter())

    def _step_labels(self, action: str) -> tuple[str, list[FieldSpec]]:
        wfl = self.spec.workflow
        if wfl is not None and action in wfl.actions:
            a = wfl.actions[action]
            return t(a.label), a.fields
        return {"register": self.tr("登记"), "void": self.tr("作废"), "visit": self.tr("回访"),
                "progress": self.tr("工作进展")}.get(action, action), []

    def _build_timeline(self) -> None:
        rows = []
        people = self.services.people()  # 经办人: the person's name, not the login name
        for ev in self.services.timeline(self.kind, self.record_id):
            label, specs = self._step_labels(ev.action)
            by_name = {s.name: s for s in specs}
            details = []
            if ev.data:
                for k, v in json.loads(ev.data).items():
                    if v in (None, ""):
                        continue
                    s = by_name.get(k)
                    text = fmt.show(self.services, s, v, personal=self._personal()) if s else str(v)
                    details.append(f"{t(s.label) if s else k}：{text}")
            elif ev.note and ev.note != label:
                details.append(ev.note)
            rows.append([ev.event_date.isoformat(), label, people.get(ev.actor, ev.actor), "；".join(details)])
        _fill(self.timeline_table, rows)

    def _build_audit(self) -> None:
        labels = self._label_map()
        wfl = self.spec.workflow
        names = {"create": self.tr("新建"), "update": self.tr("修改"), "void": self.tr("作废"),
                 "attach": self.tr("添加附件"),
                 "visit": self.tr("回访"), "issue_document_number": self.tr("编发文号"),
                 "print_personal_document": self.tr("打印含个人信息的文书")}
        field_names = {"id_number": self.tr("身份证号"), "phone": self.tr("联系电话")}
        outputs = {"print": self.tr("打印"), "pdf": self.tr("导出PDF"), "xlsx": self.tr("导出Excel")}
        rows = []
        people = self.services.people()  # 修改人: the person's name, not the login name
        for entry in reversed(self.services.audit_history(self.record_id)):  # newest first
            before = json.loads(entry.before) if entry.before else {}
            after = json.loads(entry.after) if entry.after else {}
            changes = []
            if entry.record_kind == "attachment":  # the record's attachments: name the file
                what = after.get("file_name", "")
                if entry.action == "void":
                    names_void = self.tr("作废附件")
                    rows.append([time_text(entry.at), people.get(entry.username, entry.username), names_void,
                                 f"{what}：{after.get('void_reason') or ''}"])
                else:
                    rows.append([time_text(entry.at), people.get(entry.username, entry.username), names["attach"],
                                 f"{what}（{size_text(after.get('size', 0))}）"])
                continue
            if entry.action in ("issue_document_number", "print_personal_document"):
                what = f"{after.get('document', '')} {after.get('number', '')}"
                if entry.action == "print_personal_document":
                    shown = "、".join(field_names.get(f, f) for f in after.get("fields", []))
                    what += self.tr("（{how}，含{fields}）").format(how=outputs.get(after.get("output"), ""), fields=shown)
                rows.append([time_text(entry.at), people.get(entry.username, entry.username),
                             names[entry.action], what])
                continue
            for col, new in after.items():
                if col in HIDDEN_AUDIT or before.get(col) == new:
                    continue
                if not before and new in (None, "", False):
                    continue
                label, spec = labels.get(col, (col, None))
                label = t(label)
                old_t = self._value_text(col, spec, before.get(col)) if before else ""
                new_t = self._value_text(col, spec, new)
                changes.append(f"{label}：{old_t or '空'} → {new_t or '空'}" if before else f"{label}：{new_t}")
            action = names.get(entry.action) or (t(wfl.actions[entry.action].label) if wfl and entry.action in wfl.actions
                                                  else entry.action)
            rows.append([time_text(entry.at), people.get(entry.username, entry.username), action, "；".join(changes)])
        _fill(self.audit_table, rows)

    # -- actions ------------------------------------------------------------------------------
    def _may_enter(self) -> bool:
        return has_perm(self.services.actor.role, self.spec.perm) and not self.record.voided

    def _child_allowed(self, key: str, rec: Any) -> bool:
        if not self._may_enter():
            return False
        if self.spec.child_open is not None:  # a kind added through the registry says itself
            return self.spec.child_open(rec, key)
        if key == "visits":
            return rec.status in wf.DISPUTE_VISIT_STATES
        if key == "progress":
            return rec.status in wf.PACKAGE_PROGRESS_STATES
        if key == "links":
            return rec.status in wf.PACKAGE.open_states
        return True

    def _button(self, name: str, text: str, slot: Callable[[], Any]) -> None:
        b = QPushButton(text, self.actions_box)
        b.setObjectName(name)
        b.setAutoDefault(False)
        b.clicked.connect(slot)
        self.actions_bar.addWidget(b)
        self.buttons[name] = b

    def _build_actions(self, rec: Any) -> None:
        for b in self.buttons.values():
            self.actions_bar.removeWidget(b)
            b.hide()  # not painted in the frames before the deferred delete runs
            b.deleteLater()
        self.buttons = {}
        # Every step of the workflow has a fixed place (workflow order) and the shortcut Alt+<n>;
        # steps not possible now (state, role, already done) are shown disabled, never removed.
        available = {a.name for a in self.services.available_actions(self.kind, rec)}
        workflow = self.spec.workflow
        for n, action in enumerate(workflow.actions.values() if workflow else [], start=1):
            name = f"action_{action.name}"
            self._button(name, t(action.label), lambda _=False, a=action: self.run_action(a.name))
            b = self.buttons[name]
            b.setEnabled(action.name in available)
            key = step_shortcut(n)
            hint = self.tr("快捷键 {key}").format(key=key) if key else ""
            if action.name not in available:
                why = (self.tr("当前身份无权办理") if not has_perm(self.services.actor.role, action.perm)
                       else self.tr("当前状态不能办理"))
                hint = f"{why}；{hint}" if hint else why
            b.setToolTip(f"{t(action.label)}（{hint}）" if hint else t(action.label))
        add_labels = {"parties": self.tr("登记当事人"), "visits": self.tr("登记回访"), "progress": self.tr("登记进展"),
                      "links": self.tr("关联案件"), "participants": self.tr("添加参与志愿者"), "teams": self.tr("加入队伍")}
        for key in self.spec.children:
            if self._child_allowed(key, rec):
                label = (self.tr("登记{label}").format(label=t(self.spec.children[key].label))
                         if self.spec.child_open is not None else add_labels.get(key, key))
                self._button(f"child_{key}", label, lambda _=False, k=key: self.add_child(k))
                self.buttons[f"child_{key}"].setToolTip(self.tr("快捷键 {key}").format(key=CHILD_SHORTCUTS[key]))
        self.actions_bar.addStretch(1)
        if self._may_enter() and self.kind in RECORD_KINDS:
            self._button("edit", self.tr("编辑"), lambda _=False: self.edit())
            self.buttons["edit"].setToolTip(self.tr("快捷键 {key}").format(key=EDIT_SHORTCUT))
        if not rec.voided and has_perm(self.services.actor.role, Perm.REVIEW):
            self._button("void", self.tr("作废"), self.void)

    # -- printing -----------------------------------------------------------------------------
    def document_keys(self) -> list[str]:
        """Keys of the documents offered for the record as it is now."""
        return [d.key for d in documents_for(self.kind, self.record)]

    def show_print_menu(self) -> QMenu:
        """Pop up the 打印 menu under the button (non-blocking); each entry opens a preview."""
        self.print_menu.clear()
        for d in documents_for(self.kind, self.record):
            act = self.print_menu.addAction(t(d.title))
            act.setObjectName(f"print_{d.key}")
            act.triggered.connect(lambda _c=False, k=d.key: self.print_document(k))
        if self.print_menu.isEmpty():
            self.print_menu.addAction(self.tr("（当前状态没有可打印的文书）")).setEnabled(False)
        self.print_menu.popup(self.print_btn.mapToGlobal(self.print_btn.rect().bottomLeft()))
        self.print_menu.setActiveAction(self.print_menu.actions()[0])
        return self.print_menu

    def _runner(self) -> OperationRunner:
        runner = getattr(self.parent(), "runner", None)
        if not isinstance(runner, OperationRunner):
            runner = self.__dict__.setdefault("_own_runner", OperationRunner(self))
        return runner

    def print_document(self, key: str) -> Operation:
        """Build document `key` off the GUI thread and open it in the print preview."""
        svc, kind, rid, unmasked = self.services, self.kind, self.record_id, self._personal()
        issued: dict[str, Any] = {}

        def build(_p: object) -> tuple[str, bytes]:
            built = build_document(svc, kind, rid, key, unmasked=unmasked)
            return built.report.title, render_pdf(built.report)

        def finalize() -> bytes:  # first print/export: issue the 文号 (worker thread)
            built = build_document(svc, kind, rid, key, unmasked=unmasked, issue=True)
            issued["built"] = built
            return render_pdf(built.report)

        def output(how: str) -> None:
            built = issued.get("built") or build_document(svc, kind, rid, key, unmasked=unmasked, issue=True)
            record_print(svc, kind, rid, key, built.report.number, built.personal, how)
            self._build_audit()

        def show(result: tuple[str, bytes]) -> None:
            title, pdf = result
            serial = getattr(self.record, "serial", "") or ""
            dlg = PrintPreviewDialog(pdf, title, f"{title}-{serial}.pdf", self, runner=self._runner(),
                                     on_output=output, finalize=finalize)
            dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.preview_dialog = dlg
            dlg.open()

        self.document_op = self._runner().run(self.tr("生成文书"), build, on_done=show)
        return self.document_op

    def _click(self, name: str) -> None:
        """A shortcut presses its button when the button is there and enabled."""
        b = self.buttons.get(name)
        if b is not None and b.isEnabled():
            b.click()

    def _step_key(self, n: int) -> None:
        """Alt+n: press the n-th step button when it is enabled."""
        steps = [b for name, b in self.buttons.items() if name.startswith("action_")]
        if 0 < n <= len(steps) and steps[n - 1].isEnabled():
            steps[n - 1].click()

    def action_names(self) -> list[str]:
        """Names of the workflow steps currently offered (enabled) (for tests and tools)."""
        return [n.removeprefix("action_") for n, b in self.buttons.items() if n.startswith("action_") and b.isEnabled()]

    def _done(self) -> None:
        self.refresh()
        self.changed.emit()

    def _defaults(self, specs: Sequence[FieldSpec]) -> dict[str, Any]:
        who = self.services.actor.display_name or self.services.actor.username
        return {s.name: who for s in specs if s.name in SIGNED_BY_FIELDS}

    def run_action(self, name: str) -> bool:
        """Open the step's dialog; True when the step was performed."""
        assert self.spec.workflow is not None
        action = self.spec.workflow.get(name)
        serial = getattr(self.record, "serial", "")
        intro = self._close_review_text() if (self.kind, name) == ("package", "approve_close") else ""
        dlg = StepDialog(self.services, f"{t(action.label)} — {serial}", action.fields,
                         lambda v: self.services.act(self.kind, self.record_id, name, v), self,
                         defaults=self._defaults(action.fields), name=name, intro=intro)
        if dlg.exec():
            self._done()
            return True
        return False

    def _close_review_text(self) -> str:
        """销号: the linked cases with their state, the 五包 checklist, and what is still open."""
        review = close_review(self.services, self.record_id)
        lines = [self.tr("关联案件：")]
        lines += [f"　{'●' if c.open else '✓'} {c.label}　{t(c.state)}" for c in review.links] or [self.tr("　（无）")]
        lines.append(self.tr("五包：") + "　".join(f"{'☑' if done else '☐'}{t(label)}" for label, done in review.checklist))
        if review.warnings:
            lines.append(self.tr("注意：") + "；".join(review.warnings))
        return "\n".join(lines)

    def add_child(self, key: str) -> bool:
        child = self.spec.children[key]
        label = t(child.label)
        if key == "links":
            from .forms.pickers import RecordPickerDialog

            taken = {r.record_id for r in self._child_rows.get("links", [])}
            picker = RecordPickerDialog(self.services, ("petition", "dispute"), self.tr("关联案件"), taken, self)
            if not picker.exec():
                return False
            try:
                for opt in picker.selected():
                    self.services.add_child(self.kind, self.record_id, key,
                                            {"record_kind": opt.kind, "record_id": opt.id})
            except DomainError as e:
                QMessageBox.warning(self, label, e.message)
                return False
            self._done()
            return True
        dlg = StepDialog(self.services, self.tr("登记{label}").format(label=label), child.fields,
                         lambda v: self.services.add_child(self.kind, self.record_id, key, v), self,
                         defaults=self._defaults(child.fields), name=f"child_{key}")
        if dlg.exec():
            self._done()
            return True
        return False

    def void_child(self, key: str) -> bool:
        table = self.child_tables[key]
        row = table.currentRow()
        rows = self._child_rows.get(key, [])
        if not 0 <= row < len(rows):
            return False
        child_id = rows[row].id
        label = t(self.spec.children[key].label)
        dlg = StepDialog(self.services, self.tr("作废{label}").format(label=label), [VOID_REASON],
                         lambda v: self.services.void_child(self.kind, key, child_id, v["void_reason"] or ""), self,
                         intro=self.tr("作废后此行不再计入统计，但保留在修改历史中。"), name=f"void_child_{key}")
        if dlg.exec():
            self._done()
            return True
        return False

    def void(self) -> bool:
        dlg = StepDialog(self.services, self.tr("作废{label}").format(label=t(self.spec.label)), [VOID_REASON],
                         lambda v: self.services.void(self.kind, self.record_id, v["void_reason"] or ""), self,
                         intro=self.tr("作废的记录保留在数据库中并同步到县级，但不再计入任何统计。请写明原因。"),
                         name="void")
        if dlg.exec():
            self._done()
            return True
        return False

    def edit(self) -> RecordFormDialog:
        dlg = RecordFormDialog(self.services, self.kind, self.record_id, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dlg.saved.connect(lambda _rid: self._done())
        self.edit_dialog = dlg
        dlg.show()
        return dlg
