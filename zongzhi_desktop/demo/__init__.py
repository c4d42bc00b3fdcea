"""Deterministic demo township generator (no Qt): reference data and two years of casework."""

from .generate import (
    DEMO_ACCOUNTS,
    DEMO_TOWNSHIP,
    MIN_RECORDS,
    DemoResult,
    generate,
    populate,
    split_records,
)

__all__ = ["DEMO_ACCOUNTS", "DEMO_TOWNSHIP", "MIN_RECORDS", "DemoResult", "generate", "populate", "split_records"]
