"""综治桌面 — offline-first desktop application for township comprehensive-governance centres."""

__version__ = "0.1.0"
