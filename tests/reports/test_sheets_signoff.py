"""Staff-written parts are saved with the sheet; sign-off freezes it and it reprints byte-identically."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3

import pytest
from conftest import role
from openpyxl import load_workbook
from pypdf import PdfReader

from zongzhi_desktop.domain.errors import PermissionDenied, TransitionError, ValidationError
from zongzhi_desktop.domain.models import SYNCED_MODELS, ReportSheet
from zongzhi_desktop.reports import service as rs
from zongzhi_desktop.services import Services


def audit_actions(svc: Services) -> list[tuple[str, str]]:
    con = sqlite3.connect(svc.store.path)  # type: ignore[arg-type]
    rows = con.execute("SELECT action, username FROM audit_log WHERE record_kind='report_sheet' ORDER BY seq").fetchall()
    con.close()
    return rows


def test_parts_are_saved_and_printed(gen_svc: Services) -> None:
    clerk = role(gen_svc, "clerk", "clerk")
    rs.save_sheet(clerk, "weekly", "2026-W47", {"opinion": "本周信访总量平稳。\n重点关注征地拆迁。"})
    rs.save_sheet(clerk, "weekly", "2026-W47", {"next_focus": "排查化解积案"})
    sheet = rs.get_sheet(clerk, "weekly", "2026-W47")
    assert sheet is not None and sheet.status == "draft" and sheet.filled_by == "录入员小王"
    assert json.loads(sheet.parts_json) == {"opinion": "本周信访总量平稳。\n重点关注征地拆迁。", "next_focus": "排查化解积案"}
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(rs.render_sheet(clerk, "weekly", "2026-W47").data)).pages)
    assert "重点关注征地拆迁" in text and "排查化解积案" in text and "录入员小王" in text
    assert audit_actions(gen_svc) == [("save", "clerk"), ("update", "clerk")]


def test_bad_parts_are_refused_and_nothing_is_stored(gen_svc: Services) -> None:
    with pytest.raises(ValidationError, match="月调度表没有这一栏"):
        rs.save_sheet(gen_svc, "monthly", "2026-11", {"opinion": "x"})
    with pytest.raises(ValidationError, match="不能超过5000字"):
        rs.save_sheet(gen_svc, "monthly", "2026-11", {"next_plan": "字" * 5001})
    assert rs.get_sheet(gen_svc, "monthly", "2026-11") is None
    assert audit_actions(gen_svc) == []


def test_signed_sheet_reprints_identically_after_records_change(gen_svc: Services) -> None:
    clerk = role(gen_svc, "clerk", "clerk")
    leader = role(gen_svc, "leader", "reviewer")
    rs.save_sheet(clerk, "monthly", "2026-11", {"next_plan": "做好年底矛盾纠纷排查。"})
    with pytest.raises(PermissionDenied):
        rs.sign_sheet(clerk, "monthly", "2026-11")
    sheet = rs.sign_sheet(leader, "monthly", "2026-11")
    assert sheet.status == "signed" and sheet.signed_by_name == "李主任" and sheet.signed_date == gen_svc.today()
    first = rs.render_sheet(clerk, "monthly", "2026-11")
    assert first.frozen and hashlib.sha256(first.data).hexdigest() == sheet.pdf_sha256
    before_new = first.report.values["petition.new"].text
    frozen_xlsx = rs.render_sheet(clerk, "monthly", "2026-11", "xlsx").data

    # The records change: a new petition in November and a voided one.
    clerk.create("petition", {"received_date": "2026-11-18", "form": "visit", "petitioner_name": "新来的",
                              "category": "claim", "request": "新的诉求"})
    victim = first.report.values["petition.new"].refs["petition"][0]  # type: ignore[index]
    gen_svc.void("petition", victim, "录入错误")
    fresh = rs.fill_refs(clerk.store, rs.build_report(clerk, "monthly", "2026-11"))
    assert fresh.values["petition.new"].text == before_new  # +1 -1
    assert fresh.values["petition.new"].refs != first.report.values["petition.new"].refs

    again = rs.render_sheet(clerk, "monthly", "2026-11")
    assert again.data == first.data  # byte-identical
    assert rs.render_sheet(clerk, "monthly", "2026-11", "xlsx").report == first.report
    wb = load_workbook(io.BytesIO(frozen_xlsx))
    assert wb["封面"]["B1"].value == first.report.title
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(again.data)).pages)
    assert "李主任" in text and "做好年底矛盾纠纷排查" in text

    with pytest.raises(TransitionError, match="已签发"):
        rs.save_sheet(clerk, "monthly", "2026-11", {"next_plan": "改一改"})
    with pytest.raises(TransitionError, match="不能重复签发"):
        rs.sign_sheet(leader, "monthly", "2026-11")
    assert [a for a, _ in audit_actions(gen_svc)] == ["save", "sign"]
    assert gen_svc.verify_audit()[1] == []


def test_tampered_frozen_sheet_is_detected(gen_svc: Services) -> None:
    leader = role(gen_svc, "leader", "reviewer")
    rs.sign_sheet(leader, "quarterly", "2026-Q4", {"new_issues": "网络诈骗引发的纠纷增多。"})
    con = sqlite3.connect(gen_svc.store.path)  # type: ignore[arg-type]
    con.execute("UPDATE report_sheet SET content_json = replace(content_json, '网络诈骗', '电信诈骗')")
    con.commit()
    con.close()
    with pytest.raises(Exception, match="哈希不符"):
        rs.render_sheet(gen_svc, "quarterly", "2026-Q4", "xlsx")


def test_void_lets_a_sheet_be_filled_again(gen_svc: Services) -> None:
    leader = role(gen_svc, "leader", "reviewer")
    rs.sign_sheet(leader, "weekly", "2026-W48")
    with pytest.raises(PermissionDenied):
        rs.void_sheet(role(gen_svc, "clerk", "clerk"), "weekly", "2026-W48", "数据有误")
    rs.void_sheet(leader, "weekly", "2026-W48", "数据有误")
    assert rs.get_sheet(gen_svc, "weekly", "2026-W48") is None
    assert not rs.render_sheet(gen_svc, "weekly", "2026-W48").frozen
    assert [s.period for s in rs.list_sheets(gen_svc)] == []


def test_sheets_travel_with_the_synced_tables() -> None:
    assert ReportSheet in SYNCED_MODELS
