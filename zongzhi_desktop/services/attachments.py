"""Attachments on records: attach, list, read back, export a copy, void — each write audited.

The bytes go to the attachment folder (store/attachments.py) before the row is written: a crash in
between leaves an unreferenced file (harmless, reused when the same file is attached again), never
a row without its file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..domain import models as m
from ..domain.errors import NotFound, TransitionError, ValidationError
from ..domain.fields import unstorable_char
from ..domain.rowrules import char_message
from ..store.attachments import AttachmentFiles, AttachmentMissing, inflate, sniff_media_type
from ..store.serialize import to_row
from .kinds import kind_spec

if TYPE_CHECKING:
    from .context import Services

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024  # a multi-page colour scan; bigger files are refused
MAX_NAME = 200
MAX_NOTE = 500
PREVIEWABLE = ("image/png", "image/jpeg", "image/gif", "image/bmp", "application/pdf")


def _clean_name(file_name: str) -> str:
    name = Path(file_name.replace("\\", "/")).name.strip()
    if not name:
        raise ValidationError("file_name", "文件名", "required", "附件须有文件名")
    if (bad := unstorable_char(name)) is not None:
        raise ValidationError("file_name", "文件名", "character", char_message(bad))
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) < 16 else name[:MAX_NAME]
    return name


def _clean_note(note: str | None) -> str | None:
    if note is None or not note.strip():
        return None
    note = note.strip()
    if (bad := unstorable_char(note)) is not None:
        raise ValidationError("note", "附件说明", "character", char_message(bad))
    if len(note) > MAX_NOTE:
        raise ValidationError("note", "附件说明", "max_length", f"不能超过 {MAX_NOTE} 个字")
    return note


def read_upload(path: str | Path) -> bytes:
    """A file chosen for attaching, read whole (ValidationError naming the rule when it cannot be)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if not p.is_file():
            raise ValidationError("file", "附件文件", "not_file", f"“{p.name}”不是文件")
        if size > MAX_ATTACHMENT_BYTES:
            raise ValidationError("file", "附件文件", "max_size",
                                  f"“{p.name}”有 {size / 1048576:.1f} MB，超过单个附件 "
                                  f"{MAX_ATTACHMENT_BYTES // 1048576} MB 的上限")
        return p.read_bytes()
    except FileNotFoundError:
        raise ValidationError("file", "附件文件", "missing", f"找不到文件“{p}”") from None
    except PermissionError:
        raise ValidationError("file", "附件文件", "unreadable", f"没有权限读取“{p.name}”") from None
    except OSError as e:
        raise ValidationError("file", "附件文件", "unreadable", f"无法读取“{p.name}”（{e.strerror or e}）") from None


class AttachmentOps:
    """Attachment operations (mixed into Services)."""

    def attachment_files(self: Services) -> AttachmentFiles:
        """The attachment folder of this township store."""
        path = self.store.path
        if path is None:
            raise TransitionError("县级数据库不保存附件文件")
        return AttachmentFiles(path, self.store.key)

    def attach(self: Services, kind: str, ident: str, data: bytes, file_name: str,
               note: str | None = None) -> m.Attachment:
        """Attach `data` (named `file_name`) to the record `ident` of `kind`."""
        spec = kind_spec(kind)
        self.require(spec.perm, f"为{spec.label}添加附件")
        self.require_read(spec)
        name, note = _clean_name(file_name), _clean_note(note)
        if not data:
            raise ValidationError("file", "附件文件", "empty", f"“{name}”是空文件")
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise ValidationError("file", "附件文件", "max_size",
                                  f"超过单个附件 {MAX_ATTACHMENT_BYTES // 1048576} MB 的上限")
        with self.session() as session:
            rec = self._load(session, spec, ident)
            if rec.voided:
                raise TransitionError(f"{spec.label}“{ident}”已作废，不能添加附件")
            record_id = rec.id
        sha = self.attachment_files().put(data)
        att = m.Attachment(record_kind=kind, record_id=record_id, sha256=sha, size=len(data), file_name=name,
                           media_type=sniff_media_type(data, name), note=note)
        self._stamp_new(att)
        with self.session() as session, session.begin():
            session.add(att)
            session.flush()
            self._audit(session, "attach", "attachment", att, None)
        return att

    def attach_file(self: Services, kind: str, ident: str, path: str | Path, note: str | None = None) -> m.Attachment:
        """Attach the file at `path` (its name is kept)."""
        return self.attach(kind, ident, read_upload(path), Path(path).name, note)

    def attachments(self: Services, kind: str, ident: str, *, include_voided: bool = False) -> list[m.Attachment]:
        """The record's attachments, oldest first."""
        spec = kind_spec(kind)
        self.require_read(spec)
        with self.session() as session:
            rec = self._load(session, spec, ident)
            q = select(m.Attachment).where(m.Attachment.record_kind == kind, m.Attachment.record_id == rec.id)
            if not include_voided:
                q = q.where(m.Attachment.voided.is_(False))
            return list(session.execute(q.order_by(m.Attachment.created_at, m.Attachment.id)).scalars())

    def attachment(self: Services, attachment_id: str) -> m.Attachment:
        """One attachment row by id (NotFound otherwise)."""
        with self.session() as session:
            att = session.get(m.Attachment, attachment_id)
        if att is None:
            raise NotFound(f"找不到附件“{attachment_id}”")
        self.require_read(kind_spec(att.record_kind))
        return att

    def attachment_bytes(self: Services, attachment_id: str) -> bytes:
        """The attachment's bytes, checked against its SHA-256: from the attachment folder, or from
        the copy restored from the county (AttachmentMissing when neither has them)."""
        att = self.attachment(attachment_id)
        files = self.attachment_files()
        if files.has(att.sha256):
            return files.get(att.sha256)
        with self.session() as session:
            blob = session.execute(select(m.AttachmentContent.content_zlib).where(
                m.AttachmentContent.sha256 == att.sha256).limit(1)).scalar()
        content = inflate(bytes(blob), max(att.size, 0)) if blob is not None else None
        if content is None or hashlib.sha256(content).hexdigest() != att.sha256:
            raise AttachmentMissing(f"附件“{att.file_name}”的文件不在本机"
                                    "（换机恢复时县级没有保存附件内容，或文件已被删除）")
        return content

    def export_attachment(self: Services, attachment_id: str, target: str | Path) -> Path:
        """Write a copy of the attachment to `target` (a file path, or a folder: keeps its name)."""
        att = self.attachment(attachment_id)
        data = self.attachment_bytes(attachment_id)
        out = Path(target)
        if out.is_dir():
            out = out / att.file_name
        try:
            out.write_bytes(data)
        except OSError as e:
            raise ValidationError("output", "保存位置", "unwritable", f"无法写入“{out}”（{e.strerror or e}）") from None
        return out

    def void_attachment(self: Services, attachment_id: str, reason: str) -> m.Attachment:
        """Void an attachment added by mistake (the row and the file stay; audited)."""
        from .records import _void_reason

        att = self.attachment(attachment_id)
        spec = kind_spec(att.record_kind)
        self.require(spec.perm, f"作废{spec.label}的附件")
        self.require_read(spec)
        reason = _void_reason(reason)
        with self.session() as session, session.begin():
            row: Any = session.get(m.Attachment, attachment_id)
            if row.voided:
                raise TransitionError(f"附件“{row.file_name}”已作废")
            before = to_row(row)
            row.voided, row.void_reason = True, reason
            self._touch(row)
            session.add(row)
            self._audit(session, "void", "attachment", row, before)
        return row
