"""Installation setup, users and passwords, code tables, settings and the holiday calendar."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlmodel import Session

from ..domain import models as m
from ..domain.deadlines import (
    CADENCE_PREFIX,
    DISPUTE_ACCEPT_DAYS,
    DISPUTE_AFTER_FAILURE_DAYS,
    DISPUTE_START_DAYS,
    DISPUTE_WINDOW_SETTINGS,
    DeadlineRule,
)
from ..domain.errors import DomainError, NotFound, ValidationError
from ..domain.roles import ROLE_LABELS, Perm, Role
from ..store import audit
from ..store.serialize import to_row

if TYPE_CHECKING:
    from .context import Actor, Services

_hasher = PasswordHasher()
MIN_PASSWORD = 8
MAX_PASSWORD = 128
SETTING_LABELS = {
    "township_code": "本乡镇代码",
    "deadline_rule": "期限计算规则",
    "idle_lock_minutes": "空闲锁定时间(分钟)",
    "password_min_length": "密码最短长度",
    "password_classes": "密码须含的字符种类数(小写、大写、数字、其他)",
    "backup_mirror_dir": "第二备份位置(另一块硬盘或U盘上的文件夹，空为不用)",
    "dispute_accept_days": "纠纷排查登记后受理期限(天)",
    "dispute_start_days": "纠纷受理后开始调解期限(天)",
    "dispute_after_failure_days": "调解不成后移交/诉讼/终止期限(天)",
}
INTERNAL_SETTINGS = {"demo"}  # written by the program itself (demo store parameters)
# Integer settings: (lowest, highest, default). Refused outside the range, never stored as text
# that a later int() would choke on.
INT_SETTINGS = {
    "idle_lock_minutes": (0, 240, 15),
    "password_min_length": (MIN_PASSWORD, 64, MIN_PASSWORD),
    "password_classes": (1, 4, 1),
    "dispute_accept_days": (1, 90, DISPUTE_ACCEPT_DAYS),
    "dispute_start_days": (1, 90, DISPUTE_START_DAYS),
    "dispute_after_failure_days": (1, 90, DISPUTE_AFTER_FAILURE_DAYS),
}
_CHAR_CLASSES = (str.islower, str.isupper, str.isdigit)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rule(password: str, *, min_length: int = MIN_PASSWORD, classes: int = 1) -> None:
    """The password policy: at least `min_length` characters and `classes` of the four kinds
    (lowercase, uppercase, digits, anything else such as symbols or Chinese)."""
    if len(password) < min_length:
        raise ValidationError("password", "密码", "min_length", f"密码至少{min_length}位")
    if len(password) > MAX_PASSWORD:
        raise ValidationError("password", "密码", "max_length", f"密码最多{MAX_PASSWORD}位")
    kinds = sum(any(test(ch) for ch in password) for test in _CHAR_CLASSES)
    kinds += any(not (ch.islower() or ch.isupper() or ch.isdigit()) for ch in password)
    if kinds < classes:
        raise ValidationError("password", "密码", "classes",
                              f"密码须含小写字母、大写字母、数字、其他符号中的至少{classes}种")


def int_setting(key: str, value: str) -> int:
    """Parse and range-check an integer setting; ValidationError names the setting and its range."""
    low, high, _ = INT_SETTINGS[key]
    label = SETTING_LABELS.get(key, key)
    try:
        number = int(value.strip())
    except (ValueError, AttributeError):
        raise ValidationError(key, label, "integer", f"应为{low}到{high}之间的整数") from None
    if not low <= number <= high:
        raise ValidationError(key, label, "range", f"应为{low}到{high}之间的整数")
    return number


def validate_division_codes(township_code: str, county_code: str) -> None:
    """Township codes are 9 digits and start with their county's 6-digit code."""
    if not re.fullmatch(r"\d{6}", county_code or ""):
        raise ValidationError("county_code", "县级区划代码", "format", "应为6位数字")
    if not re.fullmatch(r"\d{9}", township_code or ""):
        raise ValidationError("township_code", "乡镇区划代码", "format", "应为9位数字")
    if not township_code.startswith(county_code):
        raise ValidationError("township_code", "乡镇区划代码", "prefix", f"前6位应为所属县级代码{county_code}")


def is_initialized(session: Session) -> bool:
    return session.get(m.Setting, "township_code") is not None


def _cadence_parts() -> list[Any]:
    from ..kinds import parts

    return [p for p in parts("domain") if hasattr(p, "parse_cadence")]


