"""上报情况: the county's township status board — who reported for each of the last weeks or
months, on time or late, who is missing, the reporting and timely rates, gaps in each township's
bundle chain; and importing bundle files brought on USB sticks.

The figures come from county.timeliness (no Qt there); this widget only lays them out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..county.status import ranges
from ..county.timeliness import (
    MAX_TIMELY_DAYS,
    PeriodStatus,
    get_timely_days,
    history,
    rate_text,
    set_timely_days,
)
from ..domain.errors import DomainError
from ..domain.formatting import time_text
from ..store.database import Store
from .errors import show_domain_error
from .runner import Operation, OperationRunner, Progress

# How many periods the board shows, per kind.
PERIODS_SHOWN = {"week": 8, "month": 6}
STATUS_COLORS = {"on_time": "#c8e6c9", "late": "#ffe0b2", "missing": "#ffcdd2", "pending": "#e3f2fd",
                 "not_expected": "#eeeeee"}


def _local(dt: datetime | None) -> str:
    return time_text(dt)


def column_label(p: PeriodStatus) -> str:
    """W46 / 11月 (year only when it differs from the newest column)."""
    if p.period.kind == "week":
        return f"第{p.period.number}周"
    return f"{p.period.year}年{p.period.number}月" if p.period.number == 1 else f"{p.period.number}月"


class CountyBoard(QWidget):
    """Townships × recent periods, each cell 按时 / 迟报 / 未报 / 待报; rates underneath."""

    imported = Signal()  # bundles were imported: lists and reports should re-read
    township_activated = Signal(str)  # township code (double-click on its row)

    def __init__(self, store: Store, keys: Any = None, *, now: Callable[[], datetime] | None = None,
                 actor: str = "county", parent: QWidget | None = None,
                 runner: OperationRunner | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("county_board")
        self.runner = runner or OperationRunner(self)
        self.last_lines: list[str] = []
        self.store = store
        self.keys = keys
        self.now = now
        self.actor = actor
        self.periods: list[PeriodStatus] = []

        title = QLabel(self.tr("各乡镇上报情况"))
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.kind = QComboBox()
        self.kind.setObjectName("board_kind")
        self.kind.addItem(self.tr("按周"), "week")
        self.kind.addItem(self.tr("按月"), "month")
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.setObjectName("board_refresh")
        self.import_button = QPushButton(self.tr("导入批次文件…"))
        self.import_button.setObjectName("board_import")
        self.import_button.setToolTip(self.tr("导入乡镇用U盘送来的批次文件（.zzb），回执写在批次文件旁"))
        self.import_button.setEnabled(keys is not None)
        # How many days after a period a report still counts as on time (audited county setting).
        self.timely_days = QSpinBox()
        self.timely_days.setObjectName("board_timely_days")
        self.timely_days.setRange(0, MAX_TIMELY_DAYS)
        self.timely_days.setPrefix(self.tr("期末后 "))
        self.timely_days.setSuffix(self.tr(" 日内为按时"))
        self.timely_days.setValue(get_timely_days(store))
        self.timely_save = QPushButton(self.tr("保存"))
        self.timely_save.setObjectName("board_timely_save")
        self.timely_save.setToolTip(self.tr("修改按时上报的期限（记入审计日志）"))
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.timely_days)
        top.addWidget(self.timely_save)
        top.addWidget(self.kind)
        top.addWidget(self.refresh_button)
        top.addWidget(self.import_button)

        self.summary = QLabel()
        self.summary.setObjectName("board_summary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 11pt;")
        self.rule = QLabel()
        self.rule.setObjectName("board_rule")
        self.rule.setWordWrap(True)
        self.rule.setStyleSheet("color: #555;")
        self.table = QTableWidget()
        self.table.setObjectName("board_table")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(False)
        self.message = QLabel()
        self.message.setObjectName("board_message")
        self.message.setWordWrap(True)
        legend = QHBoxLayout()
        for status, text in (("on_time", self.tr("按时")), ("late", self.tr("迟报")), ("missing", self.tr("未报")),
                             ("pending", self.tr("待报")), ("not_expected", self.tr("不要求"))):
            chip = QLabel(text)
            chip.setStyleSheet(f"background: {STATUS_COLORS[status]}; padding: 2px 10px; border: 1px solid #bbb;")
            legend.addWidget(chip)
        legend.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.rule)
        layout.addLayout(legend)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)

        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh_button.clicked.connect(self.refresh)
        self.timely_save.clicked.connect(lambda: self.save_timely_days())
        self.import_button.clicked.connect(lambda: self.import_files())
        self.table.cellDoubleClicked.connect(self._double_clicked)
        self.refresh()

    # -- data ---------------------------------------------------------------------------------
    @property
    def period_kind(self) -> str:
        return str(self.kind.currentData())

    def refresh(self) -> None:
        """Re-read the county store and redraw."""
        kind = self.period_kind
        self.periods = history(self.store, kind, PERIODS_SHOWN[kind], now=self.now() if self.now else None)  # type: ignore[arg-type]
        self._fill()

    def latest_closed(self) -> PeriodStatus | None:
        closed = [p for p in self.periods if not p.is_open]
        return closed[-1] if closed else None

    def _fill(self) -> None:
        periods = self.periods
        towns = periods[-1].townships if periods else []
        headers = [self.tr("乡镇(街道)")] + [column_label(p) for p in periods] + [self.tr("最近接收"), self.tr("缺失批次")]
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setRowCount(len(towns) + 2)
        self.table.setHorizontalHeaderLabels(headers)
        for c, p in enumerate(periods, start=1):
            self.table.horizontalHeaderItem(c).setToolTip(self.tr("{label}（{start}—{end}），{deadline} 前收到为按时").format(
                label=p.period.short_label, start=p.period.start, end=p.period.end, deadline=_local(p.deadline)))
        for r, town in enumerate(towns):
            name = QTableWidgetItem(town.name)
            name.setData(Qt.ItemDataRole.UserRole, town.code)
            name.setToolTip(town.code)
            self.table.setItem(r, 0, name)
            for c, p in enumerate(periods, start=1):
                rep = p.townships[r]
                item = QTableWidgetItem(rep.label)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setBackground(QBrush(QColor(STATUS_COLORS[rep.status])))
                item.setData(Qt.ItemDataRole.UserRole, rep.status)
                if rep.covering is not None:
                    item.setToolTip(self.tr("批次 {seq}，{when} 收到").format(seq=rep.covering.sequence,
                                                                         when=_local(rep.covering.received_at)))
                self.table.setItem(r, c, item)
            last = QTableWidgetItem(_local(town.last_received_at) or self.tr("从未收到"))
            self.table.setItem(r, len(periods) + 1, last)
            gaps = []
            if town.missing_sequences:
                gaps.append(ranges(town.missing_sequences))
            if town.chain_breaks:
                gaps.append(self.tr("断链于 {seqs}").format(seqs=ranges(town.chain_breaks)))
            if town.forks:
                gaps.append(self.tr("序号重复 {seqs}").format(seqs=ranges(town.forks)))
            gap = QTableWidgetItem("；".join(gaps) if gaps else "—")
            if gaps:
                gap.setForeground(QBrush(QColor("#b71c1c")))
            self.table.setItem(r, len(periods) + 2, gap)
        for offset, (label, value) in enumerate(((self.tr("上报率"), lambda p: p.reporting_rate),
                                                 (self.tr("及时率"), lambda p: p.timely_rate))):
            r = len(towns) + offset
            head = QTableWidgetItem(label)
            font = head.font()
            font.setBold(True)
            head.setFont(font)
            self.table.setItem(r, 0, head)
            for c, p in enumerate(periods, start=1):
                item = QTableWidgetItem(rate_text(value(p)))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setFont(font)
                self.table.setItem(r, c, item)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
        self._summarize()

    def _summarize(self) -> None:
        p = self.latest_closed()
        if p is None:
            self.summary.setText("")
            self.rule.setText("")
            return
        self.summary.setText(self.tr(
            "{label}：应报 {expected} 个，按时 {on_time}，迟报 {late}，未报 {missing}，待报 {pending}；"
            "上报率 {rate}，及时率 {timely}").format(
            label=p.period.short_label, expected=p.expected, on_time=p.count("on_time"), late=p.count("late"),
            missing=p.count("missing"), pending=p.count("pending"), rate=rate_text(p.reporting_rate),
            timely=rate_text(p.timely_rate)))
        self.rule.setText(self.tr(
            "期末次日0时后导出的批次覆盖该期；期末后 {days} 日内县级收到为按时（右上角可改）。"
            "尚未到期的“待报”乡镇不计入上报率和及时率。双击乡镇查看其记录。").format(days=p.timely_days))

    def save_timely_days(self) -> None:
        """The 按时 window from the spin box (county/timeliness.py set_timely_days, audited)."""
        try:
            set_timely_days(self.store, self.timely_days.value(), actor=self.actor)
        except DomainError as e:
            show_domain_error(self, e, self.tr("按时上报期限"))
            return
        self.refresh()
        self.message.setText(self.tr("已保存：期末后 {days} 日内收到为按时").format(days=self.timely_days.value()))

    def cell_status(self, township_code: str, period_code: str) -> str | None:
        """The status shown for one township and period (for tests and tools)."""
        for p in self.periods:
            if p.period.code == period_code:
                for t in p.townships:
                    if t.code == township_code:
                        return t.status
        return None

    def _double_clicked(self, row: int, _col: int) -> None:
        item = self.table.item(row, 0)
        code = item.data(Qt.ItemDataRole.UserRole) if item else None
        if code:
            self.township_activated.emit(str(code))

    # -- importing ------------------------------------------------------------------------------
    def import_files(self, paths: list[str] | None = None) -> Operation | None:
        """Import bundle files (a file dialog when `paths` is None) on the window's operation runner,
        one file after another with a progress dialog and 取消 (between files: a bundle is imported
        whole or not at all); receipts are written next to each file. One line per file is shown under
        the table when done (`last_lines`), then the board re-reads and `imported` fires."""
        if self.keys is None:
            return None
        if paths is None:
            paths, _f = QFileDialog.getOpenFileNames(self, self.tr("导入批次文件"), str(Path.home()),
                                                     self.tr("批次文件 (*.zzb)"))
            if not paths:
                return None
        files = list(paths)
        lines: list[str] = []

        def work(progress: Progress) -> list[str]:
            for i, f in enumerate(files):
                progress.check()
                progress.report(i, len(files), self.tr("正在导入 {file}（{n}/{total}）…").format(
                    file=Path(f).name, n=i + 1, total=len(files)))
                lines.append(self._import_one(f))
            return lines

        def finish() -> None:
            self.last_lines = list(lines)
            self.import_button.setEnabled(self.keys is not None)
            self.message.setText("\n".join(lines))
            self.refresh()
            self.imported.emit()

        def cancelled() -> None:
            lines.append(self.tr("已取消：其余文件未导入"))
            finish()

        self.import_button.setEnabled(False)
        self.message.setText(self.tr("正在导入批次文件…"))
        op = self.runner.run(self.tr("导入批次文件"), work, on_done=lambda _r: finish(), cancellable=True,
                             on_error=lambda e: (lines.append(str(getattr(e, "message", e))), finish()))
        op.cancelled.connect(cancelled)
        return op

    def _import_one(self, f: str) -> str:
        """(worker thread) Import one bundle file and write its receipt; the line that says how it went."""
        from ..county.importer import import_bundle
        from ..sync.bundle import receipt_file_name
        from ..sync.errors import BundleRefused, SyncError

        name = Path(f).name
        try:
            r = import_bundle(self.store, f, self.keys, actor=self.actor, via="file")
        except (BundleRefused, SyncError) as e:
            return self.tr("{file}：拒收 — {reason}").format(file=name, reason=e.message)
        except DomainError as e:  # pragma: no cover - other domain refusals
            return self.tr("{file}：拒收 — {reason}").format(file=name, reason=e.message)
        receipt = Path(f).with_name(receipt_file_name(r.township_code, r.sequence))
        try:
            receipt.write_bytes(r.receipt)
            where = self.tr("回执已写入 {path}").format(path=receipt)
        except OSError as e:
            where = self.tr("回执无法写入（{err}）").format(err=e.strerror)
        if r.replay:
            head = self.tr("重复导入，县级数据未改变")
        else:
            head = self.tr("接收 {accepted} 条，拒收 {rejected} 条").format(accepted=r.accepted, rejected=r.rejected)
        return self.tr("{file}：乡镇 {town} 批次 {seq}：{head}；{where}").format(
            file=name, town=r.township_code, seq=r.sequence, head=head, where=where)
