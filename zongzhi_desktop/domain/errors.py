"""Domain errors. Messages are Simplified Chinese because they reach clerks verbatim."""

from __future__ import annotations


class DomainError(Exception):
    """Base class for refusals that a user caused and can correct."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """A field value breaks a rule. `field` is the model field, `label` its Chinese name."""

    def __init__(self, field: str, label: str, rule: str, message: str) -> None:
        super().__init__(f"{label}（{field}）：{message}")
        self.field = field
        self.label = label
        self.rule = rule
        self.detail = message


class ValidationErrors(DomainError):
    """Several field errors collected from one input, reported together."""

    def __init__(self, errors: list[ValidationError]) -> None:
        super().__init__("；".join(e.message for e in errors))
        self.errors = errors


class TransitionError(DomainError):
    """A workflow action that the record's current state does not allow."""


class AuthenticationFailed(DomainError):
    """Unknown user, disabled account or wrong password (one message for all three on purpose)."""

    def __init__(self) -> None:
        super().__init__("用户名或密码错误")


class SigninThrottled(DomainError):
    """Too many wrong passwords for this user name: sign-in waits (even with the right password)."""

    def __init__(self, username: str, seconds: int) -> None:
        minutes, secs = divmod(max(1, seconds), 60)
        wait = f"{minutes}分{secs}秒" if minutes else f"{secs}秒"
        super().__init__(f"用户“{username}”连续输错密码次数过多，请{wait}后再试，或请管理员解锁（zongzhi user unlock）")
        self.username = username
        self.seconds = seconds


class PermissionDenied(DomainError):
    """The user's role may not perform the action."""


class NotFound(DomainError):
    """No record with the given id or serial."""


class StoreUnreadable(DomainError):
    """The store file is damaged or is not a 综治桌面 database (exit 1: not the user's input)."""

    exit_code = 1

    def __init__(self, path: object, detail: str) -> None:
        super().__init__(f"无法打开数据库 {path}：文件已损坏或不是综治桌面的数据库（{detail}）。"
                         "请从备份恢复（zongzhi backup --list 查看备份，zongzhi restore 备份文件 恢复），"
                         "或联系技术支持；不要删除这个文件")
        self.path = path
        self.key: bytes | None = None  # set when a right password unwrapped the key of an unreadable store


class MigrationFailed(DomainError):
    """A schema upgrade failed; the store was left as it was before (exit 1)."""

    exit_code = 1
