"""The slim ICU data library of the Linux build (scripts/trim_icu.py) answers what the app asks of ICU
exactly as the wheel's full library does: Chinese (pinyin) collation, code pages, time zones, word
breaks. Qt's libraries find libicudata through RUNPATH, which LD_LIBRARY_PATH precedes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import trim_icu  # noqa: E402

PROBE = r"""
from PySide6.QtCore import (QCollator, QDate, QDateTime, QLocale, QStringDecoder, QStringEncoder,
                            QTextBoundaryFinder, QTimeZone)
c = QCollator(QLocale("zh_CN"))
print(sorted(["张三", "王伟", "李娜", "安琪", "赵六", "欧阳修", "Zhang", "123"], key=c.sortKey))
zh = QLocale("zh_CN")
print(zh.nativeLanguageName(), zh.toString(QDate(2026, 12, 7), QLocale.FormatType.LongFormat))
print([QStringEncoder(n).isValid() for n in ("GB18030", "GBK", "GB2312", "Big5")])
print([QStringDecoder(n).isValid() for n in ("GB18030", "GBK", "GB2312", "Big5")])
tz = QTimeZone(b"Asia/Shanghai")
print(tz.isValid(), tz.displayName(QDateTime(QDate(2026, 12, 7), QDateTime.currentDateTime().time(), tz),
                                   QTimeZone.NameType.LongName, zh))
f = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Line, "我们在乡镇综治中心工作 hello world")
print([p for p in iter(f.toNextBoundary, -1)])
"""


def icu_data_library() -> Path:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not found:
        pytest.skip("this PySide6 has no bundled ICU (Windows and macOS wheels use the system's)")
    return found[0]


def probe(env_extra: dict[str, str]) -> str:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env_extra}
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the ICU trim is for the Linux build")
def test_slim_icu_answers_like_the_full_one(tmp_path: Path) -> None:
    full = icu_data_library()
    slim = trim_icu.slim_library(full, tmp_path)
    assert slim.stat().st_size < full.stat().st_size / 2
    expected = probe({})
    assert "安琪" in expected.splitlines()[0]
    assert probe({"LD_LIBRARY_PATH": str(tmp_path)}) == expected


def test_removable_keeps_chinese_and_drops_other_locales() -> None:
    keep = ["root.res", "zh.res", "zh_Hans_CN.res", "coll/zh.res", "coll/ucadata.icu", "pool.res",
            "coll/res_index.res", "gb18030.cnv", "windows-936-2000.cnv", "cnvalias.icu", "brkitr/cjdict.dict",
            "brkitr/line.brk", "en_US.res", "zoneinfo64.res", "likelySubtags.res", "nfkc.nrm"]
    drop = ["de.res", "coll/de_.res", "fr_CA.res", "translit/root.res", "ibm-37_P100-1995.cnv", "unit/ja.res",
            "brkitr/ja.res"]
    assert [i for i in keep if trim_icu.removable(i)] == []
    assert [i for i in drop if not trim_icu.removable(i)] == []
