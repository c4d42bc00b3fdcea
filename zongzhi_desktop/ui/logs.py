"""Rotating log file in the data directory, scrubbed of ID numbers, phone numbers and names.

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

# 18-character resident ID (also 15-digit old ones), written solid, after letters (ID330825…) or in
# groups (330825 19900101 1237, 330825-1990-0101-1237); mobiles and landlines in every usual shape
# (+86, 0086, (0570)7012345, 400 hotlines, +852/+853). Deliberately broad: any long digit run is
# treated as personal data.
_SEP = r"[ \-]?"
_ID_RE = re.compile(r"(?<!\d)(?:\d{6}" + _SEP + r"\d{4}" + _SEP + r"\d{4}" + _SEP + r"\d{3}[\dXx]|\d{15})(?![0-9])")
_MOBILE_RE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)(?:\(0\d{2,3}\)|0\d{2,3})[- ]?[2-9]\d{6,7}(?!\d)")
_HOTLINE_RE = re.compile(r"(?<!\d)[48]00[- ]?\d{3}[- ]?\d{4}(?!\d)")
_HK_MO_RE = re.compile(r"(?:\+|00)85[23][- ]?\d{4}[- ]?\d{4}(?!\d)")
# Names: the value of a personal field in a dict or JSON repr ('petitioner_name': '张三'), SQL
# parameters echoed by database errors, and a name after a Chinese label (信访人：张三).
_PERSONAL_KEYS = r"petitioner_name|representatives|name|names|party_names|parties|leader_name|contact|address"
_KEY_VALUE_RE = re.compile(r"(['\"]?(?:" + _PERSONAL_KEYS + r")['\"]?\s*[:=]\s*)(['\"])(?:(?!\2).)*\2")
_SQL_PARAMS_RE = re.compile(r"\[parameters: .*?\](?=\s*(?:\n|\(|$))", re.S)
_LABELLED_NAME_RE = re.compile(r"((?:姓名|信访人|当事人|申请人|被申请人|联系人|代表|负责人|住址)[:：]\s*)[^\s，。；,;)）]{1,30}")


def scrub(text: str) -> str:
    """Replace identity numbers, phone numbers and personal names with placeholders."""
    text = _SQL_PARAMS_RE.sub("[parameters: 已隐去]", text)
    text = _KEY_VALUE_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}[个人信息]{m.group(2)}", text)
    text = _LABELLED_NAME_RE.sub(r"\1[个人信息]", text)
    text = _ID_RE.sub("[身份证号]", text)
    text = _HK_MO_RE.sub("[电话]", text)
    text = _MOBILE_RE.sub("[电话]", text)
    text = _HOTLINE_RE.sub("[电话]", text)
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
    from ..fileperms import create_private_file, private_dir

    folder = private_dir(Path(data_dir) / "logs")
    path = folder / LOG_NAME
    create_private_file(path)
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
