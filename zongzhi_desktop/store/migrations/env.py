"""Alembic environment: runs on the connection handed over by store.migrate (never a URL of its own)."""

from alembic import context
from sqlmodel import SQLModel

import zongzhi_desktop.domain.models  # noqa: F401  (registers every table on the metadata)

config = context.config
target_metadata = SQLModel.metadata


def _include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Keep autogenerate away from objects defined only in migrations (0004: FTS tables, list indexes)."""
    if type_ == "table" and name and "_fts" in name:
        return False
    return not (type_ == "index" and name and name.startswith("ixl_"))


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through zongzhi_desktop.store.migrate")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline migrations are not supported")
run_migrations_online()
