"""Render every document of the 打印 menu from demo records into docs/samples/ (PDF + page-1 PNG).

Builds a demo township (seed 7, "today" 2026-11-20) in a temporary folder, picks for each document
the first demo record whose state offers it, issues the document (文号) as a clerk would by
printing it, and renders page 1 at 80 dpi with pdftoppm. One more 受理告知书 is made for a petitioner
named 𪚥𠈌䶮 (Extensions B and A), to show rare names on paper.

    .venv/bin/python scripts/make_document_samples.py
"""

from __future__ import annotations

import subprocess
import tempfile
from datetime import date
from pathlib import Path

from sqlmodel import select

from zongzhi_desktop.demo import populate
from zongzhi_desktop.reports.documents import DOCUMENTS, build_document, documents_for
from zongzhi_desktop.reports.render_pdf import render_pdf
from zongzhi_desktop.services import Actor, open_services
from zongzhi_desktop.services.kinds import KINDS

OUT = Path(__file__).resolve().parents[1] / "docs" / "samples"
TODAY = date(2026, 11, 20)


def write(name: str, pdf: bytes) -> None:
    (OUT / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile", str(OUT / f"{name}.pdf"),
                    str(OUT / f"{name}-1")], check=True)
    print(f"{name}.pdf, {name}-1.png")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        svc = open_services(Path(tmp) / "zongzhi.sqlite3", today=lambda: TODAY)
        svc.initialize(township_code="330825101", township_name="城关镇", county_code="330825", county_name="龙游县",
                       admin_username="admin", admin_password="admin-pass-1")
        svc.actor = Actor("admin", "admin", "管理员")  # type: ignore[misc]
        populate(svc, records=600, seed=7)
        for key, doc in DOCUMENTS.items():
            with svc.session() as s:
                rows = s.execute(select(KINDS[doc.kind].model).order_by(KINDS[doc.kind].model.serial)).scalars().all()
            offered = [r for r in rows if doc in documents_for(doc.kind, r)]
            if key == "visits":  # prefer a dispute that has had a visit
                offered = [r for r in offered if svc.children("dispute", r.id)["visits"]] or offered
            if key == "closure":
                offered = [r for r in offered if r.status == "closed"] or offered
            built = build_document(svc, doc.kind, offered[0].id, key, issue=True)
            write(f"doc-{key}", render_pdf(built.report))
        p = svc.create("petition", {"received_date": "2026-11-02", "form": "visit", "petitioner_name": "𪚥𠈌䶮",
                                    "address": "城关镇东村3组12号", "category": "claim",
                                    "request": "要求补发征地补偿款"}).record
        svc.act("petition", p.id, "accept", {"decision_date": "2026-11-10", "decision": "accept"})
        write("doc-accept_notice-rare-name", render_pdf(build_document(svc, "petition", p.id, "accept_notice",
                                                                       issue=True).report))
        svc.store.close()


if __name__ == "__main__":
    main()
