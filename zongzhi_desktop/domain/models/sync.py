"""Sync bookkeeping: keys, the trusted county, exported bundles and acknowledgements (township side);
registered townships, their keys and received bundles (county side).

None of these tables travel in bundles; they describe the travelling itself.
"""

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field

from .base import Model, utcnow


class SyncKey(Model, table=True):
    """A key pair of this installation. The private half is sealed with the holder's passphrase.

    purpose: township_signing (a township), county_signing / county_encryption (the county).
    """

    __tablename__ = "sync_key"
    key_id: str = Field(primary_key=True, max_length=64)  # SHA-256 hex of the public key (see docs)
    purpose: str = Field(max_length=32, index=True)
    public_key: str = Field(max_length=64)  # base64 of the 32-byte public key
    sealed_secret: str  # JSON: argon2id parameters, salt, secretbox of the private key
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(default="", max_length=64)
    status: str = Field(default="active", max_length=16)  # active | retired
    retired_at: datetime | None = None


class SyncCounty(Model, table=True):
    """The county profile a township trusts (imported from the county's profile file)."""

    __tablename__ = "sync_county"
    county_code: str = Field(primary_key=True, max_length=6)
    county_name: str
    signing_key: str = Field(max_length=64)  # base64 Ed25519 public key (verifies receipts)
    encryption_key: str = Field(max_length=64)  # base64 X25519 public key (bundles are sealed to it)
    profile_id: str = Field(max_length=64)  # fingerprint hash of both keys
    profile: str  # the profile file as received
    upload_url: str | None = None
    trusted_at: datetime = Field(default_factory=utcnow)
    trusted_by: str = Field(default="", max_length=64)
    active: bool = Field(default=True)
    # JSON list of base64 signing keys this county used before a rotation: receipts for bundles
    # sealed to the older profile are signed with them.
    previous_keys: str = Field(default="[]")


class SyncBundle(Model, table=True):
    """A bundle this township exported, and what the county's receipt said about it."""

    __tablename__ = "sync_bundle"
    sequence: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    bundle_hash: str = Field(max_length=64, unique=True)
    bundle_id: str = Field(max_length=36)
    file_name: str = Field(max_length=64)
    county_code: str = Field(max_length=6)
    signer_key_id: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(default="", max_length=64)
    rows: int = Field(default=0)
    counts: str = Field(default="{}")  # JSON {table: rows}
    outbox_path: str | None = None  # copy kept until the receipt arrives
    receipt_at: datetime | None = None
    accepted: int | None = None
    rejected: int | None = None
    # The county's signed receipt envelope as received, zlib-compressed (migration 0014): it names the
    # end of this township's audit chain the county saw, and `audit verify` re-checks its signature.
    receipt: bytes | None = None
    # The bundle's content key (it only opens rows this store holds anyway): a bundle still waiting
    # for its receipt can be re-sealed to a rotated county key without rewriting its chunks.
    content_key: bytes | None = None
    recipient: str | None = Field(default=None, max_length=64)  # county encryption key id it is sealed to
    file_hash: str | None = Field(default=None, max_length=64)  # manifest hash of the outbox file if re-sealed
    dropped_at: datetime | None = None  # taken out of the outbox: sealed to a county key no longer held


class SyncAck(Model, table=True):
    """The highest revision of a record the county has acknowledged."""

    __tablename__ = "sync_ack"
    table_name: str = Field(primary_key=True, max_length=64)
    record_id: str = Field(primary_key=True, max_length=36)
    revision: int
    bundle_sequence: int
    acked_at: datetime = Field(default_factory=utcnow)


class SyncRejection(Model, table=True):
    """A record revision the county refused, with its reason (cleared once a later revision is acked)."""

    __tablename__ = "sync_rejection"
    table_name: str = Field(primary_key=True, max_length=64)
    record_id: str = Field(primary_key=True, max_length=36)
    revision: int
    reason: str
    bundle_sequence: int
    at: datetime = Field(default_factory=utcnow)


class CountyTownship(Model, table=True):
    """A township registered with this county hub."""

    __tablename__ = "county_township"
    code: str = Field(primary_key=True, max_length=9)
    name: str
    registered_at: datetime = Field(default_factory=utcnow)
    registered_by: str = Field(default="", max_length=64)
    last_sequence: int = Field(default=0)  # highest sequence received
    last_received_at: datetime | None = None
    bundle_count: int = Field(default=0)
    lock_version: int = Field(default=0)  # bumped by every import: serializes imports per township


