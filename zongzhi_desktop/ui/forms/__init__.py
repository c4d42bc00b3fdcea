"""Data-entry forms generated from forms/*.toml: the renderer, editors, sub-tables and pickers."""

from .record_form import RecordFormDialog

__all__ = ["RecordFormDialog"]
