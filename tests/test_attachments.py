"""Attachments: content-addressed files (encrypted with an encrypted store), audited rows, voiding,
limits, and `audit verify` over attachment rows."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from test_workflows_petition import new_petition

from zongzhi_desktop.domain import models as m
from zongzhi_desktop.domain.errors import TransitionError, ValidationError
from zongzhi_desktop.services import Services
from zongzhi_desktop.services.attachments import MAX_ATTACHMENT_BYTES
from zongzhi_desktop.store.attachments import AttachmentMissing

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")


def _audit_actions(svc: Services, record_id: str) -> list[str]:
    return [e.action for e in svc.audit_history(record_id)]


def test_attach_list_read_and_void(clerk: Services, reviewer: Services, tmp_path: Path) -> None:
    p = new_petition(clerk, "2026-11-18")
    scan = tmp_path / "来信扫描件.png"
    scan.write_bytes(PNG)
    att = clerk.attach_file("petition", p.serial, scan, note="信访人来信第1页")
    assert (att.record_kind, att.record_id, att.size) == ("petition", p.id, len(PNG))
    assert att.sha256 == hashlib.sha256(PNG).hexdigest()
    assert att.media_type == "image/png" and att.file_name == "来信扫描件.png"
    assert att.created_by == "clerk"
    assert [a.id for a in clerk.attachments("petition", p.serial)] == [att.id]
    assert clerk.attachment_bytes(att.id) == PNG
    # The same bytes attached again share one file.
    again = clerk.attach("petition", p.id, PNG, "copy.png")
    files = clerk.attachment_files().files()
    assert len(files) == 1 and files[0].parent.parent == clerk.store.path.parent / "attachments"
    assert _audit_actions(clerk, att.id) == ["attach"]

    (tmp_path / "out").mkdir()
    out = clerk.export_attachment(att.id, tmp_path / "out")
    assert out.read_bytes() == PNG and out.name == "来信扫描件.png"

    with pytest.raises(ValidationError):
        reviewer.void_attachment(again.id, "  ")
    reviewer.void_attachment(again.id, "重复上传")
    assert [a.id for a in clerk.attachments("petition", p.id)] == [att.id]
    assert {a.id for a in clerk.attachments("petition", p.id, include_voided=True)} == {att.id, again.id}
    assert _audit_actions(clerk, again.id) == ["attach", "void"]
    with pytest.raises(TransitionError):
        reviewer.void_attachment(again.id, "再次作废")
    assert clerk.attachment_bytes(again.id) == PNG  # voided, never deleted


def test_encrypted_store_keeps_files_unreadable_and_unnamed(encrypted_admin: Services) -> None:
    svc = encrypted_admin
    p = new_petition(svc, "2026-11-18")
    secret = "身份证 330825199001011234 的信访人来信".encode() * 20
    att = svc.attach("petition", p.id, secret, "来信.txt")
    [path] = svc.attachment_files().files()
    raw = path.read_bytes()
    assert secret not in raw and att.sha256 not in path.name  # neither the bytes nor the hash show
    assert svc.attachment_bytes(att.id) == secret
    path.write_bytes(raw[:-1] + bytes([raw[-1] ^ 1]))  # one bit changed on disk
    with pytest.raises(AttachmentMissing, match="校验失败"):
        svc.attachment_bytes(att.id)


def test_bad_input_is_refused_and_nothing_is_stored(clerk: Services, tmp_path: Path) -> None:
    p = new_petition(clerk, "2026-11-18")
    before = clerk.attachment_files().files()
    for call, rule in [
        (lambda: clerk.attach("petition", p.id, b"", "空.pdf"), "empty"),
        (lambda: clerk.attach("petition", p.id, b"x", "  "), "required"),
        (lambda: clerk.attach("petition", p.id, b"x", "a.pdf", note="长" * 501), "max_length"),
        (lambda: clerk.attach_file("petition", p.id, tmp_path / "不存在.pdf"), "missing"),
    ]:
        with pytest.raises(ValidationError) as e:
            call()
        assert e.value.rule == rule
    big = tmp_path / "big.pdf"
    with open(big, "wb") as fh:
        fh.truncate(MAX_ATTACHMENT_BYTES + 1)
    with pytest.raises(ValidationError, match="上限"):
        clerk.attach_file("petition", p.id, big)
    assert clerk.attachment_files().files() == before
    assert clerk.attachments("petition", p.id) == []


def test_voided_record_takes_no_attachment(clerk: Services, reviewer: Services) -> None:
    p = new_petition(clerk, "2026-11-18")
    reviewer.void("petition", p.id, "重复登记")
    with pytest.raises(TransitionError, match="已作废"):
        clerk.attach("petition", p.id, PNG, "a.png")


def test_audit_verify_names_an_attachment_row_changed_behind_the_program(clerk: Services) -> None:
    from zongzhi_desktop.services.rowcheck import row_problems

    p = new_petition(clerk, "2026-11-18")
    att = clerk.attach("petition", p.id, PNG, "a.png")
    with clerk.store.engine.begin() as conn:
        assert row_problems(conn) == []
        conn.exec_driver_sql("UPDATE attachment SET file_name = '换了.png' WHERE id = ?", (att.id,))
    with clerk.store.engine.connect() as conn:
        problems = row_problems(conn)
    assert [pr.table for pr in problems] == ["attachment"]


def test_attachment_is_a_synced_record() -> None:
    assert m.Attachment in m.SYNCED_MODELS and m.AttachmentContent in m.SYNCED_MODELS
