"""The city hub server (`zongzhi city serve`): the county hub's server (county.server: FastAPI on
uvicorn, upload slots, body limits, access log, /health, /status) importing county bundles."""

from __future__ import annotations

import logging
import tempfile
from typing import Any

from ..county.server import HubRole
from ..store.database import Store
from .importer import CityImportResult, import_county_bundle
from .setup import CityKeys, city_identity
from .status import city_status_document


def _import(store: Store, spool: tempfile.SpooledTemporaryFile, keys: CityKeys) -> CityImportResult:  # type: ignore[type-arg]
    spool.seek(0)
    result = import_county_bundle(store, spool, keys, actor="upload", via="upload")  # type: ignore[arg-type]
    for code, seqs in result.township_missing.items():
        logging.getLogger("zongzhi.city.import").info("乡镇 %s：本市尚缺第 %s 批", code, seqs)
    return result


def city_role(store: Store) -> HubRole:
    """The city hub as a HubRole of the shared server."""
    ident = city_identity(store)
    return HubRole("市级", {"city_code": ident.city_code, "city_name": ident.city_name}, city_status_document,
                   importer=_import, rotations=False)


def create_city_app(store: Store, keys: CityKeys, **kw: Any) -> Any:
    from ..county.server import create_app

    return create_app(store, keys, role=city_role(store), **kw)
