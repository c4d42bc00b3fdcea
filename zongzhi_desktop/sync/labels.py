"""Chinese names of the synced tables, for status screens and messages."""

from __future__ import annotations

from ..domain.models import SYNCED_MODELS

_EXTRA = {"township": "乡镇", "workflow_event": "办理记录", "report_sheet": "报表"}


def table_labels() -> dict[str, str]:
    """Table name -> Chinese label for every synced table (kinds, child tables, then fallbacks)."""
    from ..services.kinds import KINDS

    labels = dict(_EXTRA)
    for spec in KINDS.values():
        labels[spec.model.__tablename__] = spec.label  # type: ignore[attr-defined]
        for child in spec.children.values():
            labels[child.model.__tablename__] = child.label  # type: ignore[attr-defined]
    out: dict[str, str] = {}
    for model in SYNCED_MODELS:
        name = model.__tablename__  # type: ignore[attr-defined]
        doc = (model.__doc__ or "").strip()
        out[name] = labels.get(name) or _doc_label(doc) or name
    from .rowcodec import restricted_tables

    for name in restricted_tables():
        out[name] = labels.get(name, name)
    return out


def _doc_label(doc: str) -> str | None:
    """A Chinese term in parentheses or at the start of the model docstring, if there is one."""
    import re

    m = re.search(r"[\u4e00-\u9fff]{2,}", doc)
    return m.group(0) if m else None


def table_label(name: str) -> str:
    return table_labels().get(name, name)
