"""Ledger import (台账导入): bring years of Excel/CSV ledgers into the store.

Layers, all Qt-free: `read` (files to rows of cells) → `header` (find the header, skip what is
above it) → `fields`/`mapping` (which column means what; free text to codes) → `rows` (one
ledger row to a validated record with its workflow steps) → `importer` (plan, commit as one
audited batch, undo) → `report` (error report XLSX).
"""
