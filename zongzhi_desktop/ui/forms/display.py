"""Turning stored values into the text a screen shows: code labels, record names, 是/否, masking.

Shared by the form (stored sub-table rows) and the record detail.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from ...domain.fields import FieldSpec
from ...domain.formatting import time_text
from ...domain.masking import mask_id_number, mask_phone
from ...services import Services
from . import lookup

SENSITIVE_CHECKS = {"id_number": mask_id_number, "phone": mask_phone}
# Columns holding personal identifiers even where no FieldSpec says so (audit rows, children).
SENSITIVE_COLUMNS = {"id_number": mask_id_number, "phone": mask_phone}


def t(text: str) -> str:
    """A label from forms/*.toml or the domain (field, group, kind, state, step) in the UI language.

    These strings are listed for the catalog in ui/forms/catalog.py (context "forms")."""
    return QCoreApplication.translate("forms", text) if text else text


def yes_no(value: Any) -> str:
    return QCoreApplication.translate("display", "是") if value else QCoreApplication.translate("display", "否")


def is_sensitive(spec: FieldSpec) -> bool:
    return spec.check in SENSITIVE_CHECKS


def mask(spec_or_column: FieldSpec | str, value: Any) -> str:
    """The masked form of a personal identifier."""
    key = spec_or_column.check if isinstance(spec_or_column, FieldSpec) else spec_or_column
    fn = SENSITIVE_CHECKS.get(key or "") or SENSITIVE_COLUMNS.get(key or "")
    return fn(str(value)) if fn and value else ("" if value is None else str(value))


def show(services: Services, spec: FieldSpec, value: Any, *, personal: bool) -> str:
    """A stored value as text for a label or a read-only cell."""
    if value is None or value == "":
        return ""
    if spec.type == "bool":
        return yes_no(value)
    if spec.type == "code" and spec.code_table:
        return services.codes[spec.code_table].label_of(str(value))
    if spec.type == "ref" and spec.ref:
        return lookup.label_of(services, spec.ref, str(value))
    if is_sensitive(spec) and not personal:
        return mask(spec, value)
    if isinstance(value, datetime):
        return time_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def show_column(column: str, value: Any, *, personal: bool) -> str:
    """A value of a column that has no FieldSpec (computed deadlines, flags, audit rows)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if column in SENSITIVE_COLUMNS and not personal:
        return mask(column, value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
