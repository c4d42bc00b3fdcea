"""Optional parts of the package and the clear message when one is missing.

The county hub's server stack (FastAPI, uvicorn, psycopg for PostgreSQL) is the `hub` extra:
`pip install "zongzhi-desktop[hub]"`. The desktop build leaves it out, so a hub command there
must say what to install instead of failing with a traceback. Only a missing top-level package
of the extra is translated; any other import failure propagates unchanged.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .domain.errors import DomainError

HUB_EXTRA = "hub"
HUB_INSTALL = 'pip install "zongzhi-desktop[hub]"'


class MissingExtra(DomainError):
    """A command needs an optional part of the package that is not installed."""


def require_hub(module: str, feature: str) -> ModuleType:
    """Import `module` (fastapi, uvicorn, psycopg…) of the hub extra, or raise MissingExtra naming
    the install command. `feature` says in Chinese what needed it."""
    top = module.split(".")[0]
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name is None or e.name.split(".")[0] != top:
            raise
        raise MissingExtra(
            f"{feature}需要县级服务器组件（缺少 Python 包 {top}），此安装不包含它们。"
            f"请在县级服务器上运行：{HUB_INSTALL}（见 docs/install.md）") from None
