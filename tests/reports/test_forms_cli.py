"""Daily print forms, the `zongzhi report` / `zongzhi print` commands, and docs/figures.md."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from zongzhi_desktop.cli import main
from zongzhi_desktop.domain.errors import DomainError, PermissionDenied
from zongzhi_desktop.reports.figures import FIGURES, figures_markdown
from zongzhi_desktop.reports.forms import build_form
from zongzhi_desktop.reports.render_pdf import render_pdf
from zongzhi_desktop.services import Services

ROOT = Path(__file__).resolve().parents[2]


def pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def records(clerk: Services, admin: Services) -> dict[str, str]:
    admin.create("department", {"name": "司法所"})
    leader = admin.create("leader", {"name": "王书记", "post": "党委书记"}).record.id
    committee = admin.create("committee", {"name": "城关镇人民调解委员会"}).record.id
    p = clerk.create("petition", {"received_date": "2026-10-08", "form": "来访", "petitioner_name": "张三",
                                  "id_number": "110101199003074477", "phone": "13812345678", "address": "东村3组",
                                  "category": "申诉求决类", "request": "要求解决拖欠工资问题", "facts": "工程款拖欠半年"}).record
    clerk.act("petition", p.serial, "accept", {"decision_date": "2026-10-10", "decision": "accept"})
    clerk.act("petition", p.serial, "assign", {"assigned_date": "2026-10-11", "assigned_department_id": "司法所",
                                               "assign_deadline": "2026-11-30"})
    d = clerk.create("dispute", {"title": "宅基地边界纠纷", "found_date": "2026-10-01", "source": "网格员排查",
                                 "type": "房屋宅基地", "description": "两户因院墙位置发生争执",
                                 "parties": [{"name": "李四", "role": "申请人", "id_number": "110101199003074477",
                                              "phone": "13812345678"}, {"name": "王五", "role": "被申请人"}]}).record
    clerk.act("dispute", d.serial, "accept", {"accepted_date": "2026-10-02"})
    clerk.act("dispute", d.serial, "start_mediation", {"mediation_start_date": "2026-10-03", "route": "人民调解",
                                                      "committee_id": committee})
    clerk.act("dispute", d.serial, "succeed", {"mediation_end_date": "2026-10-20", "agreement_form": "书面协议",
                                              "agreement_terms": "王五于十日内将院墙后移0.5米。",
                                              "performance_manner": "王五自行拆除重建", "performance_deadline": "2026-10-30",
                                              "resolution_level": "村级"})
    k = clerk.create("package", {"title": "张三欠薪积案", "leader_id": leader, "start_date": "2026-10-12",
                                 "target_date": "2026-12-31", "is_backlog": True, "know_situation": True,
                                 "plan": "协调劳动监察追讨工资", "links": [{"record_kind": "petition", "record_id": p.serial}]}).record
    open_p = clerk.create("petition", {"received_date": "2026-11-01", "form": "来信", "petitioner_name": "赵六",
                                       "category": "建议意见类", "request": "建议修路"}).record
    return {"petition": p.serial, "dispute": d.serial, "package": k.serial, "open_petition": open_p.serial}


def test_each_form_prints_its_contents_masked(clerk: Services, records: dict[str, str]) -> None:
    reg = pdf_text(render_pdf(build_form(clerk, "petition", records["petition"], "register")))
    assert "信访事项登记表" in reg and records["petition"] in reg and "要求解决拖欠工资问题" in reg
    assert "1101**********4477" in reg and "138****5678" in reg and "110101199003074477" not in reg
    slip = pdf_text(render_pdf(build_form(clerk, "petition", records["petition"], "交办单")))
    assert "信访事项交办单" in slip and "司法所" in slip and "2026年11月30日" in slip
    agr = pdf_text(render_pdf(build_form(clerk, "dispute", records["dispute"], "协议书")))
    for part in ("人民调解协议书", "李四", "王五", "两户因院墙位置发生争执", "院墙后移0.5米", "王五自行拆除重建",
                 "2026年10月30日", "城关镇人民调解委员会", "人民调解员", "第三十三条"):
        assert part in agr, part
    assert "110101199003074477" not in agr
    resp = pdf_text(render_pdf(build_form(clerk, "package", records["package"], "responsibility")))
    for part in ("领导包案责任书", "张三欠薪积案", "王书记", "2026年12月31日", records["petition"], "包息诉罢访", "协调劳动监察"):
        assert part in resp, part


def test_signature_dates_print_on_one_line(clerk: Services, records: dict[str, str], tmp_path: Path) -> None:
    """The 登记日期 on the signature line is never broken (it printed as "2026年10月8 / 日")."""
    pdf = tmp_path / "register.pdf"
    pdf.write_bytes(render_pdf(build_form(clerk, "petition", records["petition"], "register")))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in text.splitlines() if "登记日期" in ln and "签名" in ln)
    assert "2026年10月8日" in line.replace(" ", ""), line


def test_unmasked_only_for_roles_that_may_see_personal_data(clerk: Services, reviewer: Services,
                                                           records: dict[str, str]) -> None:
    full = pdf_text(render_pdf(build_form(clerk, "petition", records["petition"], "register", unmasked=True)))
    assert "110101199003074477" in full and "13812345678" in full
    with pytest.raises(PermissionDenied):
        build_form(reviewer, "petition", records["petition"], "register", unmasked=True)


def test_forms_refuse_records_in_the_wrong_state(clerk: Services, records: dict[str, str]) -> None:
    with pytest.raises(DomainError, match="尚未交办"):
        build_form(clerk, "petition", records["open_petition"], "dispatch")
    with pytest.raises(DomainError, match="只能从矛盾纠纷"):
        build_form(clerk, "petition", records["petition"], "agreement")
    with pytest.raises(DomainError, match="未知的表单"):
        build_form(clerk, "petition", records["petition"], "receipt")


def _cli(store_dir: Path, *args: str, user: str = "clerk", password: str = "clerk-pass-1",
         monkeypatch: pytest.MonkeyPatch | None = None) -> int:
    assert monkeypatch is not None
    monkeypatch.setenv("ZONGZHI_USER", user)
    monkeypatch.setenv("ZONGZHI_PASSWORD", password)
    return main(["--data-dir", str(store_dir), *args])


def test_cli_report_save_sign_list_and_print(clerk: Services, records: dict[str, str], store_path: Path,
                                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from zongzhi_desktop.services.unlock import encrypt_plain_store

    # The store as the command line leaves it after the first sign-in: encrypted.
    clerk = Services(encrypt_plain_store(clerk.store)[0], clerk.actor, today=clerk._today)
    d = store_path.parent
    out = tmp_path / "w.pdf"
    assert _cli(d, "report", "weekly", "--period", "2026-W41", "-o", str(out), "--opinion", "本周总体平稳",
                "--save", monkeypatch=monkeypatch) == 0
    assert "本周总体平稳" in pdf_text(out.read_bytes())
    # A clerk may not sign; a reviewer may, and the signed sheet reprints identically.
    assert _cli(d, "report", "weekly", "--period", "2026-W41", "-o", str(out), "--sign", monkeypatch=monkeypatch) == 2
    assert "无权" in capsys.readouterr().err
    assert _cli(d, "report", "weekly", "--period", "2026-W41", "-o", str(out), "--sign", user="leader",
                password="leader-pass-1", monkeypatch=monkeypatch) == 0
    signed = out.read_bytes()
    clerk.create("petition", {"received_date": "2026-10-06", "form": "来电", "petitioner_name": "孙七",
                              "category": "建议意见类", "request": "建议"})
    again = tmp_path / "again.pdf"
    assert _cli(d, "report", "weekly", "--period", "2026-W41", "-o", str(again), monkeypatch=monkeypatch) == 0
    assert again.read_bytes() == signed
    capsys.readouterr()
    assert _cli(d, "report", "list", "--json", monkeypatch=monkeypatch) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["period"] == "2026-W41" and listed[0]["status"] == "signed" and listed[0]["signed_by"] == "李主任"
    xlsx = tmp_path / "m.xlsx"
    assert _cli(d, "report", "monthly", "--period", "2026-10", "-o", str(xlsx), monkeypatch=monkeypatch) == 0
    assert xlsx.read_bytes()[:2] == b"PK"
    js = tmp_path / "q.json"
    assert _cli(d, "report", "quarterly", "--period", "2026-Q4", "-o", str(js), monkeypatch=monkeypatch) == 0
    assert json.loads(js.read_text(encoding="utf-8"))["values"]["petition.new"]["text"] == "3"
    form = tmp_path / "slip.pdf"
    assert _cli(d, "print", "petition", records["petition"], "交办单", "-o", str(form), monkeypatch=monkeypatch) == 0
    assert "信访事项交办单" in pdf_text(form.read_bytes())
    capsys.readouterr()
    assert _cli(d, "report", "weekly", "--period", "2025-W53", "-o", str(out), monkeypatch=monkeypatch) == 2
    assert "2025年没有第53周" in capsys.readouterr().err
    assert _cli(d, "report", "monthly", "--period", "2026-10", "-o", str(out), "--opinion", "x",
                monkeypatch=monkeypatch) == 2
    assert "月调度表没有这一栏" in capsys.readouterr().err


def test_cli_warns_about_characters_the_font_lacks(clerk: Services, store_path: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    p = clerk.create("petition", {"received_date": "2026-10-08", "form": "来访", "petitioner_name": "王𠮷\U0002EBF0",
                                  "category": "申诉求决类", "request": "诉求"}).record
    out = tmp_path / "r.pdf"
    assert _cli(store_path.parent, "print", "petition", p.serial, "登记表", "-o", str(out), monkeypatch=monkeypatch) == 0
    err = capsys.readouterr().err
    assert "字体缺少字符“\U0002EBF0”" in err and "U+2EBF0" in err  # Extension I: no font has it
    assert "字体缺少字符“𠮷”" not in err  # Extension B prints with the bundled fallback


def test_docs_figures_md_is_generated_from_the_definitions() -> None:
    doc = (ROOT / "docs" / "figures.md").read_text(encoding="utf-8")
    assert doc == figures_markdown(), "run: .venv/bin/python -m zongzhi_desktop.reports.figures > docs/figures.md"
    for key in FIGURES:
        assert f"`{key}`" in doc


def test_reports_layer_never_imports_qt() -> None:
    code = "import sys, zongzhi_desktop.reports.service, zongzhi_desktop.reports.forms; " \
           "print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
