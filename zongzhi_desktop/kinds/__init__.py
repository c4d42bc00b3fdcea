"""The registry of record kinds added one package each (docs/architecture.md, "Adding a record kind").

A kind here is its domain module (domain/models/<kind>.py), its form (forms/<kind>.toml), its
migration and one package in this folder, listed once in KIND_PACKAGES. The package holds every
part of the kind the rest of the program needs, one module per layer:

- `domain`   — name, label, workflow, deadline refresher, field specs, status-history columns
               (read by domain/workflows.py, domain/history.py, store/status_history.py);
- `services` — the KindSpec: fields, children, read grant, rules (read by services/kinds.py);
- `listing`  — the ListSpec: columns, filters, search (read by services/listing.py);
- `reports`  — the sheet sections the kind adds (read by reports/sheets.py);
- `demo`     — its demo rows (read by demo/generate.py);
- `ui`       — navigation entry and icon name, data only (read by ui/main_window.py).

The generic modules import these parts through `parts(layer)` and never name a kind; a test
(tests/test_kind_registry.py) fails when a module outside a kind's own files names it.
The five kinds of the first release (信访件, 矛盾纠纷, 领导包案, 志愿服务, 调度事项) predate the
registry and are still spelled out in the generic modules.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# One line per kind added through the registry.
KIND_PACKAGES: tuple[str, ...] = ("keyperson",)

LAYERS = ("domain", "services", "listing", "reports", "demo", "ui")


def parts(layer: str) -> list[ModuleType]:
    """The `layer` module of every registered kind, in KIND_PACKAGES order.

    Each kind package must provide every layer (an absent one is a programming error and raises)."""
    if layer not in LAYERS:
        raise ValueError(f"unknown kind layer {layer!r}")
    return [importlib.import_module(f"{__name__}.{name}.{layer}") for name in KIND_PACKAGES]


def _load_hosts() -> None:
    """Load the modules that read the kinds' parts when they load (their `_add_registered_kinds`),
    before any kind module: a kind module that were the first to import one of them would be read
    by it half-loaded. Loaded here, each host finds every part complete."""
    for host in ("domain.workflows", "domain.history", "store.status_history", "services.kinds",
                 "services.listing"):
        importlib.import_module(f"zongzhi_desktop.{host}")


_load_hosts()
