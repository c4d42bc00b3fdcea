"""The main window: navigation on the left, one page at a time on the right, a status bar."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.formatting import time_text
from ..domain.roles import ROLE_LABELS, Role
from ..services import Services
from ..services.kinds import REGISTERED_KINDS
from ..services.listing import CELL_WORDS, Lister, ListQuery
from ..store.engine import connect_file, dbapi_module
from . import pinyin_search
from .dashboard_page import DashboardPage
from .icons import icon
from .list_page import RecordListPage
from .runner import OperationRunner
from .state import UiState

log = logging.getLogger(__name__)

VOLUNTEER_KINDS = ("team", "volunteer", "activity")
ICON_DELAY_MS = 150
# Role labels come from domain/roles.py; listed here so the translation catalog has them.
_ROLE_NAMES = (QT_TRANSLATE_NOOP("roles", "录入员"), QT_TRANSLATE_NOOP("roles", "审核员"),
               QT_TRANSLATE_NOOP("roles", "管理员"))
# The shared PC (issue 16): 注销 and 切换用户 end the session and show the sign-in box again.
LOGOUT_SHORTCUT = "Ctrl+Shift+L"
SWITCH_USER_SHORTCUT = "Ctrl+Shift+U"
# Below this available screen area the first window opens maximised (a 1366×768 clerk's PC).
MAXIMISE_BELOW = QSize(1440, 900)
DEFAULT_SIZE = QSize(1280, 800)
LIST_PAGE_OF_KIND = {"petition": "petition", "dispute": "dispute", "package": "package", "dispatch": "dispatch",
                     "team": "volunteer", "volunteer": "volunteer", "activity": "volunteer"}


def registered_pages(services: Services | None) -> list[tuple[str, str, str]]:
    """The navigation entries of the kinds added through the registry (zongzhi_desktop/kinds) that
    `services`' user may read (none without services: the county window)."""
    from ..kinds import parts

    if services is None:
        return []
    return [(part.NAME, part.NAME, QCoreApplication.translate("MainWindow", part.NAV_LABEL))
            for part in parts("ui") if services.may_read(part.NAME)]


def page_titles(services: Services | None = None) -> list[tuple[str, str, str]]:
    """(key, icon name, translated label) of every navigation entry, in order."""
    return [
        ("home", "home", QCoreApplication.translate("MainWindow", "首页")),
        ("petition", "petition", QCoreApplication.translate("MainWindow", "信访")),
        ("dispute", "dispute", QCoreApplication.translate("MainWindow", "矛盾纠纷")),
        ("package", "package", QCoreApplication.translate("MainWindow", "领导包案")),
        ("volunteer", "volunteer", QCoreApplication.translate("MainWindow", "志愿服务")),
        ("dispatch", "dispatch", QCoreApplication.translate("MainWindow", "调度事项")),
        *registered_pages(services),
        ("reports", "reports", QCoreApplication.translate("MainWindow", "报表")),
        ("sync", "sync", QCoreApplication.translate("MainWindow", "同步")),
        ("settings", "settings", QCoreApplication.translate("MainWindow", "设置")),
    ]


