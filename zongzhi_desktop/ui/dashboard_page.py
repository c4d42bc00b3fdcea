"""首页: what is due or overdue, today's counts, risk, case-packages near their target date, and a
12-week chart. Every number is a button that opens the list of exactly the records it counts.

The figures (about 80 counts, ~0.2 s over a 1,000,000-record store) and the 待办 list are read on the
window's operation runner; meanwhile the page says 正在加载… and shows no number (nothing stale is
presented as current), with 取消 next to it."""

from __future__ import annotations

from functools import cache
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import DomainError
from ..services import Services
from ..services.dashboard import (
    CHART_KINDS,
    DEADLINE_KINDS,
    NEW_KINDS,
    Dashboard,
    Figure,
    build_dashboard,
)
from ..services.kinds import REGISTERED_KINDS
from ..services.listing import Lister, ListRow, list_spec
from ..services.todo import TodoItem, title_column, todo_for
from .chart import WeeklyChart
from .errors import show_domain_error, show_unexpected_error
from .icons import icon
from .list_model import DUE_SOON_BG, OVERDUE_BG
from .runner import Operation, OperationRunner, Progress

GRID_KINDS = ("petition", "dispute", "package", "dispatch", "activity")
GRID_KEYS = ("new_today", "resolved_today", "open", "overdue", "due_soon")


@cache
def _column_index(kind: str) -> dict[str, int]:
    return {c.key: i for i, c in enumerate(list_spec(kind).columns)}


def kind_label(kind: str) -> str:
    return QCoreApplication.translate("listing", list_spec(kind).label)


def figure_title(fig: Figure) -> str:
    """What a dashboard number counts, in words (the banner above the list it opens)."""
    kind = kind_label(fig.kind)
    q = fig.query
    templates = {
        "new_today": QCoreApplication.translate("Dashboard", "今日新登记的{kind}"),
        "resolved_today": QCoreApplication.translate("Dashboard", "今日办结（化解、销号、完成）的{kind}"),
        "open": QCoreApplication.translate("Dashboard", "在办的{kind}"),
        "overdue": QCoreApplication.translate("Dashboard", "已逾期的{kind}"),
        "due_soon": QCoreApplication.translate("Dashboard", "7日内到期的{kind}"),
        "high_risk": QCoreApplication.translate("Dashboard", "在办的高风险矛盾纠纷"),
        "homicide": QCoreApplication.translate("Dashboard", "在办的易引发命案矛盾纠纷"),
        "packages_near": QCoreApplication.translate("Dashboard", "化解时限已过或{days}日内到期的领导包案"),
        "week_new": QCoreApplication.translate("Dashboard", "{start}至{end}新登记的{kind}"),
        "week_resolved": QCoreApplication.translate("Dashboard", "{start}至{end}办结（化解）的{kind}"),
    }
    return templates.get(fig.key, fig.key).format(kind=kind, start=q.date_from, end=q.date_to,
                                                  days=q.due_within)


