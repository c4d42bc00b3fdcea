"""Roles and the permissions the domain services enforce."""

from __future__ import annotations

from enum import StrEnum

from .errors import PermissionDenied


class Role(StrEnum):
    CLERK = "clerk"  # 录入员
    REVIEWER = "reviewer"  # 审核员 / 领导
    ADMIN = "admin"  # 管理员


ROLE_LABELS = {Role.CLERK: "录入员", Role.REVIEWER: "审核员", Role.ADMIN: "管理员"}


class Perm(StrEnum):
    ENTER = "enter"  # create/update records, ordinary workflow steps
    REVIEW = "review"  # 销号, 退回, sheet sign-off, voiding records
    VIEW_PERSONAL = "view_personal"  # unmasked ID numbers and phones
    ADMIN = "admin"  # users, code tables, settings, holidays


_GRANTS: dict[Role, frozenset[Perm]] = {
    Role.CLERK: frozenset({Perm.ENTER, Perm.VIEW_PERSONAL}),
    # Leaders review and sign; they see masked identifiers like on printed sheets.
    Role.REVIEWER: frozenset({Perm.ENTER, Perm.REVIEW}),
    # The IT administrator manages the installation but is not a case handler.
    Role.ADMIN: frozenset({Perm.ENTER, Perm.REVIEW, Perm.ADMIN}),
}

PERM_LABELS = {
    Perm.ENTER: "录入和办理",
    Perm.REVIEW: "审核（销号、退回、作废、报表签发）",
    Perm.VIEW_PERSONAL: "查看完整身份证号和电话",
    Perm.ADMIN: "系统管理（用户、字典、设置）",
}


# Grants the administrator gives user by user, over and above the role (a register only some may
# read): name -> label. Filled by the kinds that need one (services/kinds.py).
GRANT_LABELS: dict[str, str] = {}
GRANT_SETTING_PREFIX = "grant."  # setting `grant.<name>`: the usernames holding it, one per line


def has_perm(role: str, perm: Perm) -> bool:
    """Whether a role holds a permission."""
    try:
        return perm in _GRANTS[Role(role)]
    except ValueError:
        return False


def require(role: str, perm: Perm, what: str) -> None:
    """Raise PermissionDenied with a Chinese message naming the action and the permission."""
    if not has_perm(role, perm):
        label = ROLE_LABELS.get(Role(role), role) if role in Role._value2member_map_ else role
        raise PermissionDenied(f"当前角色（{label}）无权{what}：需要“{PERM_LABELS[perm]}”权限")
