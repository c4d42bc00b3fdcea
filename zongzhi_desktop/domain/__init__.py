"""Domain layer: models, code tables, validation, deadlines and workflows. Never imports Qt."""