class DashboardPage(QWidget):
    """The first screen. `open_list(query, title)` and `open_record(kind, id)` go to the main window."""

    open_list = Signal(object, str)
    open_record = Signal(str, str)
    open_step = Signal(str, str, str)  # kind, record id, workflow step (待办: 申请销号 → 销号)
    open_sheet = Signal(str, str)  # sheet kind, period (待办: 待签发)
    loaded = Signal()  # the figures and 待办 shown are the ones just read

    def __init__(self, services: Services, lister: Lister, parent: QWidget | None = None, *,
                 runner: OperationRunner | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.lister = lister
        self.runner = runner or OperationRunner(self)
        self.dashboard: Dashboard | None = None
        self.todo: list[TodoItem] = []
        self.buttons: dict[tuple[str, str], QPushButton] = {}
        self.loading = False
        self._generation = 0
        self._operation: Operation | None = None
        self.setObjectName("dashboard_page")
        self._build()
        self.refresh()

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 6)
        head = QHBoxLayout()
        self.heading = QLabel("")
        self.heading.setObjectName("dashboard_heading")
        self.heading.setStyleSheet("font-size: 14pt; font-weight: bold;")
        head.addWidget(self.heading, 1)
        self.loading_label = QLabel("")
        self.loading_label.setObjectName("dashboard_loading")
        self.loading_label.setStyleSheet("color: #1f5fa8;")
        head.addWidget(self.loading_label)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setObjectName("dashboard_cancel")
        self.cancel_button.setToolTip(self.tr("停止读取首页数字"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(lambda: self.cancel())
        head.addWidget(self.cancel_button)
        self.refresh_button = refresh = QPushButton(self.tr("刷新"))
        refresh.setObjectName("dashboard_refresh")
        refresh.clicked.connect(lambda: self.refresh())
        head.addWidget(refresh)
        layout.addLayout(head)

        top = QHBoxLayout()
        grid_box = QGroupBox(self.tr("今日与在办"))
        grid = QGridLayout(grid_box)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(2)
        headers = (self.tr("今日新登记"), self.tr("今日办结"), self.tr("在办"), self.tr("已逾期"), self.tr("7日内到期"))
        for c, text in enumerate(headers, start=1):
            h = QLabel(text)
            h.setStyleSheet("color: #5a6270;")
            grid.addWidget(h, 0, c, alignment=Qt.AlignmentFlag.AlignCenter)
        registered = tuple(k for k in REGISTERED_KINDS if self.services.may_read(k))
        for r, kind in enumerate((*GRID_KINDS, *registered), start=1):
            grid.addWidget(QLabel(kind_label(kind)), r, 0)
            for c, key in enumerate(GRID_KEYS, start=1):
                applies = (key == "new_today" and kind in NEW_KINDS) or (key != "new_today" and kind in DEADLINE_KINDS)
                if not applies:
                    dash = QLabel("—")
                    dash.setStyleSheet("color: #b0b6c0;")
                    grid.addWidget(dash, r, c, alignment=Qt.AlignmentFlag.AlignCenter)
                    continue
                grid.addWidget(self._button(key, kind), r, c, alignment=Qt.AlignmentFlag.AlignCenter)
        top.addWidget(grid_box, 3)

        risk_box = QGroupBox(self.tr("重点关注"))
        risk = QGridLayout(risk_box)
        for r, (key, kind, text) in enumerate((
            ("high_risk", "dispute", self.tr("高风险在办纠纷")),
            ("homicide", "dispute", self.tr("易引发命案在办纠纷")),
            ("packages_near", "package", self.tr("包案临近化解时限")),
        )):
            risk.addWidget(QLabel(text), r, 0)
            risk.addWidget(self._button(key, kind), r, 1, alignment=Qt.AlignmentFlag.AlignRight)
        top.addWidget(risk_box, 2)
        layout.addLayout(top)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("dashboard_splitter")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("dashboard_tabs")
        self.overdue_table = self._table("dash_overdue", (self.tr("类型"), self.tr("编号"), self.tr("事项"),
                                                          self.tr("状态"), self.tr("期限"), self.tr("提示")))
        self.due_table = self._table("dash_due", (self.tr("类型"), self.tr("编号"), self.tr("事项"), self.tr("状态"),
                                                  self.tr("期限"), self.tr("提示")))
        self.risk_table = self._table("dash_risk", (self.tr("编号"), self.tr("纠纷名称"), self.tr("当事人"),
                                                    self.tr("风险"), self.tr("易引发命案"), self.tr("状态")))
        self.package_table = self._table("dash_packages", (self.tr("编号"), self.tr("包案事项"), self.tr("包案领导"),
                                                           self.tr("化解时限"), self.tr("提示")))
        self.todo_table = self._table("dash_todo", (self.tr("待办"), self.tr("事项"), self.tr("期限"),
                                                    self.tr("操作")))
        self.todo_table.itemActivated.disconnect(self._row_activated)
        self.todo_table.itemActivated.connect(lambda item: self.open_todo(item.row()))
        self.tabs.addTab(self.todo_table, "")
        self.tabs.addTab(self.overdue_table, "")
        self.tabs.addTab(self.due_table, "")
        self.tabs.addTab(self.risk_table, "")
        self.tabs.addTab(self.package_table, "")
        self.splitter.addWidget(self.tabs)

        chart_box = QGroupBox(self.tr("近12周新增与办结"))
        chart_layout = QVBoxLayout(chart_box)
        self.chart_kind = QComboBox()
        self.chart_kind.setObjectName("chart_kind")
        for kind in CHART_KINDS:
            self.chart_kind.addItem(kind_label(kind), kind)
        self.chart_kind.currentIndexChanged.connect(self._show_chart)
        chart_layout.addWidget(self.chart_kind, alignment=Qt.AlignmentFlag.AlignLeft)
        self.chart = WeeklyChart()
        self.chart.bar_clicked.connect(self._figure_clicked)
        chart_layout.addWidget(self.chart, 1)
        self.splitter.addWidget(chart_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([640, 420])
        layout.addWidget(self.splitter, 1)

    def apply_icons(self) -> None:
        self.refresh_button.setIcon(icon("refresh"))

    def _button(self, key: str, kind: str) -> QPushButton:
        b = QPushButton("0")
        b.setObjectName(f"fig_{key}_{kind}")
        b.setFlat(True)
        b.setCursor(Qt.CursorShape.PointingHandCursor)
        b.setMinimumWidth(56)
        b.clicked.connect(lambda _c=False, k=key, kd=kind: self._button_clicked(k, kd))
        self.buttons[(key, kind)] = b
        return b

    def _table(self, name: str, headers: tuple[str, ...]) -> QTableWidget:
        t = QTableWidget(0, len(headers))
        t.setObjectName(name)
        t.setHorizontalHeaderLabels(list(headers))
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.verticalHeader().setVisible(False)
        t.horizontalHeader().setStretchLastSection(True)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        t.setWordWrap(False)
        t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + 8)
        t.itemActivated.connect(self._row_activated)
        return t

    # -- data -----------------------------------------------------------------------------------
    def figure(self, key: str, kind: str) -> Figure | None:
        d = self.dashboard
        if d is None:
            return None
        if key in ("high_risk", "homicide", "packages_near"):
            return getattr(d, key)
        for fig in getattr(d, key):
            if fig.kind == kind:
                return fig
        return None

    def refresh(self) -> None:
        """Read the figures and 待办 again on the runner; until they arrive the page shows 正在加载…"""
        self._generation += 1
        generation = self._generation
        if self._operation is not None and not self._operation.is_done:
            self._operation.progress.cancel()  # a newer refresh replaces it
        self.lister.invalidate()
        self._set_loading(True)
        lister, services = self.lister, self.services

        def work(progress: Progress) -> tuple[Dashboard, list[TodoItem], str]:
            dash = build_dashboard(lister, check=progress.check)
            progress.check()
            todo = todo_for(services)
            try:
                township = services.township.name
            except Exception:  # the heading must not break the dashboard
                township = ""
            return dash, todo, township

        def done(result: Any) -> None:
            if generation == self._generation:
                self._show(*result)

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self._set_loading(False)
                self.loading_label.setText(self.tr("首页数字读取失败，请点“刷新”重试"))
            if isinstance(error, DomainError):
                show_domain_error(self, error)
            else:
                show_unexpected_error(self, f"{type(error).__name__}: {error}", "", self.runner.log_path)

        def cancelled() -> None:
            if generation == self._generation:
                self._set_loading(False)
                self.loading_label.setText(self.tr("已取消，点“刷新”重新读取"))

        op = self.runner.run(self.tr("读取首页"), work, on_done=done, on_error=failed, cancellable=True,
                             show_progress=False, housekeeping=True)
        op.cancelled.connect(cancelled)
        self._operation = op

    def cancel(self) -> None:
        """取消: stop reading (the worker stops before its next query); the figures stay blank."""
        if self._operation is not None and not self._operation.is_done:
            self._operation.progress.cancel()

    def _set_loading(self, busy: bool) -> None:
        """While reading, every number reads "…" and is disabled: nothing stale looks current."""
        self.loading = busy
        self.cancel_button.setVisible(busy)
        self.refresh_button.setEnabled(not busy)
        if not busy:
            return
        self.dashboard = None
        self.loading_label.setText(self.tr("正在加载…"))
        for button in self.buttons.values():
            button.setText("…")
            button.setToolTip("")
            button.setEnabled(False)
            button.setStyleSheet("QPushButton { color: #9aa2ae; font-size: 13pt; font-weight: bold; border: none; }")
        for table in (self.todo_table, self.overdue_table, self.due_table, self.risk_table, self.package_table):
            table.setRowCount(0)
        self.todo = []
        for i, text in enumerate((self.tr("待办"), self.tr("已逾期"), self.tr("7日内到期"), self.tr("高风险/命案风险"),
                                  self.tr("包案临近时限"))):
            self.tabs.setTabText(i, f"{text} …")
        self.chart.set_bins([])

    def _show(self, d: Dashboard, todo: list[TodoItem], township: str) -> None:
        """Lay out what the worker read (GUI thread)."""
        self.dashboard = d
        self._set_loading(False)
        self.loading_label.setText("")
        self.heading.setText(self.tr("{township}综治中心 · {today}").format(township=township,
                                                                           today=d.today.isoformat()))
        for (key, kind), button in self.buttons.items():
            fig = self.figure(key, kind)
            n = fig.count if fig else 0
            button.setEnabled(True)
            button.setText(f"{n:,}")
            button.setToolTip(figure_title(fig) if fig else "")
            alert = key in ("overdue", "high_risk", "homicide", "packages_near") and n > 0
            color = "#c62828" if alert else ("#1f5fa8" if n else "#9aa2ae")
            button.setStyleSheet(f"QPushButton {{ color: {color}; font-size: 13pt; font-weight: bold; "
                                 "border: none; text-decoration: underline; }")
        self._fill_due(self.overdue_table, d.overdue_rows)
        self._fill_due(self.due_table, d.due_rows)
        self._fill_risk(d.risk_rows)
        self._fill_packages(d.package_rows)
        self._fill_todo(todo)
        self.tabs.setTabText(0, self.tr("待办 {n}").format(n=len(self.todo)))
        self.tabs.setTabText(1, self.tr("已逾期 {n}").format(n=sum(f.count for f in d.overdue)))
        self.tabs.setTabText(2, self.tr("7日内到期 {n}").format(n=sum(f.count for f in d.due_soon)))
        self.tabs.setTabText(3, self.tr("高风险/命案风险 {n}").format(n=len(d.risk_rows)))
        self.tabs.setTabText(4, self.tr("包案临近时限 {n}").format(
            n=d.packages_near.count if d.packages_near else 0))
        self._show_chart()
        self.loaded.emit()

    def _show_chart(self) -> None:
        if self.dashboard is not None:
            self.chart.set_bins(self.dashboard.weeks.get(self.chart_kind.currentData(), []))

    def _cells(self, kind: str, row: ListRow, keys: tuple[str, ...]) -> list[str]:
        index = _column_index(kind)
        return [row.cells[index[k]] if k in index else "" for k in keys]

    def _set_row(self, table: QTableWidget, r: int, values: list[str], kind: str, rid: str, state: int) -> None:
        for c, v in enumerate(values):
            item = QTableWidgetItem(v)
            item.setData(Qt.ItemDataRole.UserRole, (kind, rid))
            if state == -1:
                item.setBackground(OVERDUE_BG)
            elif state == 1:
                item.setBackground(DUE_SOON_BG)
            table.setItem(r, c, item)

    def _fill_due(self, table: QTableWidget, rows: list) -> None:  # type: ignore[type-arg]
        rows = sorted(rows, key=lambda dr: (self._cells(dr.kind, dr.row, ("next_deadline",))[0], dr.kind))
        table.setUpdatesEnabled(False)
        table.setRowCount(len(rows))
        for r, dr in enumerate(rows):
            vals = self._cells(dr.kind, dr.row, ("serial", title_column(dr.kind), "status", "next_deadline",
                                                 "days_left"))
            self._set_row(table, r, [kind_label(dr.kind), *vals], dr.kind, dr.row.id, dr.row.deadline_state)
        table.resizeColumnsToContents()
        table.setUpdatesEnabled(True)

    def _fill_todo(self, items: list[TodoItem]) -> None:
        """待办: one row per thing waiting for the signed-in user; Enter/double-click does it."""
        self.todo = items
        groups = {"close_request": self.tr("申请销号"), "sheet": self.tr("待签发"), "package_overdue": self.tr("包案逾期"),
                  "overdue": self.tr("已逾期"), "due_soon": self.tr("7日内到期")}
        t = self.todo_table
        t.setRowCount(len(items))
        for r, it in enumerate(items):
            if it.group == "sheet":
                what = self.tr("打开报表签发")
            elif it.action == "approve_close":
                what = self.tr("审核销号")
            else:
                what = self.tr("打开{kind}").format(kind=kind_label(it.kind))
            state = -1 if it.group in ("overdue", "package_overdue") else (1 if it.group == "due_soon" else 0)
            vals = [groups.get(it.group, it.group), it.label, it.due.isoformat() if it.due else "", what]
            for c, v in enumerate(vals):
                item = QTableWidgetItem(v)
                if state == -1:
                    item.setBackground(OVERDUE_BG)
                elif state == 1:
                    item.setBackground(DUE_SOON_BG)
                t.setItem(r, c, item)
        t.resizeColumnsToContents()

    def open_todo(self, row: int) -> None:
        """Do to-do `row`: the 销号 step of a package, the report page for a sheet, else the record."""
        if not 0 <= row < len(self.todo):
            return
        it = self.todo[row]
        if it.group == "sheet":
            self.open_sheet.emit(it.kind, it.period or "")
        elif it.action:
            self.open_step.emit(it.kind, it.record_id, it.action)
        else:
            self.open_record.emit(it.kind, it.record_id)

    def _fill_risk(self, rows: list[ListRow]) -> None:
        self.risk_table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            vals = self._cells("dispute", row, ("serial", "title", "parties", "risk_level", "homicide_risk", "status"))
            self._set_row(self.risk_table, r, vals, "dispute", row.id, 0)
        self.risk_table.resizeColumnsToContents()

    def _fill_packages(self, rows: list[ListRow]) -> None:
        self.package_table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            vals = self._cells("package", row, ("serial", "title", "leader", "target_date", "days_left"))
            self._set_row(self.package_table, r, vals, "package", row.id, row.deadline_state)
        self.package_table.resizeColumnsToContents()

    # -- clicks ---------------------------------------------------------------------------------
    def _button_clicked(self, key: str, kind: str) -> None:
        fig = self.figure(key, kind)
        if fig is not None:
            self._figure_clicked(fig)

    def _figure_clicked(self, fig: Figure) -> None:
        self.open_list.emit(fig.query, figure_title(fig))

    def _row_activated(self, item: QTableWidgetItem) -> None:
        self._open_row(item.tableWidget(), item.row())

    def _open_row(self, table: QTableWidget, r: int) -> None:
        item = table.item(r, 0)
        if item is not None:
            kind, rid = item.data(Qt.ItemDataRole.UserRole)
            self.open_record.emit(kind, rid)

