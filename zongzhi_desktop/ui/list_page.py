"""A record list: search box, filters, the SQL-paged table, new/export/refresh."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..services import Services
from ..services.listing import OPEN, Lister, ListQuery, list_spec
from ..services.queries import DUE_SOON_DAYS
from .icons import icon
from .list_model import RecordTableModel
from .runner import OperationRunner, Progress

SEARCH_DELAY_MS = 300
RANGES = ("all", "today", "week", "month", "quarter", "year", "custom")


def range_dates(key: str, today: date) -> tuple[date | None, date | None]:
    """The date span of a quick range choice (None, None for all/custom)."""
    if key == "today":
        return today, today
    if key == "week":
        start = today - timedelta(days=today.weekday())
        return start, start + timedelta(days=6)
    if key == "month":
        start = today.replace(day=1)
        nxt = (start + timedelta(days=32)).replace(day=1)
        return start, nxt - timedelta(days=1)
    if key == "quarter":
        m = (today.month - 1) // 3 * 3 + 1
        start = today.replace(month=m, day=1)
        nxt = (start + timedelta(days=95)).replace(day=1)
        return start, nxt - timedelta(days=1)
    if key == "year":
        return today.replace(month=1, day=1), today.replace(month=12, day=31)
    return None, None


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class RecordListPage(QWidget):
    """One kind's list. Emits open_record / new_record; the main window opens the dialogs."""

    open_record = Signal(str, str)  # kind, record id
    new_record = Signal(str)  # kind
    exported = Signal(str, int)  # path, rows

    def __init__(self, services: Services, lister: Lister, kind: str, runner: OperationRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.lister = lister
        self.kind = kind
        self.runner = runner
        self.spec = list_spec(kind)
        self.setObjectName(f"list_page_{kind}")
        self._base = ListQuery(kind)
        self._generation = 0
        self._updating = False
        self.stale = False  # records changed while this list was hidden: re-read when shown
        self.model = RecordTableModel(lister, self._base, self, runner=runner)
        self._build()
        self._sync_header()
        self._update_count()

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        spec = self.spec
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)

        top = QHBoxLayout()
        title = QLabel(_kind_label(spec.kind))
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        top.addWidget(title)
        self.search = QLineEdit()
        self.search.setObjectName("list_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("搜索姓名、身份证号、电话、内容（Ctrl+F）"))
        self.search.setMinimumWidth(300)
        top.addWidget(self.search, 1)
        self.new_button = QPushButton(self.tr("新建"))
        self.new_button.setObjectName("list_new")
        self.new_button.setToolTip(self.tr("新建记录（Ctrl+N）"))
        self.export_button = QPushButton(self.tr("导出Excel"))
        self.export_button.setObjectName("list_export")
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.setObjectName("list_refresh")
        self.refresh_button.setToolTip(self.tr("重新读取（F5）"))
        for b in (self.new_button, self.export_button, self.refresh_button):
            top.addWidget(b)
        layout.addLayout(top)

        filters = QHBoxLayout()
        self.status = QComboBox()
        self.status.setObjectName("filter_status")
        if spec.workflow:
            self.status.addItem(self.tr("全部状态"), None)
            self.status.addItem(self.tr("在办（未办结）"), OPEN)
            for code, label in spec.workflow.states.items():
                self.status.addItem(label, code)
            filters.addWidget(self.status)
        self.type = QComboBox()
        self.type.setObjectName("filter_type")
        if spec.type_table:
            self.type.addItem(self.tr("全部类型"), None)
            for code, label in self.services.codes[spec.type_table].items.items():
                self.type.addItem(label, code)
            filters.addWidget(self.type)
        self.village = QComboBox()
        self.village.setObjectName("filter_village")
        if spec.village_col:
            self.village.addItem(self.tr("全部村(社区)"), None)
            for vid, name in self.lister.villages():
                self.village.addItem(name, vid)
            filters.addWidget(self.village)
        self.risk = QComboBox()
        self.risk.setObjectName("filter_risk")
        self.homicide = QCheckBox(self.tr("易引发命案"))
        self.homicide.setObjectName("filter_homicide")
        if spec.has_risk:
            self.risk.addItem(self.tr("全部风险"), None)
            for code, label in self.services.codes["risk_level"].items.items():
                self.risk.addItem(self.tr("风险：{label}").format(label=label), code)
            filters.addWidget(self.risk)
            if spec.homicide_filter:
                filters.addWidget(self.homicide)
        self.overdue = QCheckBox(self.tr("已逾期"))
        self.overdue.setObjectName("filter_overdue")
        # 7日内到期: open with its next deadline from today to today + 7 (with 已逾期: either).
        self.due_soon = QCheckBox(self.tr("7日内到期"))
        self.due_soon.setObjectName("filter_due_soon")
        if spec.has_deadline:
            filters.addWidget(self.overdue)
            filters.addWidget(self.due_soon)
        self.range = QComboBox()
        self.range.setObjectName("filter_range")
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        if spec.date_field:
            filters.addWidget(QLabel(_date_label(spec.kind)))
            for key, text in zip(RANGES, (self.tr("不限"), self.tr("今天"), self.tr("本周"), self.tr("本月"),
                                          self.tr("本季度"), self.tr("本年"), self.tr("自定义")), strict=True):
                self.range.addItem(text, key)
            filters.addWidget(self.range)
            today = _qdate(self.services.today())
            for w, name in ((self.date_from, "filter_from"), (self.date_to, "filter_to")):
                w.setObjectName(name)
                w.setCalendarPopup(True)
                w.setDisplayFormat("yyyy-MM-dd")
                w.setDate(today)
                w.setVisible(False)
            filters.addWidget(self.date_from)
            self.range_dash = QLabel("—")
            self.range_dash.setVisible(False)
            filters.addWidget(self.range_dash)
            filters.addWidget(self.date_to)
        filters.addStretch(1)
        self.count_label = QLabel("")
        self.count_label.setObjectName("list_count")
        filters.addWidget(self.count_label)
        layout.addLayout(filters)

        self.preset = QFrame()
        self.preset.setObjectName("list_preset")
        self.preset.setStyleSheet("#list_preset { background: #e8f0fb; border: 1px solid #b9cbe6; border-radius: 3px; }")
        preset_layout = QHBoxLayout(self.preset)
        preset_layout.setContentsMargins(8, 2, 4, 2)
        self.preset_label = QLabel("")
        self.preset_label.setObjectName("list_preset_label")
        preset_layout.addWidget(self.preset_label, 1)
        self.preset_clear = QPushButton(self.tr("清除筛选"))
        self.preset_clear.setObjectName("list_preset_clear")
        self.preset_clear.setFlat(True)
        preset_layout.addWidget(self.preset_clear)
        self.preset.setVisible(False)
        layout.addWidget(self.preset)

        self.table = QTableView()
        self.table.setObjectName("list_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vh = self.table.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # uniform rows: no per-row size queries
        vh.setDefaultSectionSize(self.fontMetrics().height() + 8)
        hh = self.table.horizontalHeader()
        hh.setSortIndicatorShown(True)
        hh.setSectionsClickable(True)
        hh.setHighlightSections(False)
        hh.setStretchLastSection(True)
        char = self.fontMetrics().horizontalAdvance("中")
        for i, col in enumerate(self.spec.columns):
            self.table.setColumnWidth(i, max(48, col.width * char + 16))
        layout.addWidget(self.table, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_filters)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._apply_filters)
        for combo in (self.status, self.type, self.village, self.risk):
            combo.currentIndexChanged.connect(self._apply_filters)
        self.homicide.toggled.connect(self._apply_filters)
        self.overdue.toggled.connect(self._apply_filters)
        self.due_soon.toggled.connect(self._apply_filters)
        self.range.currentIndexChanged.connect(self._range_changed)
        self.date_from.dateChanged.connect(self._apply_filters)
        self.date_to.dateChanged.connect(self._apply_filters)
        hh.sectionClicked.connect(self._header_clicked)
        self.table.activated.connect(self._activated)
        self.new_button.clicked.connect(lambda: self.new_record.emit(self.kind))
        self.export_button.clicked.connect(lambda: self.export())
        self.refresh_button.clicked.connect(self.refresh)
        self.preset_clear.clicked.connect(self.clear_filters)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self._focus_search)
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, activated=self.refresh)

    def apply_icons(self) -> None:
        """Icons come after the first paint (see icons.py)."""
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        for button, name in ((self.new_button, "new"), (self.export_button, "export"),
                             (self.refresh_button, "refresh"), (self.preset_clear, "clear")):
            button.setIcon(icon(name))

    # -- queries --------------------------------------------------------------------------------
    @property
    def query(self) -> ListQuery:
        return self.model.query

    def _widgets_query(self) -> ListQuery:
        """The query the filter widgets describe, on top of the preset's invisible constraints."""
        q = replace(self._base, search=self.search.text().strip(),
                    sort=self.model.query.sort, descending=self.model.query.descending)
        if self.spec.workflow:
            q = replace(q, status=self.status.currentData())
        if self.spec.type_table:
            q = replace(q, type=self.type.currentData())
        if self.spec.village_col:
            q = replace(q, village_id=self.village.currentData())
        if self.spec.has_risk:
            q = replace(q, risk_level=self.risk.currentData(),
                        homicide_risk=self.spec.homicide_filter and self.homicide.isChecked())
        if self.spec.has_deadline:
            q = replace(q, overdue=self.overdue.isChecked())
            if self.due_soon.isChecked():
                q = replace(q, due_within=DUE_SOON_DAYS)
        if self.spec.date_field:
            key = self.range.currentData()
            if key == "custom":
                q = replace(q, date_from=_pydate(self.date_from.date()), date_to=_pydate(self.date_to.date()))
            elif key == "all":
                q = replace(q, date_from=None, date_to=None)
            else:
                start, end = range_dates(key, self.services.today())
                q = replace(q, date_from=start, date_to=end)
        return q

    def _range_changed(self) -> None:
        custom = self.range.currentData() == "custom"
        for w in (self.date_from, self.date_to, self.range_dash):
            w.setVisible(custom)
        self._apply_filters()

    def _apply_filters(self) -> None:
        if self._updating:
            return
        self._search_timer.stop()
        self.set_query(self._widgets_query())

    def set_query(self, q: ListQuery) -> None:
        """Show `q`. A search is counted in the background first (a short search scans the table)."""
        self._generation += 1
        gen = self._generation
        if not q.search:
            self.model.set_query(q)
            self._after_query()
            return
        self.count_label.setText(self.tr("正在搜索…"))

        def done(_n: object) -> None:
            if gen == self._generation:  # a newer query replaced this one meanwhile
                self.model.set_query(q)
                self._after_query()

        self.runner.run(self.tr("搜索"), lambda _p: self.lister.count(q), on_done=done, show_progress=False)

    def _after_query(self) -> None:
        self._sync_header()
        self._update_count()

    def apply_preset(self, q: ListQuery, title: str = "") -> None:
        """Show a drill-down (dashboard number): set the widgets from `q` and name it in a banner."""
        self._updating = True
        try:
            # "Due within 7 days" (alone or with 已逾期) is the checkbox; other windows stay in the preset.
            soon = q.due_within == DUE_SOON_DAYS
            self._base = replace(ListQuery(self.kind), due_within=None if soon else q.due_within,
                                 date_basis=q.date_basis,
                                 overdue=q.overdue if q.due_within is not None and not soon else False, ids=q.ids)
            self.due_soon.setChecked(soon)
            self.search.setText(q.search)
            _select(self.status, q.status)
            _select(self.type, q.type)
            _select(self.village, q.village_id)
            _select(self.risk, q.risk_level)
            self.homicide.setChecked(q.homicide_risk)
            self.overdue.setChecked(q.overdue and (q.due_within is None or soon))
            if self.spec.date_field:
                if q.date_from or q.date_to:
                    _select(self.range, "custom")
                    self.date_from.setDate(_qdate(q.date_from or q.date_to))  # type: ignore[arg-type]
                    self.date_to.setDate(_qdate(q.date_to or q.date_from))  # type: ignore[arg-type]
                else:
                    _select(self.range, "all")
                custom = self.range.currentData() == "custom"
                for w in (self.date_from, self.date_to, self.range_dash):
                    w.setVisible(custom)
        finally:
            self._updating = False
        self.preset_label.setText(self.tr("筛选：{title}").format(title=title) if title else "")
        self.preset.setVisible(bool(title))
        self.set_query(replace(self._widgets_query(), sort=q.sort, descending=q.descending))

    def show_ids(self, ids: list[str], title: str) -> None:
        """List exactly these records (a report figure's drill-down)."""
        self.apply_preset(ListQuery(self.kind, ids=tuple(ids)), title)

    def clear_filters(self) -> None:
        self._base = ListQuery(self.kind)
        self.apply_preset(ListQuery(self.kind))

    def showEvent(self, event: QShowEvent) -> None:
        if self.stale:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        self.stale = False
        self.lister.invalidate()
        if self.spec.village_col:
            current = self.village.currentData()
            self._updating = True
            self.village.clear()
            self.village.addItem(self.tr("全部村(社区)"), None)
            for vid, name in self.lister.villages():
                self.village.addItem(name, vid)
            _select(self.village, current)
            self._updating = False
        self.set_query(self.model.query)

    def _update_count(self) -> None:
        self.count_label.setText(self.tr("共 {n} 条").format(n=f"{self.model.rowCount():,}"))

    def _sync_header(self) -> None:
        col = self.model.sort_column()
        order = Qt.SortOrder.DescendingOrder if self.model.sort_descending() else Qt.SortOrder.AscendingOrder
        self.table.horizontalHeader().setSortIndicator(col, order)

    def _header_clicked(self, column: int) -> None:
        if not self.model.is_sortable(column):
            self._sync_header()  # keep showing the real sort
            return
        if column == self.model.sort_column():
            desc = not self.model.sort_descending()
        else:
            desc = self.spec.columns[column].fmt in ("date",)  # newest first for dates, A→Z otherwise
        self.model.sort(column, Qt.SortOrder.DescendingOrder if desc else Qt.SortOrder.AscendingOrder)
        self._sync_header()

    def _activated(self, index: object) -> None:
        rid = self.model.record_id(index.row())  # type: ignore[attr-defined]
        if rid:
            self.open_record.emit(self.kind, rid)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def current_record_id(self) -> str | None:
        idx = self.table.currentIndex()
        return self.model.record_id(idx.row()) if idx.isValid() else None

    # -- export ---------------------------------------------------------------------------------
    def export(self, path: str | None = None):  # type: ignore[no-untyped-def]
        """Export every row of the current list to XLSX (in the background). Returns the Operation."""
        if path is None:
            default = str(Path.home() / f"{_kind_label(self.kind)}_{self.services.today():%Y%m%d}.xlsx")
            path, _f = QFileDialog.getSaveFileName(self, self.tr("导出为Excel"), default, "Excel (*.xlsx)")
            if not path:
                return None
            if not path.lower().endswith(".xlsx"):
                path += ".xlsx"
        query = self.model.query
        target = path

        def work(p: Progress) -> int:
            return self.lister.export_xlsx(query, target, progress=lambda d, t: (
                p.report(d, t, self.tr("已导出 {done} / {total} 条").format(done=d, total=t)) or not p.cancelled))

        return self.runner.run(self.tr("导出Excel"), work, cancellable=True,
                               on_done=lambda n: self.exported.emit(target, int(n)))


def _select(combo: QComboBox, value: object) -> None:
    i = combo.findData(value)
    combo.setCurrentIndex(i if i >= 0 else 0)


def _kind_label(kind: str) -> str:
    return QCoreApplication.translate("listing", list_spec(kind).label)


def _date_label(kind: str) -> str:
    return QCoreApplication.translate("listing", list_spec(kind).date_label)
