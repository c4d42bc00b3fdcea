"""Process start-up and the cyclic garbage collector (no Qt here).

Start-up leaves a few hundred thousand objects that live as long as the process: modules, classes,
SQLAlchemy mappers and compiled statements, pydantic schemas, Qt wrappers. CPython's collector
keeps re-walking all of them: every few thousand allocations a collection of the oldest
generation visits the whole heap. That made each sheet build in a running county app ~0.1 s
slower, and a `zongzhi report …` process 0.3 s slower while it imported its modules.

`settle()` moves everything alive now out of the collector's reach (`gc.freeze`); objects created
afterwards are collected as usual. It is called once by the process entry points (the CLI after
its command's modules are imported, the window once it is shown), never by a test or a library
caller, which may settle a heap that is mostly garbage-to-be.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Exempt every object alive now from future garbage collections (they live as long as the process)."""
    gc.freeze()
