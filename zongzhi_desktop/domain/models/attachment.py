"""Attachments (附件): scanned letters, photos and signed agreements attached to a record.

The row holds what travels to the county by default: the file's SHA-256, size, name and media
type. The bytes live content-addressed under the data directory (store/attachments.py), encrypted
with the store's key. They travel to the county only when the county asks for them (its receipts
say so), as `attachment_content` rows; the county keeps them in that table, and a township
restored from the county reads them from it.
"""

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field

from .base import Record


class Attachment(Record, table=True):
    """One file attached to a record of any kind (`record_kind`, `record_id`)."""

    __tablename__ = "attachment"
    record_kind: str = Field(max_length=16)
    record_id: str = Field(index=True, max_length=36)
    sha256: str = Field(index=True, max_length=64)
    size: int
    file_name: str = Field(max_length=200)
    media_type: str = Field(max_length=100)
    note: str | None = Field(default=None, max_length=500)


class AttachmentContent(Record, table=True):
    """An attachment's bytes as sent to the county (id = the attachment's id), zlib-compressed: a
    blank scan compresses a hundredfold, which a bundle's chunk would otherwise show as a zip bomb."""

    __tablename__ = "attachment_content"
    sha256: str = Field(max_length=64)  # of the uncompressed bytes
    content_zlib: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
