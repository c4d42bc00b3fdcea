"""Domain services: every operation the window, the CLI and tests perform. Never imports Qt."""

from .context import Actor, Services, open_services

__all__ = ["Actor", "Services", "open_services"]
