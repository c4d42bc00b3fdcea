"""Alembic environment: runs on the connection handed over by store.migrate (never a URL of its own)."""

from alembic import context
from sqlmodel import SQLModel

import zongzhi_desktop.domain.models  # noqa: F401  (registers every table on the metadata)
from zongzhi_desktop.store.migrate import include_name

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through zongzhi_desktop.store.migrate")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
        include_name=include_name,  # skip objects defined only in migrations (store/migrate.py)
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline migrations are not supported")
run_migrations_online()
