"""Storage: engine and sessions, Alembic migrations, the audit trail. Never imports Qt."""
