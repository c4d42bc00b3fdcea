"""Refusals raised by sync and county code. Messages are Chinese; `code` is stable for programs."""

from __future__ import annotations

from ..domain.errors import DomainError


class SyncError(DomainError):
    """A sync operation could not be done (missing key, wrong passphrase, offline…)."""

    def __init__(self, message: str, code: str = "sync_error") -> None:
        super().__init__(message)
        self.code = code


class BundleRefused(SyncError):
    """A bundle (or receipt, profile, registration file) failed a check; nothing was stored.

    Codes: malformed, too_large, tampered, bad_signature, unknown_township, unknown_key,
    revoked_key, wrong_county, wrong_recipient, wrong_suite, mismatch, unsupported.
    """

    def __init__(self, message: str, code: str = "malformed") -> None:
        super().__init__(message, code)
