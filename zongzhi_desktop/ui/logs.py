"""Rotating log file in the data directory, scrubbed of ID numbers and phone numbers.

No Qt here: the CLI may use it too.
"""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_NAME = "zongzhi.log"
MAX_BYTES = 1_000_000
BACKUPS = 5

# 18-character resident ID (also 15-digit old ones), mobiles and landlines. Deliberately broad:
# any long digit run is treated as personal data.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)0\d{2,3}-?[2-9]\d{6,7}(?!\d)")


def scrub(text: str) -> str:
    """Replace identity and phone numbers with placeholders."""
    text = _ID_RE.sub("[身份证号]", text)
    text = _MOBILE_RE.sub("[电话]", text)
    return _LANDLINE_RE.sub("[电话]", text)


class ScrubFilter(logging.Filter):
    """Rewrites each record's message, exception text and stack so no personal number is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def setup_logging(data_dir: Path, *, level: int = logging.INFO) -> Path:
    """Send the root logger to <data_dir>/logs/zongzhi.log (rotating, scrubbed). Returns the path."""
    folder = Path(data_dir) / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_NAME
    root = logging.getLogger()
    for h in list(root.handlers):
        if isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == path:
            return path
    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(ScrubFilter())
    root.addHandler(handler)
    root.setLevel(min(root.level or level, level) if root.level != logging.NOTSET else level)
    return path
