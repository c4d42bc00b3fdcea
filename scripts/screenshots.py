"""Screenshots of the real windows on a demo store, for docs/screenshots/ and the README.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [OUTDIR] [--records N]

Builds a demo township in a temporary folder (zongzhi_desktop.demo), opens the setup wizard,
the login dialog, the main window at 1366×768 (dashboard, every list, a dashboard drill-down, a
search, settings, reports, sync, the idle lock, the English interface) and grabs each one. The
data-entry forms and record details come from scripts/screenshots_forms.py (grab_forms).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QWidget, QWizard  # noqa: E402

from zongzhi_desktop.demo import generate  # noqa: E402
from zongzhi_desktop.services import Services  # noqa: E402
from zongzhi_desktop.services.admin import authenticate  # noqa: E402
from zongzhi_desktop.store.database import Store  # noqa: E402

SCREEN = (1366, 768)


def settle(app: QApplication, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


def save(widget: QWidget, out: Path, name: str, app: QApplication) -> Path:
    settle(app)
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return path


def wizard_shots(app: QApplication, out: Path, work: Path) -> None:
    from zongzhi_desktop.ui.app import AppController

    ctl = AppController(work / "wizard", install_hook=False)
    ctl.start()
    wiz = ctl.wizard
    wiz.resize(720, 500)
    wiz.show()
    page = wiz.township_page
    page.county_code.setText("330825")
    page.township_code.setText("330825101")
    page.township_name.setText("湖镇镇")
    page.county_name.setText("龙游县")
    save(wiz, out, "wizard_township", app)
    wiz.next()
    wiz.admin_page.password.setText("admin-pass-1")
    wiz.admin_page.confirm.setText("admin-pass-1")
    save(wiz, out, "wizard_admin", app)
    wiz.next()
    wiz.data_page.demo.setChecked(True)
    save(wiz, out, "wizard_data", app)
    wiz.button(QWizard.WizardButton.CancelButton)
    wiz.hide()
    ctl.shutdown()


def demo_store(work: Path, records: int) -> Store:
    (work / "demo").mkdir(parents=True, exist_ok=True)
    store = Store(work / "demo" / "zongzhi.sqlite3")
    generate(store, records=records, seed=7)
    return store


def login_shot(app: QApplication, out: Path, store: Store) -> None:
    from zongzhi_desktop.services import Actor
    from zongzhi_desktop.ui.login import LoginDialog

    dlg = LoginDialog.for_services(Services(store, Actor("system", "clerk")))  # empty: a shared PC
    dlg.resize(420, 300)
    dlg.show()
    save(dlg, out, "login", app)
    dlg.close()


def window_shots(app: QApplication, out: Path, store: Store, work: Path) -> Services:
    from zongzhi_desktop.services.listing import ListQuery
    from zongzhi_desktop.ui.idle import IdleLock
    from zongzhi_desktop.ui.main_window import MainWindow
    from zongzhi_desktop.ui.state import UiState

    probe = Services(store, authenticate_actor(store, "clerk", "zongzhi-clerk"))
    w = MainWindow(probe, UiState(work / "ui-clerk"))
    w.resize(*SCREEN)
    w.show()
    w.apply_icons()  # normally a moment after the first paint
    w.navigate("home")
    w.runner.wait(60_000)  # 首页 reads its figures on the runner
    save(w, out, "dashboard", app)
    for kind in ("petition", "dispute", "package", "dispatch", "team", "volunteer", "activity"):
        w.list_page(kind)
        save(w, out, f"list_{kind}", app)
    dash = w.navigate("home")
    fig = dash.figure("overdue", "petition")
    if fig is not None:
        from zongzhi_desktop.ui.dashboard_page import figure_title

        w.open_list(fig.query, figure_title(fig))
        save(w, out, "list_petition_overdue", app)
    page = w.list_page("dispute")
    page.search.setText("宅基地")
    page.set_query(ListQuery("dispute", search="宅基地"))
    w.runner.wait(60_000)
    settle(app, 20)
    save(w, out, "list_dispute_search", app)
    for key in ("reports", "sync"):
        w.navigate(key)
        w.runner.wait(60_000)  # the sheet and the 同步 counts are read on the runner
        settle(app, 20)
        save(w, out, key, app)
    lock = IdleLock(w, probe, 0)
    lock.lock()
    save(w, out, "locked", app)
    if lock.dialog is not None:
        save(lock.dialog, out, "unlock_dialog", app)
        lock.dialog.password.setText("zongzhi-clerk")
        lock.dialog.try_unlock()
    lock.shutdown()
    w.close()

    admin = Services(store, authenticate_actor(store, "admin", "zongzhi-admin"))
    aw = MainWindow(admin, UiState(work / "ui-admin"))
    aw.resize(*SCREEN)
    aw.show()
    aw.apply_icons()
    settings = aw.navigate("settings")
    for i, name in ((1, "settings_users"), (2, "settings_codes"), (3, "settings_rules"), (5, "settings_reference")):
        if i < settings.count():
            settings.setCurrentIndex(i)
            save(aw, out, name, app)
    aw.close()
    return probe


def day_shots(app: QApplication, out: Path, store: Store, work: Path) -> None:
    """Issue 16: the 用户 menu (注销 / 切换用户), a list filtered to 7日内到期, the dispute stage
    windows in 设置 → 期限与锁定, a code drop-down found by pinyin, the lock box with 切换用户."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QMenu

    from zongzhi_desktop.ui.main_window import MainWindow
    from zongzhi_desktop.ui.state import UiState

    clerk = Services(store, authenticate_actor(store, "clerk", "zongzhi-clerk"))
    w = MainWindow(clerk, UiState(work / "ui-day"))
    w.resize(*SCREEN)
    w.show()
    w.apply_icons()
    page = w.list_page("dispute")
    page.due_soon.setChecked(True)
    w.runner.wait(60_000)
    settle(app, 20)
    save(w, out, "list_dispute_due_soon", app)
    menu = w.findChild(QMenu, "menu_user")
    if menu is not None:
        menu.popup(w.mapToGlobal(QPoint(60, 24)))
        save(menu, out, "menu_user", app)
        menu.hide()
    page.due_soon.setChecked(False)
    page.type.setFocus()
    from PySide6.QtTest import QTest

    QTest.keyClicks(page.type, "tdcb")  # pinyin initials of 土地承包
    settle(app, 10)
    save(w, out, "list_dispute_pinyin", app)
    from zongzhi_desktop.ui.idle import IdleLock

    lock = IdleLock(w, clerk, 0)
    lock.lock()
    if lock.dialog is not None:  # with 切换用户 for the next person at a shared PC
        save(lock.dialog, out, "unlock_dialog", app)
        lock.dialog.password.setText("zongzhi-clerk")
        lock.dialog.try_unlock()
    lock.shutdown()
    w.close()
    admin = Services(store, authenticate_actor(store, "admin", "zongzhi-admin"))
    aw = MainWindow(admin, UiState(work / "ui-day-admin"))
    aw.resize(*SCREEN)
    aw.show()
    aw.apply_icons()
    settings = aw.navigate("settings")
    settings.setCurrentWidget(settings.rules)
    save(aw, out, "settings_rules", app)
    aw.close()