def _cadence_setting(key: str, value: str, codes: Any) -> str | None:
    """A `cadence.<code>` setting's value, checked and normalized; None when `key` is another setting."""
    if not key.startswith(CADENCE_PREFIX):
        return None
    code = key[len(CADENCE_PREFIX):]
    for part in _cadence_parts():
        if code in codes[part.CODE_TABLE].items:
            try:
                first, later = part.parse_cadence(value)
            except ValueError:
                raise ValidationError(key, "走访周期", "cadence",
                                      "应为天数（如 30），或“第一年天数/以后天数”（如 90/180），1 至 3650 天") from None
            return str(first) if first == later else f"{first}/{later}"
    raise ValidationError(key, "走访周期", "choice", f"没有人员类别“{code}”")


class AdminOps:
    """Administrative operations (mixed into Services)."""

    def initialize(self: Services, *, township_code: str, township_name: str, county_code: str,
                   county_name: str, admin_username: str, admin_password: str,
                   admin_display_name: str = "管理员") -> None:
        """First-run setup: township, code tables, default settings and the administrator account."""
        validate_division_codes(township_code, county_code)
        for field, label, value in (("township_name", "乡镇名称", township_name), ("county_name", "县名称", county_name),
                                    ("admin", "管理员用户名", admin_username)):
            if not value or not value.strip():
                raise ValidationError(field, label, "required", "必填项，不能为空")
        check_password_rule(admin_password)
        from .context import default_codes

        with self.session() as session, session.begin():
            if is_initialized(session):
                raise DomainError("数据库已初始化，不能重复初始化")
            now = m.utcnow()
            t = m.Township(code=township_code, name=township_name.strip(), county_code=county_code,
                           county_name=county_name.strip(), township_code=township_code,
                           created_at=now, updated_at=now, created_by=self.actor.username, updated_by=self.actor.username)
            session.add(t)
            session.add(m.Setting(key="township_code", value=township_code))
            session.add(m.Setting(key="deadline_rule", value=DeadlineRule.CALENDAR.value))
            session.add(m.Setting(key="idle_lock_minutes", value="15"))
            for name, table in default_codes().tables.items():
                for i, (code, label) in enumerate(table.items.items()):
                    session.add(m.CodeItem(table_name=name, code=code, label=label, sort_order=i, active=True))
            user = m.User(username=admin_username.strip(), display_name=admin_display_name, role=Role.ADMIN.value,
                          password_hash=hash_password(admin_password), township_code=township_code,
                          created_at=now, updated_at=now, created_by=self.actor.username, updated_by=self.actor.username)
            session.add(user)
            session.flush()
            audit.append(session, username=self.actor.username, action="init", record_kind="township",
                         record_id=t.id, before=None, after=to_row(t), stamp=t)
            audit.append(session, username=self.actor.username, action="create", record_kind="app_user",
                         record_id=user.id, before=None, after=_user_audit_row(user), stamp=user)
        self.invalidate_caches()
        self._key_slot(admin_username.strip(), admin_password)
        from .unlock import remember_public

        remember_public(self)

    # -- users --------------------------------------------------------------------------------
    def create_user(self: Services, username: str, display_name: str, role: str, password: str) -> m.User:
        self.require(Perm.ADMIN, "新增用户")
        if role not in Role._value2member_map_:
            raise ValidationError("role", "角色", "choice", "应为 clerk(录入员)、reviewer(审核员) 或 admin(管理员)")
        if not username.strip():
            raise ValidationError("username", "用户名", "required", "必填项，不能为空")
        self.check_password_policy(password)
        with self.session() as session, session.begin():
            exists = session.execute(select(m.User.id).where(m.User.username == username.strip())).first()
            if exists:
                raise ValidationError("username", "用户名", "unique", f"用户名“{username}”已存在")
            user = m.User(username=username.strip(), display_name=display_name or username, role=role,
                          password_hash=hash_password(password))
            self._stamp_new(user)
            session.add(user)
            session.flush()
            audit.append(session, username=self.actor.username, action="create", record_kind="app_user",
                         record_id=user.id, before=None, after=_user_audit_row(user), stamp=user)
        self._key_slot(user.username, password)
        return user

    def set_password(self: Services, username: str, password: str) -> None:
        if username != self.actor.username:
            self.require(Perm.ADMIN, "修改他人密码")
        self.check_password_policy(password)
        with self.session() as session, session.begin():
            user = session.execute(select(m.User).where(m.User.username == username)).scalar_one_or_none()
            if user is None:
                raise NotFound(f"找不到用户“{username}”")
            before = _user_audit_row(user)
            user.password_hash = hash_password(password)
            throttle = session.get(m.SigninThrottle, username)
            if throttle is not None:  # a new password from the administrator also ends a back-off
                session.delete(throttle)
            self._touch(user)
            session.add(user)
            audit.append(session, username=self.actor.username, action="set_password", record_kind="app_user",
                         record_id=user.id, before=before, after=_user_audit_row(user), stamp=user)
        self._key_slot(username, password)
        if self.store.path is not None:
            from .signin import gate_clear

            gate_clear(self.store.path, username)

    def set_user_active(self: Services, username: str, active: bool) -> None:
        self.require(Perm.ADMIN, "启用或停用用户")
        with self.session() as session, session.begin():
            user = session.execute(select(m.User).where(m.User.username == username)).scalar_one_or_none()
            if user is None:
                raise NotFound(f"找不到用户“{username}”")
            before = _user_audit_row(user)
            user.active = active
            self._touch(user)
            session.add(user)
            audit.append(session, username=self.actor.username, action="set_active", record_kind="app_user",
                         record_id=user.id, before=before, after=_user_audit_row(user), stamp=user)
        if not active:
            self._key_slot(username, None)  # a disabled account no longer unwraps the store's key

    def can_open_store(self: Services, username: str) -> bool:
        """Whether `username`'s password opens this store (always, for a plain store). A re-enabled
        account of an encrypted store needs a new password first (disabling removed its key slot)."""
        if self.store.key is None or self.store.path is None:
            return True
        from ..store import keys

        return username in keys.load(keys.keyfile_path(self.store.path)).slots

    def new_recovery_key(self: Services) -> str:
        """Administrator: make a new recovery key for the encrypted store (the old one stops working);
        returns it — shown once, to be printed and kept on paper."""
        self.require(Perm.ADMIN, "生成恢复密钥")
        if self.store.key is None or self.store.path is None:
            raise DomainError("此数据库未加密，没有恢复密钥")
        from ..store import keys

        path = keys.keyfile_path(self.store.path)
        keyfile = keys.load(path)
        text = keyfile.new_recovery(self.store.key)
        keyfile.save(path)
        with self.session() as session, session.begin():
            audit.append(session, username=self.actor.username, action="new_recovery_key", record_kind="store",
                         record_id=None, before=None, after={"store_id": keyfile.store_id})
        return text

    def _key_slot(self: Services, username: str, password: str | None) -> None:
        """Keep the key file in step with an account: wrap the store's key under a new password, or
        (None) remove the account's slot. Nothing for a plain store."""
        if self.store.key is None or self.store.path is None:
            return
        from ..store import keys

        path = keys.keyfile_path(self.store.path)
        keyfile = keys.load(path)
        if password is None:
            keyfile.remove_user(username)
        else:
            keyfile.set_user(username, password, self.store.key)
        keyfile.save(path)

    def people(self: Services) -> dict[str, str]:
        """Login name → the person's name (显示名) of every account, for 经办人 and 修改历史; the
        program's own entries ("system") read 系统. A name not in the map is shown as it is."""
        with self.session() as session:
            rows = session.execute(select(m.User.username, m.User.display_name)).all()
        names = {"system": "系统"}
        names.update({u: (d or u) for u, d in rows})
        return names

    def person_name(self: Services, username: str | None) -> str:
        """One login name as the person's name (the login name when the account is unknown)."""
        return self.people().get(username or "", username or "")

    def check_password_policy(self: Services, password: str) -> None:
        """Refuse a password that breaks this installation's policy (settings password_*)."""
        min_length = int(self.get_setting("password_min_length", str(MIN_PASSWORD)) or MIN_PASSWORD)
        classes = int(self.get_setting("password_classes", "1") or 1)
        check_password_rule(password, min_length=min_length, classes=classes)

    def unlock_user(self: Services, username: str) -> bool:
        """Administrator: end a user's sign-in back-off (audited). False when nothing was locked."""
        from .signin import unlock

        return unlock(self, username)

    def list_users(self: Services) -> list[m.User]:
        with self.session() as session:
            return list(session.execute(select(m.User).order_by(m.User.username)).scalars())

    def set_grant(self: Services, username: str, grant: str, on: bool) -> None:
        """Give (`on`) or take away a per-user grant (domain/roles.py GRANT_LABELS), with its audit entry."""
        from ..domain.roles import GRANT_LABELS, GRANT_SETTING_PREFIX

        self.require(Perm.ADMIN, "授予或收回权限")
        if grant not in GRANT_LABELS:
            valid = "、".join(f"{k}({v})" for k, v in GRANT_LABELS.items()) or "无"
            raise ValidationError("grant", "权限", "choice", f"没有权限“{grant}”，可用：{valid}")
        key = GRANT_SETTING_PREFIX + grant
        with self.session() as session, session.begin():
            if session.execute(select(m.User.id).where(m.User.username == username)).first() is None:
                raise ValidationError("username", "用户名", "ref", f"没有用户“{username}”")
            row = session.get(m.Setting, key)
            holders = [u for u in (row.value.split("\n") if row else []) if u]
            before = {"key": key, "value": row.value} if row else None
            holders = sorted(set(holders) | {username}) if on else [u for u in holders if u != username]
            value = "\n".join(holders)
            if row is None:
                row = m.Setting(key=key, value=value)
            row.value = value
            session.add(row)
            audit.append(session, username=self.actor.username, action="grant" if on else "revoke",
                         record_kind="setting", record_id=None, before=before, after={"key": key, "value": value})
        self.invalidate_caches()

    def grant_holders(self: Services, grant: str) -> list[str]:
        """The usernames holding a per-user grant."""
        from ..domain.roles import GRANT_SETTING_PREFIX

        value = self.get_setting(GRANT_SETTING_PREFIX + grant) or ""
        return [u for u in value.split("\n") if u]

    # -- code tables --------------------------------------------------------------------------
    def set_code(self: Services, table: str, code: str, label: str, *, active: bool = True) -> None:
        """Add a code or rename its label (the code itself never changes)."""
        self.require(Perm.ADMIN, "修改字典")
        if table not in self.codes:
            raise NotFound(f"没有字典“{table}”")
        if not re.fullmatch(r"[a-z0-9_]{1,32}", code):
            raise ValidationError("code", "字典代码", "format", "只能使用小写字母、数字和下划线，最长32位")
        if not label.strip():
            raise ValidationError("label", "字典名称", "required", "必填项，不能为空")
        with self.session() as session, session.begin():
            item = session.get(m.CodeItem, (table, code))
            before = item.model_dump() if item else None
            if item is None:
                sort = session.execute(select(func.max(m.CodeItem.sort_order)).where(m.CodeItem.table_name == table)).scalar()
                item = m.CodeItem(table_name=table, code=code, label=label.strip(), sort_order=(sort or 0) + 1, active=active)
            else:
                item.label, item.active = label.strip(), active
            session.add(item)
            audit.append(session, username=self.actor.username, action="set_code", record_kind="code_item",
                         record_id=None, before=before, after=item.model_dump())
        self.invalidate_caches()

    # -- settings and holidays ----------------------------------------------------------------
    def get_setting(self: Services, key: str, default: str | None = None) -> str | None:
        with self.session() as session:
            s = session.get(m.Setting, key)
            return s.value if s else default

    def set_setting(self: Services, key: str, value: str) -> None:
        self.require(Perm.ADMIN, "修改设置")
        if key == "township_code":
            raise DomainError("本乡镇代码在初始化时确定，不能修改")
        cadence = _cadence_setting(key, value, self.codes)
        if cadence is not None:
            value = cadence
        elif key not in SETTING_LABELS and key not in INTERNAL_SETTINGS:
            raise ValidationError("key", "设置项", "choice", f"没有设置项“{key}”，可用：{'、'.join(k for k in SETTING_LABELS if k != 'township_code')}")
        if key == "deadline_rule" and value not in DeadlineRule._value2member_map_:
            raise ValidationError("deadline_rule", "期限计算规则", "choice",
                                  "应为 calendar(自然日)、calendar_shift(自然日，节假日顺延) 或 working(工作日)")
        if key in INT_SETTINGS:
            value = str(int_setting(key, value))
        if key == "backup_mirror_dir" and value.strip() and not Path(value.strip()).is_absolute():
            raise ValidationError(key, SETTING_LABELS[key], "absolute", "应为完整路径，如 /media/u盘/综治备份 或 E:\\综治备份")
        with self.session() as session, session.begin():
            s = session.get(m.Setting, key)
            before = {"key": key, "value": s.value} if s else None
            if s is None:
                s = m.Setting(key=key, value=value)
            s.value = value
            session.add(s)
            audit.append(session, username=self.actor.username, action="set_setting", record_kind="setting",
                         record_id=None, before=before, after={"key": key, "value": value})
            if cadence is not None:
                # The open records of the kind whose cadence changed get their new next visit.
                session.flush()
                self._refresh_cadence(session, key[len(CADENCE_PREFIX):])
            if key in DISPUTE_WINDOW_SETTINGS:
                # The open disputes' next deadlines follow the new window (each row with its entry).
                from ..store.stage_deadlines import refresh_open_disputes

                session.flush()
                refresh_open_disputes(session, username=self.actor.username)
        self.invalidate_caches()

    def _refresh_cadence(self: Services, session: Any, code: str) -> None:
        from ..store import status_history
        from .kinds import KINDS

        policy = status_history.policy_of(session.connection())  # in this transaction: with the new setting
        for part in _cadence_parts():
            spec = KINDS[part.NAME]
            model: Any = spec.model
            rows = session.execute(select(model).where(model.voided.is_(False), model.status.in_(
                tuple(part.WORKFLOW.open_states)), model.category == code)).scalars().all()
            for rec in rows:
                before = to_row(rec)
                part.refresh(rec, policy)
                if to_row(rec) != before:
                    self._touch(rec)
                    session.add(rec)
                    session.flush()
                    audit.append(session, username=self.actor.username, action="cadence", record_kind=part.NAME,
                                 record_id=rec.id, before=before, after=to_row(rec), stamp=rec)
            if rows:
                status_history.rebuild(session.connection(), part.NAME, [r.id for r in rows], policy)

    def set_holiday(self: Services, day: date, *, is_workday: bool = False, name: str = "", remove: bool = False) -> None:
        """Add, change or remove a holiday / make-up working day in the deadline calendar."""
        self.require(Perm.ADMIN, "修改节假日")
        with self.session() as session, session.begin():
            h = session.get(m.Holiday, day)
            before = h.model_dump(mode="json") if h else None
            if remove:
                if h is None:
                    raise NotFound(f"{day.isoformat()} 不在节假日表中")
                session.delete(h)  # calendar data, not a record: removal is allowed and audited
                after = None
            else:
                h = h or m.Holiday(day=day)
                h.is_workday, h.name = is_workday, name
                session.add(h)
                after = h.model_dump(mode="json")
            audit.append(session, username=self.actor.username, action="set_holiday", record_kind="holiday",
                         record_id=None, before=before, after=after)
        self.invalidate_caches()

    def verify_audit(self: Services) -> tuple[int, list[audit.AuditProblem]]:
        """Walk the audit chain, then check what the chain says against the store (a chain deleted
        as a whole, user accounts written or changed behind the program's back) and against the
        ends of the chain that the backups recorded and that the county acknowledged in its signed
        receipts (a chain cut short or rewritten since, sync/witness.py)."""
        from ..sync.witness import witness_problems as receipt_problems
        from .backup import witness_problems

        with self.session() as session:
            checked, problems = audit_problems(session)
            if self.store.path is not None:
                problems += [audit.AuditProblem(None, m)
                             for m in witness_problems(session, self.store.path, self.store.key)]
            problems += [audit.AuditProblem(None, m) for m in receipt_problems(session)]
        return checked, problems