class CountyTownshipKey(Model, table=True):
    """A township signing key the county holds. Retired keys still verify bundles; revoked keys do not."""

    __tablename__ = "county_township_key"
    key_id: str = Field(primary_key=True, max_length=64)
    township_code: str = Field(foreign_key="county_township.code", index=True, max_length=9)
    public_key: str = Field(max_length=64)
    status: str = Field(default="active", max_length=16)  # active | retired | revoked
    registered_at: datetime = Field(default_factory=utcnow)
    registered_by: str = Field(default="", max_length=64)
    status_changed_at: datetime | None = None
    registration: str  # the registration file as received


class CountyBundle(Model, table=True):
    """A bundle the county imported. The bundle hash is unique: a second import is a replay."""

    __tablename__ = "county_bundle"
    __table_args__ = (Index("ix_county_bundle_township_seq", "township_code", "sequence"),)
    bundle_hash: str = Field(primary_key=True, max_length=64)
    township_code: str = Field(foreign_key="county_township.code", max_length=9)
    sequence: int
    bundle_id: str = Field(max_length=36)
    previous_hash: str = Field(max_length=64)
    created_at: datetime  # when the township exported it (from the manifest)
    span_from: datetime | None = None
    span_to: datetime | None = None
    received_at: datetime = Field(default_factory=utcnow)
    received_by: str = Field(default="", max_length=64)
    via: str = Field(default="file", max_length=16)  # file | upload
    signer_key_id: str = Field(max_length=64)
    file_size: int = Field(default=0)
    rows: int = Field(default=0)
    accepted: int = Field(default=0)
    applied: int = Field(default=0)
    rejected: int = Field(default=0)
    manifest: str
    receipt: bytes  # zlib-compressed receipt envelope, returned again on replay
    # The bundle file as received (migration 0021): the county forwards it byte for byte to the city,
    # whose check of the township's signature and chunk hashes is the chain of custody (issue 19).
    original: bytes | None = None
    city_sequence: int | None = None  # the county bundle to the city that last carried it
    city_acked_at: datetime | None = None  # when the city's receipt acknowledged it


class CityCounty(Model, table=True):
    """A county registered with this city hub (the city's counterpart of county_township)."""

    __tablename__ = "city_county"
    code: str = Field(primary_key=True, max_length=6)
    name: str
    registered_at: datetime = Field(default_factory=utcnow)
    registered_by: str = Field(default="", max_length=64)
    last_sequence: int = Field(default=0)
    last_received_at: datetime | None = None
    bundle_count: int = Field(default=0)
    lock_version: int = Field(default=0)  # bumped by every import: serializes imports per county


class CityCountyKey(Model, table=True):
    """A county signing key the city holds (registered after the phone check)."""

    __tablename__ = "city_county_key"
    key_id: str = Field(primary_key=True, max_length=64)
    county_code: str = Field(foreign_key="city_county.code", index=True, max_length=6)
    public_key: str = Field(max_length=64)
    status: str = Field(default="active", max_length=16)  # active | retired | revoked
    registered_at: datetime = Field(default_factory=utcnow)
    registered_by: str = Field(default="", max_length=64)
    status_changed_at: datetime | None = None
    registration: str  # the county's registration file as received


class CityBundle(Model, table=True):
    """A county bundle the city imported; the township bundles inside it are in county_bundle."""

    __tablename__ = "city_bundle"
    __table_args__ = (Index("ix_city_bundle_county_seq", "county_code", "sequence"),)
    bundle_hash: str = Field(primary_key=True, max_length=64)
    county_code: str = Field(foreign_key="city_county.code", max_length=6)
    sequence: int
    bundle_id: str = Field(max_length=36)
    previous_hash: str = Field(max_length=64)
    created_at: datetime
    span_from: datetime | None = None
    span_to: datetime | None = None
    received_at: datetime = Field(default_factory=utcnow)
    received_by: str = Field(default="", max_length=64)
    via: str = Field(default="file", max_length=16)
    signer_key_id: str = Field(max_length=64)
    file_size: int = Field(default=0)
    township_bundles: int = Field(default=0)  # township bundles carried
    new_township_bundles: int = Field(default=0)  # of those, not held by the city before
    rows: int = Field(default=0)  # township rows applied from the originals
    manifest: str
    receipt: bytes  # zlib-compressed receipt envelope, returned again on replay
