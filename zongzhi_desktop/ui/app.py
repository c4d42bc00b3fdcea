"""Start-up: display check, Qt application, font, translations, logging, exception hook, then
setup wizard (first run) → login → main window, with the idle lock.

`run(args)` is what `zongzhi` without a command calls. `AppController` is the same flow without
the event loop, so tests drive the real wizard, login and window.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from .display import display_problem

log = logging.getLogger(__name__)
APP_NAME = "综治桌面"


def run(args: argparse.Namespace) -> int:
    """Open the window. Returns the process exit code."""
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from ..startup import settle

    app = QApplication.instance() or QApplication(sys.argv[:1])
    controller = AppController(getattr(args, "data_dir", None), language=getattr(args, "lang", None))
    # Once the window is up, Qt, the pages and the store's objects live as long as the process: out
    # of the collector's reach they no longer slow every later operation (startup.py). Only here, in
    # the real process: tests open many windows in one process.
    controller.signals.window_shown.connect(lambda _window: settle(), Qt.ConnectionType.SingleShotConnection)
    if not controller.start():
        return 1
    code = app.exec()
    controller.shutdown()
    return int(code)


class AppController:
    """Owns the store, the dialogs of the start-up sequence and the main window."""

    def __init__(self, data_dir: str | Path | None, *, language: str | None = None,
                 today: Callable[[], date] | None = None, install_hook: bool = True,
                 populate_demo: Callable[..., Any] | None = None) -> None:
        from PySide6.QtCore import QObject, Signal
        from PySide6.QtGui import QIcon
        from PySide6.QtWidgets import QApplication

        from ..paths import data_dir as resolve_data_dir
        from ..resources import resource_path
        from .fonts import ensure_fallback_fonts, register_cjk_font
        from .i18n import install_translators, normalize_language
        from .logs import setup_logging
        from .runner import OperationRunner
        from .state import UiState

        class _Signals(QObject):
            window_shown = Signal(object)
            wizard_shown = Signal(object)
            login_shown = Signal(object)
            restore_shown = Signal(object)
            recovery_shown = Signal(object)

        app = QApplication.instance()
        assert isinstance(app, QApplication), "create the QApplication first"
        self.app = app
        self.signals = _Signals()
        self.data_dir = resolve_data_dir(data_dir)
        self.log_path = setup_logging(self.data_dir)
        self.hook = None
        if install_hook:
            from .errors import ExceptionHook

            self.hook = ExceptionHook(self.log_path)
            self.hook.install()
        app.setApplicationName(APP_NAME)
        app.setOrganizationName("zongzhi")
        # The icon of every window and the taskbar; the desktop file name ties the window to the
        # Linux menu entry (packaging/linux/zongzhi-desktop.desktop).
        app.setWindowIcon(QIcon(str(resource_path("icons", "zongzhi.png"))))
        app.setDesktopFileName("zongzhi-desktop")
        self.font_family = register_cjk_font(app)
        # Rare-character fonts: unpacked in the background on the very first start only.
        self.font_runner = OperationRunner(None, log_path=self.log_path)
        self.font_loading = ensure_fallback_fonts(app, self.font_runner)
        self.state = UiState(self.data_dir)
        self.language = normalize_language(language or self.state.language)
        self.translators = install_translators(app, self.language)
        self.today = today
        self.populate_demo = populate_demo
        self.store: Any = None
        self.wizard: Any = None
        self.login: Any = None
        self.window: Any = None
        self.idle: Any = None
        self.services: Any = None
        self.restored_aside: Path | None = None
        self.target: Path | None = None
        self.pending_recovery: str | None = None

    def _kw(self) -> dict[str, Any]:
        return {"today": self.today} if self.today else {}

    def start(self) -> bool:
        """Open the store and show the wizard or the login dialog. False if the store cannot open."""
        from PySide6.QtCore import QCoreApplication
        from PySide6.QtWidgets import QMessageBox

        from ..paths import store_path
        from ..services import Actor, Services
        from ..services.admin import is_initialized
        from ..store.database import Store

        log.info("启动，数据目录 %s", self.data_dir)
        target = store_path(self.data_dir)
        county_file = self.data_dir / "county.sqlite3"  # where `zongzhi county init` puts the county store
        if not target.exists() and county_file.exists():
            target = county_file  # a county hub's data directory: county mode (ui/county_window.py)
        from ..domain.errors import DomainError, StoreUnreadable
        from ..services.unlock import (
            create_encrypted,
            discard_unfinished,
            recover_keyfile,
            store_state,
        )
        from .restore_dialog import DAMAGE_FLAG

        self.target = target
        if target == county_file and store_state(target) in ("encrypted", "keyless"):
            from .county_window import start_county

            start_county(self, path=target)  # the county passphrase opens the encrypted store
            return True
        if target != county_file:
            try:
                if recover_keyfile(target):
                    log.warning("密钥文件缺失，已从备份文件夹复制回来")
                state = store_state(target)
                if state in ("missing", "unfinished"):  # a new installation: the wizard sets up an encrypted store
                    discard_unfinished(target)
                    self.store = create_encrypted(target)
                    self.show_wizard()
                    return True
                if state == "encrypted":  # opened by the password in the sign-in box
                    self.show_login()
                    return True
            except DomainError as e:  # a lost or damaged key file
                log.error("数据库无法打开：%s", e.message)
                QMessageBox.critical(None, APP_NAME, e.message)
                return False
            # keyless: a damaged file, or an encrypted store whose key file is lost with no copy in the
            # backup folder; either way it cannot be read: the guided restore below offers the backups.

        try:
            try:
                self.store = Store(target)
            except StoreUnreadable as e:
                log.error("数据库无法打开：%s", e.message)
                if not self.offer_restore(target, e.message, can_continue=False):
                    return False
                self.store = Store(target)
            if (self.data_dir / DAMAGE_FLAG).exists():
                problem = (self.data_dir / DAMAGE_FLAG).read_text(encoding="utf-8")
                self.store.engine.dispose()
                if self.offer_restore(target, problem, can_continue=True) is None:
                    return False
                self.store = Store(target)
        except Exception as e:
            log.exception("无法打开数据库")
            QMessageBox.critical(None, APP_NAME, QCoreApplication.translate("App", "无法打开数据库：{error}\n日志：{log}").format(
                error=e, log=self.log_path))
            return False
        boot = Services(self.store, Actor("system", "admin", "系统"), **self._kw())
        with self.store.session() as s:
            ready = is_initialized(s)
        if not ready:
            from ..county.setup import is_county_store

            if is_county_store(self.store):
                from .county_window import start_county

                start_county(self)
                return True
        if ready:
            self._check_search_index(boot)
            self.store.close()  # a plain store from an earlier release: converted at the sign-in
            self.store = None
            self.show_login()
        else:
            self.store.close()
            self.store = create_encrypted(target)  # a plain store never set up holds nothing to keep
            self.show_wizard()
        return True

    def _check_search_index(self, services: Any) -> None:
        """A batch migration drops the search triggers; put them back before anyone searches."""
        from ..services.listing import rebuild_search_index, search_index_problems

        missing = search_index_problems(services)
        if missing:
            log.warning("搜索索引缺失 %s，正在重建", ", ".join(missing))
            rebuild_search_index(services, missing)

    def show_wizard(self) -> Any:
        from .wizard import SetupWizard

        kwargs: dict[str, Any] = {}
        if self.populate_demo is not None:
            kwargs["populate"] = self.populate_demo
        self.wizard = SetupWizard(self.store, today=self.today, **kwargs)
        self.wizard.accepted.connect(self._wizard_done)
        self.wizard.rejected.connect(self._wizard_abandoned)
        self.wizard.show()
        log.info("显示设置向导")
        self.signals.wizard_shown.emit(self.wizard)
        return self.wizard

    def _wizard_abandoned(self) -> None:
        from ..services.unlock import discard_unfinished

        self.store.close()
        self.store = None
        discard_unfinished(self.target)  # nobody could ever open it: no account holds its key
        self.app.quit()

    def _wizard_done(self) -> None:
        from ..services import Actor, Services

        admin = self.wizard.admin_page.username.text().strip()
        notice = self.wizard.demo_accounts_text()
        self.wizard.deleteLater()
        self.wizard = None
        self.pending_recovery = Services(self.store, Actor(admin, "admin")).new_recovery_key()
        self.store.close()
        self.store = None
        self.show_login(notice, username=admin)  # the account the wizard just made, not a remembered one

    def show_login(self, notice: str = "", *, username: str = "") -> Any:
        """The sign-in box. The user name is empty (a shared PC does not show who worked last) except
        right after the setup wizard, which passes the administrator account it created."""
        from .login import LoginDialog

        self.login = LoginDialog(self.target, last_user=username, notice=notice)
        self.login.accepted.connect(self._logged_in)
        self.login.rejected.connect(self.app.quit)
        self.login.show()
        log.info("显示登录窗口")
        self.signals.login_shown.emit(self.login)
        return self.login

    def _logged_in(self) -> None:
        from ..services import Actor, Services
        from ..store.database import Store
        from .restore_dialog import DAMAGE_FLAG

        dialog, self.login = self.login, None
        dialog.deleteLater()
        if dialog.unreadable is not None:  # the password was right, the file is damaged
            log.error("数据库无法打开：%s", dialog.unreadable.message)
            if self.offer_restore(self.target, dialog.unreadable.message, can_continue=False, key=dialog.unreadable.key):
                self.show_login()
            else:
                self.app.quit()
            return
        unlocked = dialog.unlocked
        self.store, actor = unlocked.store, unlocked.actor
        if (self.data_dir / DAMAGE_FLAG).exists():
            problem = (self.data_dir / DAMAGE_FLAG).read_text(encoding="utf-8")
            key = self.store.key
            self.store.close()
            if self.offer_restore(self.target, problem, can_continue=True, key=key) is None:
                self.store = None
                self.app.quit()
                return
            self.store = Store(self.target, key=key)
        self._check_search_index(Services(self.store, Actor("system", "admin", "系统"), **self._kw()))
        self.services = Services(self.store, actor, **self._kw())
        log.info("用户 %s 登录", actor.username)
        self.show_window()
        recovery = unlocked.recovery_key or self.pending_recovery
        self.pending_recovery = None
        if recovery:
            self.show_recovery_key(recovery)

    def show_recovery_key(self, text: str) -> Any:
        """The recovery key over the window, once (not blocking: the window is usable behind it)."""
        from PySide6.QtCore import Qt

        from .recovery_dialog import RecoveryKeyDialog

        dialog = RecoveryKeyDialog(text, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.signals.recovery_shown.emit(dialog)
        return dialog

    def offer_restore(self, target: Path, problem: str, *, can_continue: bool,
                      key: bytes | None = None) -> bool | None:
        """The guided restore dialog. True: restored; False: continue with the store as it is
        (only when `can_continue`); None: the user quit (or no backup could be restored)."""
        import shiboken6
        from PySide6.QtWidgets import QDialog

        from .restore_dialog import RestoreDialog

        dialog = RestoreDialog(target, problem, can_continue=can_continue, key=key)
        self.signals.restore_shown.emit(dialog)
        result = dialog.exec()
        dialog.runner.wait(60_000)
        self.restored_aside = dialog.restored_aside
        # Destroyed now, before any application-wide event filter (the idle lock) exists: a widget
        # destroyed later, whenever Python collects it, sends events through such filters while
        # half-destroyed, which crashes PySide (seen in tests).
        shiboken6.delete(dialog)
        if result == QDialog.DialogCode.Accepted:
            log.info("已从备份恢复数据库，原文件另存为 %s", self.restored_aside)
            return True
        if result == QDialog.DialogCode.Rejected and can_continue:
            return False
        return None

    def _daily_backup(self) -> None:
        """The automatic daily backup (services/backup.py), in the background at the first start of the day."""
        from pathlib import Path

        from PySide6.QtCore import QCoreApplication

        from ..domain.errors import DomainError
        from ..services.backup import BackupFailed, daily_backup_if_due

        path = self.store.path
        if path is None:
            return
        mirror_setting = self.services.get_setting("backup_mirror_dir", "") or ""
        mirror = Path(mirror_setting) if mirror_setting.strip() else None

        def done(result: Any) -> None:
            if result is None or self.window is None:
                return
            text = QCoreApplication.translate("App", "已自动备份：{file}").format(file=result.backup.path.name)
            if result.mirror_problem:
                text += " — " + result.mirror_problem
            self.window.statusBar().showMessage(text, 15_000)
            log.info("每日备份 %s", result.backup.path)

        def failed(error: BaseException) -> None:
            from .errors import show_domain_error, show_message
            from .restore_dialog import DAMAGE_FLAG

            if isinstance(error, BackupFailed) and "完整性检查未通过" in error.message:
                (self.data_dir / DAMAGE_FLAG).write_text(error.message, encoding="utf-8")
                show_message(self.window, QCoreApplication.translate("App", "数据库检查发现损坏"), QCoreApplication.translate(
                    "App", "每日备份时的完整性检查发现数据库损坏：{error}\n请保存手头的工作后关闭程序；下次启动时会提示从备份恢复。"
                ).format(error=error.message))
            elif isinstance(error, DomainError):
                show_domain_error(self.window, error, QCoreApplication.translate("App", "每日自动备份"))
            else:
                from .errors import show_unexpected_error

                show_unexpected_error(self.window, f"{type(error).__name__}: {error}", "", self.log_path)

        self.window.runner.run(QCoreApplication.translate("App", "每日自动备份"),
                               lambda _progress: daily_backup_if_due(path, mirror=mirror, key=self.store.key),
                               on_done=done, on_error=failed, show_progress=False, housekeeping=True)

    def show_window(self) -> Any:
        from .preload import wait_for_modules

        wait_for_modules()  # normally long done (the sign-in waited for it); never import beside it
        from .idle import IdleLock
        from .main_window import MainWindow

        self.window = MainWindow(self.services, self.state, log_path=self.log_path)
        self.window.place_on_screen()
        self.window.session_ended.connect(self._session_ended)
        self.window.show()
        minutes = int(self.services.get_setting("idle_lock_minutes", "15") or 0)
        self.idle = IdleLock(self.window, self.services, minutes)
        self.window.records_changed.connect(self._settings_may_have_changed)
        self._daily_backup()
        # The pinyin dictionaries load in the background, not on the first keystroke in a drop-down.
        from PySide6.QtCore import QCoreApplication

        from ..domain import pinyin

        self.window.runner.run(QCoreApplication.translate("App", "加载拼音"), lambda _progress: pinyin.warm(),
                               show_progress=False, housekeeping=True)
        self.signals.window_shown.emit(self.window)
        return self.window

    def _session_ended(self, how: str) -> None:
        """注销 / 切换用户: the window has closed (its state saved); close the store and show an empty
        sign-in box. Cancelling it quits, as at start-up."""
        window, self.window = self.window, None
        if self.idle is not None:
            self.idle.shutdown()
            self.idle = None
        if window is not None:
            window.runner.wait(10_000)
            window.deleteLater()  # this slot runs inside the window's own signal
        log.info("用户 %s %s", self.services.actor.username if self.services else "", "切换用户" if how == "switch" else "注销")
        self.services = None
        if self.store is not None:
            self.store.close()
            self.store = None
        self.show_login()

    def _settings_may_have_changed(self) -> None:
        if self.idle is not None and self.services is not None:
            self.idle.set_minutes(int(self.services.get_setting("idle_lock_minutes", "15") or 0))

    def shutdown(self) -> None:
        from .i18n import remove_translators

        if self.idle is not None:
            self.idle.shutdown()
        if self.window is not None:
            self.window.runner.wait(10_000)
        import shiboken6

        for dialog in (self.login, self.wizard):  # destroyed now rather than whenever Python collects them
            if dialog is not None and shiboken6.isValid(dialog):
                shiboken6.delete(dialog)
        self.login = self.wizard = None
        if self.hook is not None:
            self.hook.uninstall()
        remove_translators(self.app, self.translators)
        if self.store is not None:
            self.store.close()
