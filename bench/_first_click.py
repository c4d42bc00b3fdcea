"""(bench helper, run as a child process) The first click on a sheet in a running app.

Usage: python bench/_first_click.py township|county STORE_PATH KIND PERIOD TODAY

The child imports the app, opens the store (and, for a township, signs nobody in: the app is already
running), settles its heap as the window does once it is shown (zongzhi_desktop/startup.py), loads
the report modules (as the 报表 page does when first opened), then times the first build of the sheet and its PDF — what the clerk or the county officer
waits for after clicking 生成预览 — in CPU (time.process_time) and wall time. It prints one JSON line:
{"cpu", "wall", "font_cpu", "build_cpu", "pdf_cpu", "values", "statements": [[sql, params], ...]} where the
statements are the SELECTs the build sent to the database, for the parent to replay as the raw floor.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    mode, path, kind, code, today_s = sys.argv[1:6]
    today = date.fromisoformat(today_s)
    from sqlalchemy import event

    from zongzhi_desktop.services import Actor, Services
    from zongzhi_desktop.startup import settle
    from zongzhi_desktop.store.database import Store

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_sheet_scale import store_key

    # An encrypted store is unlocked at sign-in (the county's with its key passphrase), before the click.
    store = Store(Path(path), key=store_key(Path(path)))
    statements: list[list[object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append([statement, list(parameters) if parameters else []])

    if mode == "township":
        svc = Services(store, Actor("admin", "admin", "管理员"), today=lambda: today)
        svc.township  # noqa: B018  (the running app knows its township)
    from sqlalchemy.orm import configure_mappers

    configure_mappers()  # the running app has used its models (sign-in, the first page) before
    settle()  # as the window does once it is shown (zongzhi_desktop/startup.py, ui/app.run)
    # The report page and its modules are loaded when it is first opened, after that.
    from zongzhi_desktop.county.sheets import build_county_sheet
    from zongzhi_desktop.reports import service as rs
    from zongzhi_desktop.reports.fonts import register
    from zongzhi_desktop.reports.render_pdf import render_pdf

    c0, w0 = time.process_time(), time.perf_counter()
    register()  # the embedded CJK font, parsed on the first sheet of the process
    cf = time.process_time()
    event.listen(store.engine, "before_cursor_execute", capture)
    if mode == "township":
        report = rs.build_report(svc, kind, code)
    else:
        report = build_county_sheet(store, kind, code, made_on=today)
    event.remove(store.engine, "before_cursor_execute", capture)
    c1 = time.process_time()
    pdf = render_pdf(report, [])
    c2, w2 = time.process_time(), time.perf_counter()
    store.close()
    print(json.dumps({"cpu": c2 - c0, "wall": w2 - w0, "font_cpu": cf - c0, "build_cpu": c1 - cf, "pdf_cpu": c2 - c1,
                      "pdf_bytes": len(pdf), "values": len(report.values), "statements": statements},
                     default=str))


if __name__ == "__main__":
    main()
