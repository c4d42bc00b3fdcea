"""Screenshots of every data-entry form (empty and filled) and of record details, on demo data.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_forms.py [OUTDIR]

Writes PNGs into docs/screenshots/ (or OUTDIR) at a size that fits a 1366×768 screen. The
main screenshot script (scripts/screenshots.py) can call `grab_forms(services, outdir)` on its
own demo store instead.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from zongzhi_desktop.services import Actor, Services  # noqa: E402
from zongzhi_desktop.services.kinds import RECORD_KINDS  # noqa: E402
from zongzhi_desktop.ui.forms import lookup  # noqa: E402

FORM_SIZE = (1000, 700)  # leaves room for the taskbar on a 1366×768 screen
DETAIL_SIZE = (1040, 700)
VALID_ID = "11010519491231002X"


def _settle(app: QApplication) -> None:
    for _ in range(3):
        app.processEvents()


def _attachments_shot(services: Services, pet: Any, outdir: Path, app: QApplication) -> Path:
    """The 附件 tab at 1366×768 with a scanned letter (the petition's own 登记表 as a PDF) and a photo."""
    import time

    from PySide6.QtGui import QColor, QImage, QPainter

    from zongzhi_desktop.reports.documents import build_document, documents_for
    from zongzhi_desktop.reports.render_pdf import render_pdf
    from zongzhi_desktop.ui.detail import RecordDetailDialog

    photo = QImage(800, 600, QImage.Format.Format_RGB32)
    photo.fill(QColor("#7a9a6b"))
    painter = QPainter(photo)
    painter.fillRect(120, 300, 560, 220, QColor("#b8a27a"))
    painter.end()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "现场照片.png"
        photo.save(str(path), "PNG")
        services.attach_file("petition", pet.id, path, note="信访人反映的围墙现场")
    key = documents_for("petition", pet)[0].key
    letter = render_pdf(build_document(services, "petition", pet.id, key).report)
    services.attach("petition", pet.id, letter, "王䶮来信扫描件.pdf", note="𠈌村王䶮来信第1页")
    detail = RecordDetailDialog(services, "petition", pet.id)
    detail.resize(1366, 768)
    detail.show()
    detail.tabs.setCurrentWidget(detail.attachments)
    tab = detail.attachments
    tab.table.selectRow(1)
    deadline = time.monotonic() + 20
    while (tab.preview is None or tab.preview.pages == 0) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    shot = _save(detail, outdir / "detail_petition_attachments.png", app)
    detail.close()
    detail.deleteLater()
    return shot


def _save(widget: QWidget, path: Path, app: QApplication) -> Path:
    _settle(app)
    widget.grab().save(str(path))
    return path


def _first(services: Services, kind: str, text: str = "") -> lookup.RefOption:
    hits = lookup.search(services, kind, text, limit=1) or lookup.search(services, kind, "", limit=1)
    return hits[0]


def _filled_values(services: Services, kind: str) -> dict[str, Any]:
    today = services.today()
    village = _first(services, "village").id
    values: dict[str, dict[str, Any]] = {
        "petition": {"received_date": today - timedelta(days=1), "form": "visit", "route": "direct",
                     "petitioner_name": "张秀兰", "id_number": VALID_ID, "phone": "13857012345",
                     "village_id": village, "address": "3组12号", "headcount": "1", "category": "claim",
                     "subject": "land_demolition", "request": "要求补发2025年修路征用承包地的补偿款",
                     "facts": "2025年5月修建村道征用承包地0.8亩，补偿款至今未到位。"},
        "dispute": {"title": "周某与吴某宅基地边界纠纷", "found_date": today - timedelta(days=2),
                    "source": "grid_screening", "type": "house_homestead", "description": "两家因围墙位置发生争执，曾有推搡。",
                    "village_id": village, "people_count": "6", "amount": "12000", "risk_level": "high",
                    "homicide_risk": True},
        "package": {"title": "张秀兰征地补偿信访积案包案化解", "leader_id": _first(services, "leader").id,
                    "unit_department_id": _first(services, "department").id, "staff": "李干事",
                    "start_date": today - timedelta(days=10), "target_date": today + timedelta(days=50),
                    "plan": "一周内入户走访；月底前召开村民代表协调会；年底前补偿款到位。",
                    "know_situation": True, "counsel": True, "supervised": True, "is_backlog": True},
        "team": {"name": "龙游老兵", "type": "mediation", "leader_name": "郑建华", "phone": "0570-7012345",
                 "village_id": village, "founded_date": date(2019, 8, 1)},
        "volunteer": {"name": "钱美华", "gender": "female", "phone": "13705700001", "village_id": village,
                      "skills": "法律咨询、急救", "active": True},
        "activity": {"activity_date": today - timedelta(days=1), "team_id": _first(services, "team").id,
                     "type": "patrol", "place": "文化礼堂", "village_id": village,
                     "content": "夜间平安巡防，排查出租房消防隐患并现场劝导。", "hazards_found": "3",
                     "disputes_resolved": "1", "people_served": "40"},
        "dispatch": {"title": "征地补偿款发放滞后", "raised_date": today - timedelta(days=5),
                     "department_id": _first(services, "department").id, "deadline": today + timedelta(days=25),
                     "description": "涉及12户，需协调财政所尽快拨付。"},
    }
    return values[kind]


def _fill_children(dlg: Any, services: Services) -> None:
    for ed in dlg.subtables:
        key = ed.spec.key
        if key == "parties":
            ed.add_row({"name": "周大明", "role": "applicant", "id_number": VALID_ID, "phone": "13900001111"})
            ed.add_row({"name": "吴小军", "role": "respondent", "address": "城东村4组"})
        elif key == "progress":
            ed.add_row({"entry_date": services.today() - timedelta(days=3), "content": "入户走访，了解诉求",
                        "by_whom": "李干事"})
        elif key == "links":
            for kind in ("petition", "dispute"):
                ed.add_row(picked=_first(services, kind))
        elif key == "participants":
            for opt in lookup.search(services, "volunteer", "", limit=3):
                ed.add_row({"hours": "2.5"}, picked=opt)
        elif key == "teams":
            ed.add_row(picked=_first(services, "team"))


def _close_quietly(dlg: Any) -> None:
    dlg.autosaver.enabled = False
    dlg._baseline = dlg.snapshot()
    dlg._explicit_close = True
    dlg.close()
    dlg.deleteLater()


def grab_forms(services: Services, outdir: Path) -> list[Path]:
    """Every form empty and filled, an inline error, and details of a petition and a package."""
    from zongzhi_desktop.ui.detail import RecordDetailDialog, StepDialog
    from zongzhi_desktop.ui.forms import RecordFormDialog

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    outdir.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    for kind in RECORD_KINDS:
        dlg = RecordFormDialog(services, kind)
        dlg.resize(*FORM_SIZE)
        dlg.show()
        out.append(_save(dlg, outdir / f"form_{kind}_empty.png", app))
        dlg.view.set_values(_filled_values(services, kind))
        _fill_children(dlg, services)
        dlg.scroll.verticalScrollBar().setValue(0)
        out.append(_save(dlg, outdir / f"form_{kind}_filled.png", app))
        if kind == "petition":
            dlg.view.editors["id_number"].setText("110105194912310021")
            dlg.view.editors["category"].set_value(None)
            dlg.save()
            dlg.scroll.ensureWidgetVisible(dlg.view.editors["id_number"])
            out.append(_save(dlg, outdir / "form_petition_error.png", app))
        _close_quietly(dlg)

    # a petition on its way, seen by the clerk; a package waiting for the reviewer
    pet = next(p for p in services.list_records("petition", status="assigned", limit=50))
    detail = RecordDetailDialog(services, "petition", pet.id)
    detail.resize(*DETAIL_SIZE)
    detail.show()
    out.append(_save(detail, outdir / "detail_petition.png", app))
    detail.tabs.setCurrentWidget(detail.timeline_table)
    out.append(_save(detail, outdir / "detail_petition_timeline.png", app))
    detail.tabs.setCurrentWidget(detail.audit_table)
    out.append(_save(detail, outdir / "detail_petition_history.png", app))
    out.append(_attachments_shot(services, pet, outdir, app))
    action = services.available_actions("petition", detail.record)[0]
    step = StepDialog(services, f"{action.label} — {pet.serial}", action.fields, lambda v: None, detail,
                      name=action.name)
    step.show()
    out.append(_save(step, outdir / f"step_petition_{action.name}.png", app))
    step.close()
    detail.close()

    reviewer = Services(services.store, Actor("reviewer", "reviewer", "李建国"), today=services._today)
    pkgs = reviewer.list_records("package", status="close_requested", limit=1) or reviewer.list_records(
        "package", status="in_progress", limit=1)
    if pkgs:
        pd = RecordDetailDialog(reviewer, "package", pkgs[0].id)
        pd.resize(*DETAIL_SIZE)
        pd.show()
        out.append(_save(pd, outdir / "detail_package_reviewer.png", app))
        pd.close()
    return out


def main(argv: list[str]) -> int:
    from zongzhi_desktop.demo import generate
    from zongzhi_desktop.store.database import Store
    from zongzhi_desktop.ui.fonts import register_cjk_font

    outdir = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "screenshots"
    app = QApplication.instance() or QApplication(argv[:1])
    assert isinstance(app, QApplication)
    register_cjk_font(app)
    today = date(2026, 11, 20)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "demo.sqlite3")
        generate(store, records=400, seed=7, today=today, writer_process=False)
        services = Services(store, Actor("clerk", "clerk", "王芳"), today=lambda: today)
        paths = grab_forms(services, outdir)
        store.close()
    for p in paths:
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