class VolunteerPage(QTabWidget):
    """志愿服务: teams, volunteers and activities, one list each."""

    def __init__(self, pages: dict[str, RecordListPage], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("volunteer_page")
        self.lists = pages
        for page in pages.values():
            self.addTab(page, QCoreApplication.translate("listing", page.spec.label))

    def apply_icons(self) -> None:
        for i, kind in enumerate(self.lists):
            self.setTabIcon(i, icon({"team": "volunteer", "volunteer": "user", "activity": "calendar"}[kind]))
            self.lists[kind].apply_icons()

    def show_kind(self, kind: str) -> RecordListPage:
        page = self.lists[kind]
        self.setCurrentWidget(page)
        return page

    def current_list(self) -> RecordListPage:
        return self.currentWidget()  # type: ignore[return-value]


class MainWindow(QMainWindow):
    """Navigation, pages, status bar; opens the record form and detail dialogs."""

    page_changed = Signal(str)
    records_changed = Signal()
    # 注销 / 切换用户 was chosen and the window closed: "logout" or "switch" (app.py shows the sign-in box)
    session_ended = Signal(str)
    imports_ledgers = True  # 文件 → 导入台账 (not in the read-only county window)
    offers_logout = True  # 注销 / 切换用户 (the county window is opened by a passphrase, not an account)

    def __init__(self, services: Services, state: UiState, *, runner: OperationRunner | None = None,
                 log_path: Path | None = None, start_page: str = "home", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.state = state
        self.log_path = log_path
        self.runner = runner or OperationRunner(self, log_path=log_path)
        self.runner.parent_widget = self
        self.lister = Lister(services)
        self.lister.words = {k: QCoreApplication.translate("listing", v) for k, v in CELL_WORDS.items()}
        self.pages: dict[str, QWidget] = {}
        self.list_pages: dict[str, RecordListPage] = {}
        self.dialogs: list[QWidget] = []  # open record dialogs (kept alive while shown)
        self.setObjectName("main_window")
        self.setWindowTitle(self.tr("综治桌面 — {township}综治中心").format(township=self._township_name()))
        self.resize(DEFAULT_SIZE)
        self.setMinimumSize(1024, 640)

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setMinimumWidth(120)
        self.nav.setMaximumWidth(220)
        self.nav.setStyleSheet("QListWidget#nav { font-size: 11pt; } QListWidget#nav::item { padding: 8px 6px; }"
                               "QListWidget#nav::item:selected { background: #1f5fa8; color: white; }")
        self.stack = QStackedWidget()
        self.stack.setObjectName("pages")
        self._keys: list[str] = []
        for key, icon_name, label in self.page_titles():
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setData(Qt.ItemDataRole.UserRole + 1, icon_name)
            self.nav.addItem(item)
            self._keys.append(key)
            holder = QWidget()  # filled on first visit, so start-up builds only the first page
            holder.setObjectName(f"holder_{key}")
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self.stack.addWidget(holder)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([150, 1130])
        self.setCentralWidget(self.splitter)
        self.nav.currentRowChanged.connect(self._row_changed)

        self._build_status_bar()
        self._shortcuts()
        if self.imports_ledgers:
            from .ledger_wizard import install_menu  # 文件 → 导入台账

            install_menu(self)
        if self.offers_logout:
            self._install_session_menu()
        state.restore_splitter(self.splitter, "main")
        # Every sign-in starts on 首页, never on the previous user's last page (issue 16).
        self.navigate(start_page if start_page in self._keys else "home")
        self.icons_ready = False
        QTimer.singleShot(ICON_DELAY_MS, self.apply_icons)  # after the first paint (icons.py)

    def page_titles(self) -> list[tuple[str, str, str]]:
        """The navigation entries (the county window, ui/county_window.py, has its own)."""
        return page_titles(self.services)

    def apply_icons(self) -> None:
        """Load qtawesome and give the navigation and every built page its icons."""
        if self.icons_ready:
            return
        self.icons_ready = True
        QApplication.setWindowIcon(icon("home"))
        for i in range(self.nav.count()):
            item = self.nav.item(i)
            item.setIcon(icon(item.data(Qt.ItemDataRole.UserRole + 1)))
        for page in self.pages.values():
            if hasattr(page, "apply_icons"):
                page.apply_icons()

    # -- status bar -----------------------------------------------------------------------------
    def _township_name(self) -> str:
        try:
            return self.services.township.name
        except Exception:  # the title must not stop the window
            return ""

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        actor = self.services.actor
        role = ROLE_LABELS.get(Role(actor.role), actor.role) if actor.role in Role._value2member_map_ else actor.role
        self.user_label = QLabel(self.tr("用户：{name}（{role}）").format(
            name=actor.display_name or actor.username, role=QCoreApplication.translate("roles", role)))
        self.user_label.setObjectName("status_user")
        self.township_label = QLabel(self.tr("乡镇：{name}").format(name=self._township_name()))
        self.township_label.setObjectName("status_township")
        self.size_label = QLabel("")
        self.size_label.setObjectName("status_size")
        self.sync_label = QLabel("")
        self.sync_label.setObjectName("status_sync")
        for w in (self.user_label, self.township_label, self.size_label, self.sync_label):
            bar.addPermanentWidget(w)
        self.update_status()
        self._status_timer = QTimer(self)
        self._status_timer.timeout.connect(self.update_status)
        self._status_timer.start(60_000)

    def update_status(self) -> None:
        path = self.services.store.path
        size = store_size(path) if path else 0
        self.size_label.setText(self.tr("数据库：{size}").format(size=human_size(size)))
        self.sync_label.setText(last_sync_text(path, self.services.store.key))

    # -- the shared PC: 注销 / 切换用户 and where the window opens -----------------------------------
    def _install_session_menu(self) -> None:
        menu = self.menuBar().addMenu(self.tr("用户"))
        menu.setObjectName("menu_user")
        self.switch_user_action = QAction(self.tr("切换用户…"), self)
        self.switch_user_action.setObjectName("action_switch_user")
        self.switch_user_action.setShortcut(QKeySequence(SWITCH_USER_SHORTCUT))
        self.switch_user_action.setToolTip(self.tr("结束当前用户的会话，回到登录窗口（{key}）").format(key=SWITCH_USER_SHORTCUT))
        self.switch_user_action.triggered.connect(lambda _checked=False: self.end_session("switch"))
        self.logout_action = QAction(self.tr("注销"), self)
        self.logout_action.setObjectName("action_logout")
        self.logout_action.setShortcut(QKeySequence(LOGOUT_SHORTCUT))
        self.logout_action.setToolTip(self.tr("注销当前用户，回到登录窗口（{key}）").format(key=LOGOUT_SHORTCUT))
        self.logout_action.triggered.connect(lambda _checked=False: self.end_session("logout"))
        for action in (self.switch_user_action, self.logout_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            menu.addAction(action)
            self.addAction(action)  # the shortcut works with the menu bar hidden or closed

    def end_session(self, how: str = "logout", *, keep_drafts: bool = False) -> bool:
        """注销 / 切换用户: close the window (an open form with unsaved input may refuse, as on exit),
        then `session_ended(how)`. True when the session ended.

        `keep_drafts` (切换用户 from the idle lock: the person at the PC is not the one whose forms
        are open): modal steps are cancelled and open forms closed without asking; a form hidden
        this way keeps its typing as its user's draft (ui/forms/record_form.py hideEvent)."""
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        if keep_drafts:
            for _ in range(10):  # nested step dialogs (exec) first, innermost first
                modal = QApplication.activeModalWidget()
                if modal is None or not hasattr(modal, "done"):
                    break
                modal.done(0)  # type: ignore[attr-defined]
            for dlg in list(self.dialogs):
                self.dialogs.remove(dlg)
                dlg.hide()
                dlg.deleteLater()
        quits = app.quitOnLastWindowClosed()
        app.setQuitOnLastWindowClosed(False)  # the sign-in box comes next; the process goes on
        try:
            if not self.close():
                return False
            self.session_ended.emit(how)
        finally:
            app.setQuitOnLastWindowClosed(quits)
        return True

    def place_on_screen(self) -> None:
        """Fit the first window into the screen's available area: maximised below 1440×900,
        otherwise the remembered geometry when it still fits, else the default size centred."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 728)
        saved, was_maximised = self.state.window_rect("main")
        rect, maximise = fit_window(available, saved, was_maximised)
        self.setMinimumSize(self.minimumSize().boundedTo(rect.size()))  # a netbook-sized screen
        self.setGeometry(rect)
        if maximise:
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    # -- navigation -----------------------------------------------------------------------------
    def _shortcuts(self) -> None:
        for i, key in enumerate(self._keys[:10], start=1):  # Ctrl+1 … Ctrl+9, then Ctrl+0 for a tenth page
            QShortcut(QKeySequence(f"Ctrl+{i % 10}"), self, activated=lambda k=key: self.navigate(k))
        QShortcut(QKeySequence.StandardKey.New, self, activated=self.new_in_current_list)

    def page_keys(self) -> list[str]:
        return list(self._keys)

    def current_key(self) -> str:
        return self._keys[self.nav.currentRow()] if self.nav.currentRow() >= 0 else "home"

    def navigate(self, key: str) -> QWidget:
        """Show a page (building it on first visit)."""
        row = self._keys.index(key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)  # → _row_changed
        return self.page(key)

    def _row_changed(self, row: int) -> None:
        if row < 0:
            return
        key = self._keys[row]
        page = self.page(key)
        self.stack.setCurrentIndex(row)
        if key == "home" and isinstance(page, DashboardPage) and getattr(self, "_dashboard_stale", False):
            self._dashboard_stale = False
            page.refresh()
        self.page_changed.emit(key)

    def page(self, key: str) -> QWidget:
        if key not in self.pages:
            page = self._build_page(key)
            holder = self.stack.widget(self._keys.index(key))
            holder.layout().addWidget(page)
            self.pages[key] = page
            pinyin_search.enable_all(page)  # pinyin type-ahead in every drop-down of the page
            if getattr(self, "icons_ready", False) and hasattr(page, "apply_icons"):
                page.apply_icons()
        return self.pages[key]

    def _build_page(self, key: str) -> QWidget:
        if key == "home":
            dash = DashboardPage(self.services, self.lister, runner=self.runner)
            dash.open_list.connect(self.open_list)
            dash.open_record.connect(self.open_record)
            dash.open_step.connect(self.open_step)
            dash.open_sheet.connect(self.open_sheet)
            self.state.restore_splitter(dash.splitter, "dashboard")
            return dash
        if key in ("petition", "dispute", "package", "dispatch", *REGISTERED_KINDS):
            return self._list_page(key)
        if key == "volunteer":
            return VolunteerPage({k: self._list_page(k) for k in VOLUNTEER_KINDS})
        if key == "reports":
            from .report_page import ReportPage

            reports = ReportPage(self.services, self)
            self._connect_reports(reports)
            return reports
        if key == "sync":
            from .sync_page import SyncPage

            return SyncPage(self.services, self)
        if key == "settings":
            from .settings_page import SettingsPage

            page = SettingsPage(self.services, self.state, runner=self.runner)
            page.settings_changed.connect(self.settings_changed)
            return page
        raise KeyError(key)

    def _list_page(self, kind: str) -> RecordListPage:
        page = RecordListPage(self.services, self.lister, kind, self.runner)
        page.open_record.connect(self.open_record)
        page.new_record.connect(self.new_record)
        page.exported.connect(lambda path, n: self.statusBar().showMessage(
            self.tr("已导出 {n} 条记录到 {path}").format(n=n, path=path), 10_000))
        self.list_pages[kind] = page
        return page

    def _connect_reports(self, page: Any) -> None:
        if hasattr(page, "open_records"):
            page.open_records.connect(self.open_records)

    def list_page(self, kind: str) -> RecordListPage:
        """The list page of a kind, shown."""
        key = LIST_PAGE_OF_KIND.get(kind, kind)  # a kind added through the registry is its own page
        page = self.navigate(key)
        if isinstance(page, VolunteerPage):
            return page.show_kind(kind)
        return page  # type: ignore[return-value]

    def open_list(self, query: ListQuery, title: str = "") -> RecordListPage:
        """Go to the kind's list showing exactly `query` (dashboard and report drill-downs)."""
        page = self.list_page(query.kind)
        page.apply_preset(query, title)
        return page

    def open_records(self, kind: str, ids: list[str]) -> None:
        """Report drill-down: open one record, or list several by their serials."""
        ids = list(ids)
        if len(ids) == 1:
            self.open_record(kind, ids[0])
            return
        page = self.list_page(kind)
        if ids:
            page.show_ids(ids, self.tr("报表中的 {n} 条记录").format(n=len(ids)))

    def current_list(self) -> RecordListPage | None:
        page = self.pages.get(self.current_key())
        if isinstance(page, VolunteerPage):
            return page.current_list()
        return page if isinstance(page, RecordListPage) else None

    # -- record dialogs -------------------------------------------------------------------------
    def new_in_current_list(self) -> None:
        page = self.current_list()
        self.new_record(page.kind if page else "petition")

    def new_record(self, kind: str) -> QWidget | None:
        """Open the data-entry form for a new record (ui/forms)."""
        from .forms import RecordFormDialog

        dlg = RecordFormDialog(self.services, kind, None, self)
        dlg.saved.connect(lambda _rid: self.record_saved())
        self._show_dialog(dlg)
        return dlg

    def open_record(self, kind: str, record_id: str) -> QWidget | None:
        """Open a record's detail (workflow actions, timeline, history)."""
        from .detail import RecordDetailDialog

        dlg = RecordDetailDialog(self.services, kind, record_id, self)
        dlg.changed.connect(self.record_saved)
        self._show_dialog(dlg)
        return dlg

    def open_step(self, kind: str, record_id: str, action: str) -> QWidget | None:
        """待办: open the record's detail and, once it shows, the step's dialog (e.g. 销号)."""
        from PySide6.QtCore import QTimer

        dlg = self.open_record(kind, record_id)
        if dlg is not None and action in getattr(dlg, "action_names", lambda: [])():
            QTimer.singleShot(0, lambda: dlg.run_action(action))  # type: ignore[attr-defined]
        return dlg

    def open_sheet(self, sheet_kind: str, period: str) -> None:
        """待办: go to 报表 showing the saved sheet waiting to be signed."""
        page = self.navigate("reports")
        if hasattr(page, "set_sheet"):
            page.set_sheet(sheet_kind, period)

    def _show_dialog(self, dlg: QWidget) -> None:
        self.dialogs.append(dlg)
        dlg.destroyed.connect(lambda _o=None, d=dlg: self.dialogs.remove(d) if d in self.dialogs else None)
        if hasattr(dlg, "finished"):
            dlg.finished.connect(lambda _r, d=dlg: self.dialogs.remove(d) if d in self.dialogs else None)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dlg.show()
        dlg.raise_()
        dlg.activateWindow()

    def record_saved(self) -> None:
        """A record changed: lists and the dashboard re-read."""
        self.lister.invalidate()
        for page in self.list_pages.values():
            # Only a list on screen re-reads now; the others when next shown (each re-read counts its
            # rows: ~30 ms a list at 1,000,000 records, too long for all of them in one handler).
            if page.isVisible():
                page.refresh()
            else:
                page.stale = True
        dash = self.pages.get("home")
        if isinstance(dash, DashboardPage):
            if self.current_key() == "home":
                dash.refresh()
            else:
                self._dashboard_stale = True
        self.update_status()
        self.records_changed.emit()

    def settings_changed(self) -> None:
        self.services.invalidate_caches()
        self.record_saved()

    # -- closing --------------------------------------------------------------------------------
    def save_state(self) -> None:
        self.state.save_window_rect("main", self.normalGeometry() if self.isMaximized() else self.geometry(),
                                    self.isMaximized())
        self.state.save_splitter(self.splitter, "main")
        dash = self.pages.get("home")
        if isinstance(dash, DashboardPage):
            self.state.save_splitter(dash.splitter, "dashboard")
        self.state.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        for dlg in list(self.dialogs):
            if not dlg.close():  # a form with unsaved input may refuse
                event.ignore()
                return
        if self.runner.busy:
            answer = QMessageBox.question(self, self.tr("退出"), self.tr("仍有后台操作在进行，确定退出吗？"))
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.lister.close()
        event.accept()


def fit_window(available: QRect, saved: QRect | None, was_maximised: bool = False) -> tuple[QRect, bool]:
    """Where the first window goes: (normal geometry, maximised?) within `available` (the screen's
    QScreen.availableGeometry). Below 1440×900 the window is maximised (its normal geometry the saved
    one if that fits, so un-maximising returns to it). A saved geometry is used only when it lies
    wholly inside the available area; otherwise the default 1280×800, shrunk to fit, centred."""
    fits = saved is not None and saved.isValid() and available.contains(saved)
    if fits:
        normal = QRect(saved)  # type: ignore[arg-type]
    else:
        size = DEFAULT_SIZE.boundedTo(QSize(available.width() * 9 // 10, available.height() * 9 // 10))
        normal = QRect(0, 0, size.width(), size.height())
        normal.moveCenter(available.center())
    small = available.width() < MAXIMISE_BELOW.width() or available.height() < MAXIMISE_BELOW.height()
    return normal, small or (fits and was_maximised)


def store_size(path: Path) -> int:
    """Bytes of the SQLite file with its WAL."""
    total = 0
    for p in (path, path.with_name(path.name + "-wal")):
        try:
            total += p.stat().st_size
        except OSError:
            pass
    return total


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def last_sync_text(path: Path | None, key: bytes | None = None) -> str:
    """'最近同步：…' from the sync_bundle table (the newest exported bundle), or '未同步' (`key`: an
    encrypted store's data key)."""
    never = QCoreApplication.translate("MainWindow", "未同步")
    if path is None or not Path(path).exists():
        return never
    try:
        con = connect_file(path, key, readonly=True)
        try:
            row = con.execute("SELECT sequence, created_at, receipt_at FROM sync_bundle "
                              "ORDER BY sequence DESC LIMIT 1").fetchone()
        finally:
            con.close()
    except dbapi_module(key).Error:
        return never  # no sync tables in this store
    if row is None:
        return never
    seq, created, receipt = row
    when = _local_time(created)
    if receipt:
        return QCoreApplication.translate("MainWindow", "最近同步：{when}（第{seq}包，县级已回执）").format(when=when, seq=seq)
    return QCoreApplication.translate("MainWindow", "最近同步：{when}（第{seq}包，待回执）").format(when=when, seq=seq)


def _local_time(value: str | None) -> str:
    """A stored UTC timestamp in China time, whatever the PC's time zone (domain/formatting.py)."""
    return time_text(value)
