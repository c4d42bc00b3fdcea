"""文件 → 导入台账: a wizard over zongzhi_desktop.ledger (the same functions the CLI calls).

Steps: file, kind and sheets → detected header and column mapping (editable; saved/loaded as a
mapping file) with fixed values → value mapping to code tables (every distinct text once, with
its count) → preview of the first rows and every row error → import. Reading and validating run
on the operation runner; the GUI thread only fills tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from sqlalchemy import select

from ..domain import models as m
from ..domain.errors import DomainError
from ..ledger.fields import LEDGER_FIELDS, LEDGER_KINDS, STATE_LABELS, field_by_name
from ..ledger.header import Header
from ..ledger.importer import SKIP_LABELS, Plan, commit_import, headers_of, plan_import, value_table
from ..ledger.mapping import Mapping, load_mapping
from ..ledger.read import sheet_names
from ..ledger.report import write_error_report
from ..ledger.rows import RowError
from ..services import Services
from .errors import show_domain_error, show_message
from .runner import OperationRunner

# What a reference column's values are chosen from in the value step.
_REF_MODELS: dict[str, type[Any]] = {"village": m.Village, "leader": m.Leader, "department": m.Department,
                                     "team": m.VolunteerTeam}

# The ledger kinds' names (ledger/fields.py LEDGER_KINDS), for the translation catalog.
_KIND_NAMES = (QT_TRANSLATE_NOOP("LedgerKinds", "矛盾纠纷排查化解台账"), QT_TRANSLATE_NOOP("LedgerKinds", "信访台账"),
               QT_TRANSLATE_NOOP("LedgerKinds", "包案台账"), QT_TRANSLATE_NOOP("LedgerKinds", "志愿服务台账"))
PREVIEW_ROWS = 50
UNKNOWN = QBrush(QColor("#fde2e1"))
NOT_MAPPED = ""  # combo data for "no column" / "no value"


def _item(text: Any, *, tip: str = "") -> QTableWidgetItem:
    it = QTableWidgetItem("" if text is None else str(text))
    it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if tip:
        it.setToolTip(tip)
    return it


def _table(headers: list[str], name: str) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    t.setAlternatingRowColors(True)
    return t


class FilePage(QWizardPage):
    """Choose the ledger kind, the file and its sheets."""

    def __init__(self, wizard: LedgerImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("第1步：选择台账文件"))
        self.setSubTitle(self.tr("支持 .xlsx、.xls 和 .csv（UTF-8 或 GBK）；可一次导入多个工作表（如每年或每月一个）。"))
        self.kind = QComboBox()
        self.kind.setObjectName("ledger_kind")
        for key, label in LEDGER_KINDS.items():
            self.kind.addItem(QCoreApplication.translate("LedgerKinds", label), key)
        self.path = QLineEdit()
        self.path.setObjectName("ledger_path")
        self.path.setPlaceholderText(self.tr("台账文件路径"))
        browse = QPushButton(self.tr("浏览…"))
        browse.setObjectName("ledger_browse")
        browse.clicked.connect(lambda: self._browse())
        self.sheets = QListWidget()
        self.sheets.setObjectName("ledger_sheets")
        self.note = QLabel()
        self.note.setObjectName("ledger_file_note")
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("台账类型")))
        lay.addWidget(self.kind)
        lay.addWidget(QLabel(self.tr("台账文件")))
        lay.addLayout(row)
        lay.addWidget(QLabel(self.tr("工作表（勾选要导入的）")))
        lay.addWidget(self.sheets, 1)
        lay.addWidget(self.note)
        self.path.textChanged.connect(lambda _t: self._load_sheets())
        self.sheets.itemChanged.connect(lambda _i: self.completeChanged.emit())

    def _browse(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, self.tr("选择台账文件"), str(Path.home()),
                                               self.tr("台账 (*.xlsx *.xls *.xlsm *.csv)"))
        if path:
            self.path.setText(path)

    def _load_sheets(self) -> None:
        self.sheets.clear()
        self.note.clear()
        path = Path(self.path.text().strip())
        if not path.is_file():
            self.completeChanged.emit()
            return

        def loaded(names: list[str]) -> None:
            if Path(self.path.text().strip()) != path:
                return  # the user typed on
            self.sheets.clear()
            for name in names:
                item = QListWidgetItem(name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
                self.sheets.addItem(item)
            self.completeChanged.emit()

        self.wiz.runner.run(self.tr("读取工作表"), lambda _p: sheet_names(path), on_done=loaded, show_progress=False,
                            on_error=lambda e: self.note.setText(getattr(e, "message", str(e))))

    def chosen_sheets(self) -> list[str]:
        return [self.sheets.item(i).text() for i in range(self.sheets.count())
                if self.sheets.item(i).checkState() == Qt.CheckState.Checked]

    def isComplete(self) -> bool:
        return Path(self.path.text().strip()).is_file() and bool(self.chosen_sheets())

    def validatePage(self) -> bool:
        kind = self.kind.currentData()
        path = Path(self.path.text().strip())
        if self.wiz.kind != kind or self.wiz.path != path:
            self.wiz.mapping = Mapping(kind)
        self.wiz.kind, self.wiz.path, self.wiz.sheets = kind, path, self.chosen_sheets()
        return True


class ColumnsPage(QWizardPage):
    """The detected header and which field each column feeds; fixed values for missing columns."""

    def __init__(self, wizard: LedgerImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("第2步：表头和列对应"))
        self.setSubTitle(self.tr("表头已自动识别，表头上方的标题、填报单位等行会跳过。请核对每一列对应的字段；"
                                 "台账中没有的列可在右侧填写固定值。"))
        self.info = QLabel()
        self.info.setObjectName("header_info")
        self.info.setWordWrap(True)
        self.columns = _table([self.tr("台账表头"), self.tr("对应字段")], "column_table")
        self.fixed = _table([self.tr("字段"), self.tr("固定值（该列缺失或为空时使用）")], "fixed_table")
        load = QPushButton(self.tr("载入映射文件…"))
        load.setObjectName("load_mapping")
        load.clicked.connect(lambda: self._load())
        save = QPushButton(self.tr("保存映射文件…"))
        save.setObjectName("save_mapping")
        save.clicked.connect(lambda: self._save())
        split = QSplitter()
        split.addWidget(self.columns)
        split.addWidget(self.fixed)
        split.setSizes([520, 480])
        buttons = QHBoxLayout()
        buttons.addWidget(load)
        buttons.addWidget(save)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.info)
        lay.addWidget(split, 1)
        lay.addLayout(buttons)
        self.headers: list[tuple[str, Header | None]] | None = None

    def initializePage(self) -> None:
        self.headers = None
        self.columns.setRowCount(0)
        self.info.setText(self.tr("正在识别表头…"))
        wiz = self.wiz
        wiz.runner.run(self.tr("识别表头"), lambda _p: headers_of(wiz.path, wiz.kind, wiz.sheets),
                       on_done=self._filled, on_error=self._failed)
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        self.info.setText(getattr(exc, "message", str(exc)))

    def _filled(self, headers: list[tuple[str, Header | None]]) -> None:
        self.headers = headers
        lines = []
        for name, h in headers:
            if h is None:
                lines.append(self.tr("工作表“{s}”：未找到表头，将跳过").format(s=name))
            else:
                rows = f"{h.first_row + 1}" if h.data_row - h.first_row == 1 else f"{h.first_row + 1}–{h.data_row}"
                lines.append(self.tr("工作表“{s}”：表头在第{r}行，跳过上方{n}行").format(s=name, r=rows, n=h.first_row)
                             + (self.tr("；无年份的日期按{y}年").format(y=h.year_hint) if h.year_hint else ""))
        self.info.setText("\n".join(lines))
        self._fill_tables()
        self.completeChanged.emit()

    def _fill_tables(self) -> None:
        fields = LEDGER_FIELDS[self.wiz.kind]
        names: list[str] = []
        for _s, h in self.headers or []:
            for c in h.columns if h else []:
                if c and c not in names:
                    names.append(c)
        self.columns.setRowCount(len(names))
        for r, name in enumerate(names):
            self.columns.setItem(r, 0, _item(name))
            combo = QComboBox()
            combo.addItem(self.tr("（不导入）"), NOT_MAPPED)
            for f in fields:
                combo.addItem(self.tr(f.label), f.name)
            target = self.wiz.mapping.field_for(name)
            combo.setCurrentIndex(max(0, combo.findData(target)) if target else 0)
            self.columns.setCellWidget(r, 1, combo)
        fixable = [f for f in fields if f.type in ("code", "state")]
        self.fixed.setRowCount(len(fixable))
        codes = self.wiz.services.codes
        for r, f in enumerate(fixable):
            self.fixed.setItem(r, 0, _item(self.tr(f.label)))
            combo = QComboBox()
            combo.setObjectName(f"fixed_{f.name}")
            combo.addItem("", NOT_MAPPED)
            if f.type == "state":
                for code, label in STATE_LABELS[self.wiz.kind].items():
                    combo.addItem(label, code)
            else:
                for code, label in codes[f.code_table].active_items():  # type: ignore[index]
                    combo.addItem(label, code)
            current = self.wiz.mapping.defaults.get(f.name)
            if current:
                idx = combo.findData(current)
                combo.setCurrentIndex(idx if idx >= 0 else max(0, combo.findText(current)))
            combo.setProperty("field", f.name)
            self.fixed.setCellWidget(r, 1, combo)

    def collect(self) -> Mapping:
        """The mapping as the tables show it now."""
        mapping = self.wiz.mapping
        for r in range(self.columns.rowCount()):
            combo = self.columns.cellWidget(r, 1)
            mapping.columns[self.columns.item(r, 0).text()] = combo.currentData() or None
        mapping.defaults = {}
        for r in range(self.fixed.rowCount()):
            combo = self.fixed.cellWidget(r, 1)
            if combo.currentData():
                mapping.defaults[combo.property("field")] = combo.currentData()
        return mapping

    def _save(self) -> None:
        path, _f = QFileDialog.getSaveFileName(self, self.tr("保存映射文件"), str(Path.home() / "台账映射.json"),
                                               self.tr("映射文件 (*.json)"))
        if path:
            self.collect().save(Path(path))
            self.wiz.last_saved_mapping = Path(path)

    def _load(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, self.tr("载入映射文件"), str(Path.home()),
                                               self.tr("映射文件 (*.json)"))
        if not path:
            return
        try:
            self.wiz.mapping = load_mapping(Path(path), self.wiz.kind)
        except DomainError as e:
            show_domain_error(self, e, self.tr("载入映射文件"))
            return
        self._fill_tables()

    def isComplete(self) -> bool:
        return bool(self.headers) and any(h for _s, h in self.headers or [])

    def validatePage(self) -> bool:
        self.collect()
        return True


class ValuesPage(QWizardPage):
    """Every distinct text of the code, state and village columns, once, with its count and code."""

    def __init__(self, wizard: LedgerImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("第3步：值对应"))
        self.setSubTitle(self.tr("台账中的文字（如“已化解”“邻里纠纷”“村居名称”）对应到字典；红色为未能自动对应的值，请选择。"))
        self.info = QLabel()
        self.info.setObjectName("values_info")
        self.table = _table([self.tr("字段"), self.tr("台账中的值"), self.tr("行数"), self.tr("对应为")], "value_table")
        save = QPushButton(self.tr("保存映射文件…"))
        save.setObjectName("save_mapping_values")
        save.clicked.connect(lambda: self._save())
        buttons = QHBoxLayout()
        buttons.addWidget(save)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.info)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        self.rows: list[tuple[str, str, int, str | None]] | None = None

    def _save(self) -> None:
        """Save columns, fixed values and the value choices made here as one mapping file."""
        path, _f = QFileDialog.getSaveFileName(self, self.tr("保存映射文件"), str(Path.home() / "台账映射.json"),
                                               self.tr("映射文件 (*.json)"))
        if path:
            self.validatePage()
            self.wiz.mapping.save(Path(path))
            self.wiz.last_saved_mapping = Path(path)

    def initializePage(self) -> None:
        self.rows = None
        self.table.setRowCount(0)
        self.info.setText(self.tr("正在读取台账…"))
        wiz = self.wiz

        def work(_progress: Any) -> list[tuple[str, str, int, str | None]]:
            return value_table(wiz.services, wiz.kind, wiz.path, sheets=wiz.sheets, mapping=wiz.mapping)

        wiz.runner.run(self.tr("读取台账"), work, on_done=self._filled,
                       on_error=lambda e: self.info.setText(getattr(e, "message", str(e))))
        self.completeChanged.emit()

    def _choices(self, field_name: str) -> list[tuple[str, str]]:
        spec = field_by_name(self.wiz.kind)[field_name]
        if spec.type == "state":
            return list(STATE_LABELS[self.wiz.kind].items())
        if spec.type == "ref":
            model: Any = _REF_MODELS[spec.ref or "village"]
            order = model.code if model is m.Village else model.name
            with self.wiz.services.session() as s:
                rows = s.execute(select(model.id, model.name).where(model.voided.is_(False)).order_by(order)).all()
            self._ref_names.update({rid: name for rid, name in rows})
            return [(name, name) for _rid, name in rows]
        return self.wiz.services.codes[spec.code_table].active_items()  # type: ignore[index]

    def _filled(self, rows: list[tuple[str, str, int, str | None]]) -> None:
        self.rows = rows
        self._ref_names: dict[str, str] = {}  # id → name of the referenced records offered as choices
        self.initial: list[str] = []  # what each row's choice was when shown (the automatic match)
        fields = field_by_name(self.wiz.kind)
        self.table.setRowCount(len(rows))
        unknown = 0
        choices: dict[str, list[tuple[str, str]]] = {}
        for r, (fname, text, count, code) in enumerate(rows):
            self.table.setItem(r, 0, _item(self.tr(fields[fname].label)))
            self.table.setItem(r, 1, _item(text))
            self.table.setItem(r, 2, _item(count))
            combo = QComboBox()
            combo.addItem(self.tr("（未对应，该行不导入）"), NOT_MAPPED)
            for value, label in choices.setdefault(fname, self._choices(fname)):
                combo.addItem(label, value)
            if fields[fname].type == "ref" and code:
                explicit = self.wiz.mapping.values.get(fname, {}).get(text, text)
                at = combo.findData(explicit)
                if at < 0:  # matched by its code or id, not its name: show the name it resolved to
                    at = combo.findData(self._ref_names.get(code))
                combo.setCurrentIndex(max(0, at))
            elif code:
                combo.setCurrentIndex(max(0, combo.findData(code)))
            self.initial.append(combo.currentData())
            if not code:
                unknown += 1
                for c in range(3):
                    self.table.item(r, c).setBackground(UNKNOWN)
            self.table.setCellWidget(r, 3, combo)
        self.info.setText(self.tr("共 {n} 个不同的值，其中 {u} 个未能自动对应。").format(n=len(rows), u=unknown))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.rows is not None

    def validatePage(self) -> bool:
        for r, (fname, text, _count, _code) in enumerate(self.rows or []):
            chosen = self.table.cellWidget(r, 3).currentData()
            table = self.wiz.mapping.values.setdefault(fname, {})
            if chosen and (chosen != self.initial[r] or text in table):
                table[text] = chosen  # a choice the automatic match would not make (or one already saved)
            elif not chosen:
                table.pop(text, None)
        self.wiz.mapping.values = {k: v for k, v in self.wiz.mapping.values.items() if v}
        return True


class ErrorModel(QAbstractTableModel):
    """Every row error of a plan, however many (a view over the list, not one widget item per cell)."""

    def __init__(self, headers: list[str]) -> None:
        super().__init__()
        self.headers = headers
        self.rows: list[RowError] = []

    def set_errors(self, errors: list[RowError]) -> None:
        self.beginResetModel()
        self.rows = errors
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        e = self.rows[index.row()]
        return str((e.sheet, e.row, e.column, e.value, e.message)[index.column()])

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


class PreviewPage(QWizardPage):
    """The first rows as they will be stored and every row error; import on 导入."""

    def __init__(self, wizard: LedgerImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("第4步：预览和导入"))
        self.setSubTitle(self.tr("核对前几行和全部错误行后点“导入”。整个台账作为一个批次导入，审核员可撤销。"))
        self.summary = QLabel()
        self.summary.setObjectName("preview_summary")
        self.summary.setWordWrap(True)
        self.preview = _table([self.tr("工作表"), self.tr("行"), self.tr("名称/信访人"), self.tr("日期"), self.tr("状态")],
                              "preview_table")
        self.errors = QTableView()
        self.errors.setObjectName("error_table")
        self.errors.verticalHeader().setVisible(False)
        self.errors.setAlternatingRowColors(True)
        self.errors.horizontalHeader().setStretchLastSection(True)
        self.error_model = ErrorModel([self.tr("工作表"), self.tr("行"), self.tr("列"), self.tr("值"), self.tr("原因")])
        self.errors.setModel(self.error_model)
        self.valid_only = QCheckBox(self.tr("只导入通过校验的行（错误行不导入）"))
        self.valid_only.setObjectName("valid_only")
        self.valid_only.toggled.connect(lambda _c: self.completeChanged.emit())
        report = QPushButton(self.tr("保存错误报告…"))
        report.setObjectName("save_report")
        report.clicked.connect(lambda: self._save_report())
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.preview)
        split.addWidget(self.errors)
        bottom = QHBoxLayout()
        bottom.addWidget(self.valid_only)
        bottom.addStretch(1)
        bottom.addWidget(report)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(split, 1)
        lay.addLayout(bottom)
        self.plan: Plan | None = None
        self.importing = False

    def initializePage(self) -> None:
        self.plan = None
        self.summary.setText(self.tr("正在校验…"))
        wiz = self.wiz
        wiz.runner.run(self.tr("校验台账"), lambda p: plan_import(
            wiz.services, wiz.kind, wiz.path, sheets=wiz.sheets, mapping=wiz.mapping,
            progress=lambda done, total: p.report(done, total)), on_done=self._filled,
            on_error=lambda e: self.summary.setText(getattr(e, "message", str(e))))
        self.completeChanged.emit()

    def _filled(self, plan: Plan) -> None:
        self.plan = plan
        self.wiz.plan = plan
        skipped = "，".join(f"{SKIP_LABELS.get(k, k)} {n}" for k, n in plan.skipped.items()) or "0"
        self.summary.setText(self.tr("读取 {read} 行：可导入 {ok} 条；跳过 {skipped}；未通过校验 {bad} 行。").format(
            read=plan.rows_read, ok=len(plan.prepared), skipped=skipped, bad=plan.refused_rows))
        labels = STATE_LABELS[plan.kind]
        rows = plan.prepared[:PREVIEW_ROWS]
        self.preview.setRowCount(len(rows))
        for r, p in enumerate(rows):
            rec = p.record
            name = rec.get("title") or rec.get("petitioner_name") or rec.get("content")
            when = rec.get("found_date") or rec.get("received_date") or rec.get("start_date") or rec.get("activity_date")
            status = rec.get("status")
            state = labels.get(status, status) if status else "—"  # volunteer activities have no workflow
            for c, value in enumerate((p.sheet, p.row, name, when, state)):
                self.preview.setItem(r, c, _item(value))
        self.error_model.set_errors(plan.errors)
        for c, width in enumerate((70, 50, 120, 140)):
            self.errors.setColumnWidth(c, width)
        self.valid_only.setEnabled(bool(plan.errors))
        self.completeChanged.emit()

    def _save_report(self) -> None:
        if self.plan is None:
            return
        path, _f = QFileDialog.getSaveFileName(self, self.tr("保存错误报告"), str(Path.home() / "台账错误报告.xlsx"),
                                               self.tr("Excel 文件 (*.xlsx)"))
        if path:
            write_error_report(self.plan, path)

    def isComplete(self) -> bool:
        plan = self.plan
        return (plan is not None and bool(plan.prepared) and not self.importing
                and (not plan.errors or self.valid_only.isChecked()))

    def validatePage(self) -> bool:
        """导入: commit on the runner; the wizard closes when the batch is stored."""
        if self.wiz.result is not None:
            return True  # QWizard.done(Accepted) validates the page again after the import
        plan = self.plan
        if plan is None:
            return False
        self.importing = True
        self.completeChanged.emit()
        valid_only = self.valid_only.isChecked()

        def done(result: Any) -> None:
            self.importing = False
            self.wiz.result = result
            show_message(self.wiz.parent() or None, self.tr("导入台账"), self.tr(
                "已导入 {n} 条记录（批次 {b}）。审核员可用“撤销导入”作废整个批次。").format(
                    n=result.imported, b=(result.batch_id or "—")[:8]), warning=False)
            self.wiz.accept()

        def failed(exc: BaseException) -> None:
            self.importing = False
            self.completeChanged.emit()
            if isinstance(exc, DomainError):
                show_domain_error(self, exc, self.tr("导入台账"))
            else:  # unexpected: the runner has logged it
                show_message(self, self.tr("导入台账"), f"{type(exc).__name__}: {exc}")

        self.wiz.runner.run(self.tr("导入台账"), lambda _p: commit_import(self.wiz.services, plan, valid_only=valid_only),
                            on_done=done, on_error=failed)
        return False


class LedgerImportWizard(QWizard):
    """The import wizard; `result` holds the ImportResult once the batch is stored."""

    def __init__(self, services: Services, runner: OperationRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ledger_wizard")
        self.setWindowTitle(self.tr("导入台账"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.services, self.runner = services, runner
        self.kind: str = next(iter(LEDGER_KINDS))
        self.path: Path | None = None
        self.sheets: list[str] = []
        self.mapping = Mapping(self.kind)
        self.plan: Plan | None = None
        self.result: Any = None
        self.last_saved_mapping: Path | None = None
        self.file_page, self.columns_page = FilePage(self), ColumnsPage(self)
        self.values_page, self.preview_page = ValuesPage(self), PreviewPage(self)
        for page in (self.file_page, self.columns_page, self.values_page, self.preview_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步 >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< 上一步"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("导入"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("取消"))
        self.resize(1100, 680)


def open_ledger_wizard(window: Any) -> LedgerImportWizard:
    """Open the wizard over the main window; lists refresh after an import."""
    wiz = LedgerImportWizard(window.services, window.runner, window)
    wiz.finished.connect(lambda _r: window.record_saved() if wiz.result else None)
    wiz.show()
    window.ledger_wizard = wiz  # kept alive while shown
    return wiz


def install_menu(window: QMainWindow) -> QAction:
    """文件 → 导入台账… and 导入批次… on the main window's menu bar (the one hook into the window)."""
    bar = window.menuBar()
    file_menu = next((a.menu() for a in bar.actions() if a.menu() and a.text() == window.tr("文件")), None)
    if file_menu is None:
        file_menu = bar.addMenu(window.tr("文件"))
    action = QAction(window.tr("导入台账…"), window)
    action.setObjectName("action_import_ledger")
    action.triggered.connect(lambda _checked=False: open_ledger_wizard(window))
    file_menu.addAction(action)
    batches = QAction(window.tr("导入批次…"), window)
    batches.setObjectName("action_import_batches")
    batches.triggered.connect(lambda _checked=False: _open_batches(window))
    file_menu.addAction(batches)
    return action


def _open_batches(window: Any) -> Any:
    from .ledger_batches import open_batches

    return open_batches(window)
