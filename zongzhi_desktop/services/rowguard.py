"""The county's row rules (domain/rowrules.py) checked on every synced row the township writes.

Entry fields are checked one by one in `domain.fields.coerce_value`; this guard sees the row as it
is about to be stored (values set by workflow steps, void reasons, notes, reference data…), so a
value the county would refuse for ever never reaches the township store either. It runs in the
session's `before_flush`, inside the write's transaction: a refusal raises ValidationError(s) and
the transaction (with its audit entry) is rolled back, leaving the data unchanged.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlmodel import Session

from ..domain.errors import ValidationError, ValidationErrors
from ..domain.models import SYNCED_MODELS
from ..domain.rowrules import row_problems
from ..store.serialize import content_columns
from .rowcheck import column_labels


@cache
def _columns(model: type) -> list[sa.Column]:
    return list(content_columns(model.__table__))  # type: ignore[attr-defined]


_SYNCED = frozenset(SYNCED_MODELS)


def refusals(obj: Any) -> list[ValidationError]:
    """The row rules `obj` (an instance of a synced model) breaks, as ValidationErrors naming the field."""
    model = type(obj)
    state = inspect(obj)
    values = {k: v for k, v in state.dict.items() if v is not None}  # NULLs: the database's NOT NULL
    table: str = model.__tablename__  # type: ignore[attr-defined]
    labels = column_labels(table)
    return [ValidationError(name, labels.get(name, name), p.rule, p.message)
            for name, p in row_problems(_columns(model), values)]


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    errors: list[ValidationError] = []
    for obj in [*session.new, *session.dirty]:
        if type(obj) in _SYNCED:
            errors += refusals(obj)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ValidationErrors(errors)


def guard(session: Session) -> Session:
    """Check every synced row `session` writes against the county's rules (see module doc)."""
    event.listen(session, "before_flush", _before_flush)
    return session
