"""County mode: the same application opened on a county store (the data directory holds
county.sqlite3, or its store was set up with `zongzhi county init`).

After the county key passphrase (the county store has no user accounts; the passphrase proves the
operator holds the county's keys and unlocks them for importing USB bundles), the window shows:
上报情况 (the township status board), the county-wide lists — read-only, filterable by township —
and 报表, which builds the three sheets over every township with the per-township table.

Read-only is enforced below the window: the county operator acts under the role "county", which
holds no permission (domain/roles.py), so no write or workflow step is offered or accepted, and
ID and phone numbers stay masked.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..county.setup import CountyKeys, county_identity, unlock_county_keys
from ..county.timeliness import aware, registered_townships
from ..domain.errors import DomainError
from ..domain.formatting import time_text
from ..services import Actor, Services
from ..services.listing import ListQuery
from ..store.database import Store
from .list_page import RecordListPage
from .main_window import VOLUNTEER_KINDS, MainWindow, VolunteerPage
from .main_window import page_titles as township_page_titles
from .report_page import ReportPage, render_pages

COUNTY_STORE_FILE = "county.sqlite3"  # as `zongzhi county init` creates it in a data directory
COUNTY_ROLE = "county"  # no permissions: every write is refused, personal numbers stay masked


def county_store_path(data_dir: Path) -> Path:
    return Path(data_dir) / COUNTY_STORE_FILE


def county_actor(name: str) -> Actor:
    return Actor("county", COUNTY_ROLE, name)


class CountyUnlockDialog(QDialog):
    """Opening a county store: which county (name, code, fingerprint) and its key passphrase."""

    def __init__(self, store: Store | None, parent: QWidget | None = None, *, path: Path | None = None) -> None:
        """`store`: an open (plain) county store; None with `path`: an encrypted one, opened by the
        passphrase typed here (its name and fingerprint are shown once it is open)."""
        super().__init__(parent)
        self.setObjectName("county_unlock")
        self.store = store
        self.path = path if store is None else store.path
        self.identity = county_identity(store) if store is not None else None
        self.keys: CountyKeys | None = None
        self.setWindowTitle(self.tr("综治桌面 — 县级"))
        if self.identity is not None:
            head = QLabel(self.tr("{name}综治中心（县级数据库）").format(name=self.identity.county_name))
            info = QLabel(self.tr("县级代码 {code}，配置指纹 {fp}").format(code=self.identity.county_code,
                                                                     fp=self.identity.fingerprint))
        else:
            head = QLabel(self.tr("县级数据库（已加密）"))
            info = QLabel(self.tr("数据库 {path} 已加密，用县级密钥口令打开").format(path=self.path))
        head.setStyleSheet("font-size: 14pt; font-weight: bold;")
        info.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("county_passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("county_unlock_error")
        self.error.setStyleSheet("color: #b71c1c;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("县级密钥口令"), self.passphrase)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("打开"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出"))
        buttons.accepted.connect(self.try_unlock)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(info)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.resize(460, 200)

    def try_unlock(self) -> bool:
        """Unlock the county keys with the typed passphrase; the dialog closes on success."""
        try:
            if self.store is None:  # encrypted: the passphrase unwraps the store's key first
                from ..services.unlock import county_key

                assert self.path is not None
                self.store = Store(self.path, key=county_key(self.path, self.passphrase.text()))
                self.identity = county_identity(self.store)
            self.keys = unlock_county_keys(self.store, self.passphrase.text())
        except DomainError as e:
            self.error.setText(e.message)
            self.passphrase.selectAll()
            self.passphrase.setFocus()
            return False
        self.passphrase.clear()
        self.accept()
        return True


class CountyListPage(RecordListPage):
    """A county-wide list: every township's records, a township filter, no 新建."""

    def __init__(self, services: Services, lister: Any, kind: str, runner: Any,
                 townships: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(services, lister, kind, runner, parent)
        self.new_button.hide()
        self.township = QComboBox()
        self.township.setObjectName("filter_township")
        self.township.addItem(self.tr("全部乡镇(街道)"), None)
        for code, name in townships:
            self.township.addItem(name, code)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("乡镇(街道)")))
        row.addWidget(self.township)
        note = QLabel(self.tr("县级汇总数据，只读"))
        note.setStyleSheet("color: #666;")
        row.addWidget(note)
        row.addStretch(1)
        self.layout().insertLayout(1, row)  # type: ignore[union-attr]
        self.township.currentIndexChanged.connect(self._township_changed)

    def _township_code(self) -> str | None:
        combo = getattr(self, "township", None)
        return combo.currentData() if combo is not None else None

    def _widgets_query(self) -> ListQuery:
        return replace(super()._widgets_query(), township_code=self._township_code())

    def _fill_villages(self) -> None:
        if not self.spec.village_col:
            return
        current = self.village.currentData()
        self._updating = True
        try:
            self.village.clear()
            self.village.addItem(self.tr("全部村(社区)"), None)
            for vid, name in self.lister.villages(self._township_code()):
                self.village.addItem(name, vid)
            i = self.village.findData(current)
            self.village.setCurrentIndex(i if i >= 0 else 0)
        finally:
            self._updating = False

    def _township_changed(self) -> None:
        self._fill_villages()
        self._apply_filters()

    def set_township(self, code: str | None) -> None:
        """Show one township's records (the status board's double-click)."""
        i = self.township.findData(code)
        self.township.setCurrentIndex(i if i >= 0 else 0)

    def apply_preset(self, q: ListQuery, title: str = "") -> None:
        self.township.blockSignals(True)
        i = self.township.findData(q.township_code)
        self.township.setCurrentIndex(i if i >= 0 else 0)
        self.township.blockSignals(False)
        self._fill_villages()
        super().apply_preset(q, title)

    def refresh(self) -> None:
        self.stale = False
        self.lister.invalidate()
        self._fill_villages()
        self.set_query(self.model.query)