def audit_problems(session: Session, *, rows: bool = True) -> tuple[int, list[audit.AuditProblem]]:
    """(entries checked, problems): the chain itself, a chain deleted as a whole, and record rows and
    accounts that differ from the audit entry that last wrote them (services/rowcheck.py). Reads only.

    `rows=False` checks the accounts but not every record row: what a backup checks of its copy
    (a backup must stay quick, and a store with an edited row is still worth a copy)."""
    from .rowcheck import CHECKED, row_problems

    checked, problems = audit.verify(session)
    if checked == 0 and is_initialized(session):
        problems.append(audit.AuditProblem(None, "审计日志为空，但数据库已初始化（初始化本身就会留下审计记录）："
                                                 "审计日志和审计链末端标记被整体删除"))
    elif checked and is_initialized(session):  # a township store (a county hub's rows come from bundles)
        problems.extend(row_problems(session.connection(), bad_entries=[p.seq for p in problems],
                                     models=CHECKED if rows else (m.User,)))
    return checked, problems


def _password_digest(password_hash: str) -> str:
    """A short digest of the stored hash: lets `audit verify` see a swapped hash without copying it."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _user_audit_row(user: m.User) -> dict[str, Any]:
    row = to_row(user)
    row["password_hash"] = "***"  # never copy password hashes into the audit trail
    row["password_digest"] = _password_digest(user.password_hash)
    return row


def authenticate(services: Services, username: str, password: str) -> Actor:
    """Check a password (with back-off after repeated failures, services/signin.py); returns the Actor
    or raises DomainError with a Chinese message."""
    from .signin import authenticate as signin

    return signin(services, username, password)


ROLE_CHOICES = {r.value: ROLE_LABELS[r] for r in Role}
