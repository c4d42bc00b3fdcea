"""重点人员 (key persons): the fifth record kind, added through the registry (kinds/__init__.py)."""