class CountyReportPage(ReportPage):
    """报表 on the county store: the county's sheets (all townships, per-township table)."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.save_btn.hide()
        self.sign_btn.hide()
        self.parts_box.setTitle(self.tr("填写内容（打印在报表上，不保存）"))
        self.parts_form.setRowVisible(self.filled_by, False)

    def _kind_changed(self) -> None:
        super()._kind_changed()
        self.parts_form.setRowVisible(self.filled_by, False)  # nobody signs a county sheet in the app

    def refresh(self, *, keep_parts: bool = False) -> None:
        """Build the county sheet in the background (ReportPage.run_refresh) and show it."""
        from ..county.sheets import build_county_sheet
        from ..reports import service as rs
        from ..reports.render_pdf import render_pdf
        from .errors import show_domain_error

        try:
            period = self.period()
        except DomainError as e:
            show_domain_error(self, e)
            return
        kind, today = self.kind, self.services.today()
        parts = {k: v for k, v in self.parts().items() if v.strip()}

        def work(progress: Any) -> object:
            report = build_county_sheet(self.services.store, kind, period, made_on=today, parts=parts)
            progress.check()
            hotspots: list = []  # type: ignore[type-arg]
            pdf = render_pdf(report, hotspots)
            progress.check()
            return report, pdf, hotspots, render_pages(pdf)

        def show(result: object) -> None:
            report, pdf, hotspots, images = result  # type: ignore[misc]
            self.hotspots, self.pdf = hotspots, pdf
            self.rendered = rs.Rendered(pdf, report, False, None)
            self._show_pages(images)

        self.run_refresh(work, show)

    def _update_status(self) -> None:
        r = self.rendered
        if r is None:
            return
        self.status.setText(self.tr("{number}　{pages}页　全县汇总（全部乡镇），数字按县级当前数据计算").format(
            number=r.report.number, pages=len(self.pages)))
        self.warnings.setText("\n".join(r.warnings))


class CountyWindow(MainWindow):
    """The main window in county mode (same shell, county pages)."""

    imports_ledgers = False  # the county receives bundles, not ledgers

    def __init__(self, services: Services, state: Any, keys: CountyKeys | None = None, **kw: Any) -> None:
        self.keys = keys
        self.identity = county_identity(services.store)
        self.townships = registered_townships(services.store)
        super().__init__(services, state, **kw)
        self.setObjectName("county_window")
        self.setWindowTitle(self.tr("综治桌面 — {county}综治中心（县级）").format(county=self.identity.county_name))

    def page_titles(self) -> list[tuple[str, str, str]]:
        """The township navigation with 首页 replaced by the reporting board; the county has no
        同步 or 设置 page of its own (it receives bundles; it has no user accounts)."""
        board = ("home", "fa5s.clipboard-check", QCoreApplication.translate("CountyWindow", "上报情况"))
        return [board if key == "home" else (key, icon, label)
                for key, icon, label in township_page_titles() if key not in ("sync", "settings")]

    def _township_name(self) -> str:
        ident = getattr(self, "identity", None)
        return ident.county_name if ident else ""

    def _build_status_bar(self) -> None:
        super()._build_status_bar()
        self.user_label.setText(self.tr("县级（只读查看）"))
        self.township_label.setText(self.tr("县：{name}（{code}），乡镇 {n} 个").format(
            name=self.identity.county_name, code=self.identity.county_code, n=len(self.townships)))

    def update_status(self) -> None:
        from sqlalchemy import select

        from ..domain.models.sync import CountyTownship
        from .main_window import human_size, store_size

        path = self.services.store.path
        self.size_label.setText(self.tr("数据库：{size}").format(size=human_size(store_size(path) if path else 0)))
        with self.services.store.session() as s:
            stamps = s.execute(select(CountyTownship.last_received_at)).scalars().all()
        last = max((aware(t) for t in stamps if t), default=None)
        self.sync_label.setText(self.tr("最近接收：{when}").format(
            when=time_text(last)) if last else self.tr("尚未收到批次"))

    def _build_page(self, key: str) -> QWidget:
        from .county_board import CountyBoard

        if key == "home":
            board = CountyBoard(self.services.store, self.keys, actor=self.identity.county_name, runner=self.runner)
            board.imported.connect(self.record_saved)
            board.township_activated.connect(self.show_township)
            return board
        if key in ("petition", "dispute", "package", "dispatch"):
            return self._list_page(key)
        if key == "volunteer":
            return VolunteerPage({k: self._list_page(k) for k in VOLUNTEER_KINDS})
        if key == "reports":
            page = CountyReportPage(self.services, self)
            page.open_records.connect(self.open_records)
            return page
        raise KeyError(key)

    def _list_page(self, kind: str) -> RecordListPage:
        page = CountyListPage(self.services, self.lister, kind, self.runner, self.townships)
        page.open_record.connect(self.open_record)
        page.exported.connect(lambda path, n: self.statusBar().showMessage(
            self.tr("已导出 {n} 条记录到 {path}").format(n=n, path=path), 10_000))
        self.list_pages[kind] = page
        return page

    def show_township(self, code: str) -> None:
        """The petitions of one township (double-click on the status board)."""
        page = self.list_page("petition")
        if isinstance(page, CountyListPage):
            page.set_township(code)

    def new_in_current_list(self) -> None:  # Ctrl+N: nothing is entered at the county
        return None

    def new_record(self, kind: str) -> QWidget | None:
        return None

    def record_saved(self) -> None:
        self.townships = registered_townships(self.services.store)
        super().record_saved()
        board = self.pages.get("home")
        if board is not None and hasattr(board, "refresh"):
            board.refresh()


def start_county(controller: Any, *, path: Path | None = None) -> Any:
    """County mode of the AppController: the passphrase dialog, then the county window (`path`: an
    encrypted county store, not open yet)."""
    dialog = CountyUnlockDialog(controller.store, path=path)
    controller.login = dialog

    def unlocked() -> None:
        keys = dialog.keys
        controller.store = dialog.store
        dialog.deleteLater()
        controller.login = None
        kw = {"today": controller.today} if controller.today else {}
        controller.services = Services(controller.store, county_actor(dialog.identity.county_name), **kw)
        window = CountyWindow(controller.services, controller.state, keys, log_path=controller.log_path)
        controller.window = window
        window.place_on_screen()  # fits the available screen area, as the township window does
        window.show()
        controller.signals.window_shown.emit(window)

    dialog.accepted.connect(unlocked)
    dialog.rejected.connect(controller.app.quit)
    dialog.show()
    controller.signals.login_shown.emit(dialog)
    return dialog