def english_shot(app: QApplication, out: Path, store: Store, work: Path, services: Services) -> None:
    from zongzhi_desktop.ui.i18n import install_translators, remove_translators
    from zongzhi_desktop.ui.main_window import MainWindow
    from zongzhi_desktop.ui.state import UiState

    installed = install_translators(app, "en")
    try:
        w = MainWindow(services, UiState(work / "ui-en"))
        w.resize(*SCREEN)
        w.show()
        w.apply_icons()
        w.navigate("home")
        w.runner.wait(60_000)
        save(w, out, "dashboard_en", app)
        w.list_page("petition")
        save(w, out, "list_petition_en", app)
        w.close()
    finally:
        remove_translators(app, installed)
        install_translators(app, "zh_CN")


def authenticate_actor(store: Store, user: str, password: str):  # type: ignore[no-untyped-def]
    from zongzhi_desktop.services import Actor

    return authenticate(Services(store, Actor("system", "clerk")), user, password)


def forms_shots(out: Path, services: Services) -> None:
    """The forms helper's grab_forms (forms of every kind and record details), if present."""
    path = ROOT / "scripts" / "screenshots_forms.py"
    if not path.exists():
        print("scripts/screenshots_forms.py 不存在，跳过表单截图")
        return
    spec = importlib.util.spec_from_file_location("screenshots_forms", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for p in module.grab_forms(services, out):
        print(Path(p).relative_to(ROOT) if Path(p).is_relative_to(ROOT) else p)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", nargs="?", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--no-forms", action="store_true", help="skip the forms and record details")
    parser.add_argument("--only-day", action="store_true",
                        help="only the sign-in box and the issue-16 screens (day_shots)")
    args = parser.parse_args(argv)
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from zongzhi_desktop.ui.fonts import register_cjk_font
    from zongzhi_desktop.ui.i18n import install_translators

    register_cjk_font(app)
    install_translators(app, "zh_CN")
    with tempfile.TemporaryDirectory(prefix="zongzhi-shots-") as tmp:
        work = Path(tmp)
        if args.only_day:
            store = demo_store(work, args.records)
            login_shot(app, out, store)
            day_shots(app, out, store, work)
            store.close()
            return 0
        wizard_shots(app, out, work)
        store = demo_store(work, args.records)
        login_shot(app, out, store)
        clerk = window_shots(app, out, store, work)
        day_shots(app, out, store, work)
        english_shot(app, out, store, work, clerk)
        if not args.no_forms:
            forms_shots(out, clerk)
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
