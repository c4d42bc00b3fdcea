"""Setting up a hub's store (a county's, a city's): its keys sealed with the passphrase, its signed
profile and its identity settings, in one audited transaction. The county and the city call it
with their own level, code rule and profile format (county/setup.py, city/setup.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .._setting import get_setting, put_setting
from ..domain.errors import ValidationError
from ..domain.models import utcnow
from ..store import audit
from ..store.database import Store
from . import suites
from .errors import SyncError
from .keys import check_passphrase_rule, new_encryption_key, new_signing_key, store_key
from .suites import Signer

ROLE_KEY = "store_role"


@dataclass(frozen=True)
class HubLevel:
    """What differs between a county and a city when their store is set up."""

    role: str  # store_role: county | city
    code_pattern: str  # the area code's rule
    code_label: str  # 县级区划代码 / 市级区划代码
    code_rule: str  # the message when the code breaks the rule
    name_label: str  # 县名称 / 市名称
    signing_purpose: str
    encryption_purpose: str
    make_profile: Callable[[str, str, Signer, bytes, datetime, str | None], bytes]
    profile_id: Callable[[bytes], str]
    initialized: str  # the refusal when the store is already set up


def init_hub(store: Store, level: HubLevel, code: str, name: str, passphrase: str, *, actor: str,
             upload_url: str | None, now: datetime | None, suite: str) -> None:
    """Create the hub's keys (sealed with `passphrase`), its profile and its identity settings."""
    if suite not in suites.SUITES:
        raise ValidationError("suite", "密码套件", "choice", "应为 " + "、".join(suites.SUITES))
    if not re.fullmatch(level.code_pattern, code or ""):
        raise ValidationError(f"{level.role}_code", level.code_label, "format", level.code_rule)
    if not name or not name.strip():
        raise ValidationError(f"{level.role}_name", level.name_label, "required", "必填项，不能为空")
    check_passphrase_rule(passphrase)
    now = now or utcnow()
    name = name.strip()
    signing, encryption = new_signing_key(suites.get(suite)), new_encryption_key(suites.get(suite))
    profile = level.make_profile(code, name, signing, encryption.public, now, upload_url)
    with store.session() as s, s.begin():
        if get_setting(s, ROLE_KEY) is not None or get_setting(s, "township_code") is not None:
            raise SyncError(level.initialized, "already_initialized")
        put_setting(s, ROLE_KEY, level.role)
        put_setting(s, f"{level.role}_code", code)
        put_setting(s, f"{level.role}_name", name)
        put_setting(s, f"{level.role}_profile", profile.decode("utf-8"))
        store_key(s, level.signing_purpose, signing.public, signing.secret, passphrase, actor, now=now)
        store_key(s, level.encryption_purpose, encryption.public, encryption.secret, passphrase, actor, now=now)
        audit.append(s, username=actor, action=f"{level.role}_init", record_kind=level.role, record_id=None,
                     before=None, after={f"{level.role}_code": code, f"{level.role}_name": name,
                                         "profile_id": level.profile_id(profile), "suite": suite})
