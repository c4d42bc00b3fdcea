"""Refresh the English catalog from the sources and compile it.

    .venv/bin/python scripts/update_translations.py

1. pyside6-lupdate collects every tr()/translate()/QT_TRANSLATE_NOOP string of zongzhi_desktop/ui,
   services/listing.py and the kinds' packages (zongzhi_desktop/kinds) into zongzhi_desktop/assets/i18n/zongzhi_en.ts (existing translations are kept;
   strings no longer in the code are dropped).
2. pyside6-lrelease compiles it to zongzhi_desktop/assets/i18n/zongzhi_en.qm, which the app loads for --lang en.

Translate new strings in the .ts (pyside6-linguist, or any editor: fill <translation> and remove
type="unfinished"), then run this script again. The source language is Simplified Chinese.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "zongzhi_desktop" / "assets" / "i18n" / "zongzhi_en.ts"
QM = TS.with_suffix(".qm")
BIN = Path(sys.executable).parent


def sources() -> list[Path]:
    files = sorted((ROOT / "zongzhi_desktop" / "ui").rglob("*.py"))
    # The kinds added through the registry carry their own list labels and navigation entry.
    kinds = sorted((ROOT / "zongzhi_desktop" / "kinds").rglob("*.py"))
    return [*files, ROOT / "zongzhi_desktop" / "services" / "listing.py", *kinds]


def lupdate(ts: Path, files: list[Path]) -> None:
    subprocess.run([str(BIN / "pyside6-lupdate"), *map(str, files), "-ts", str(ts), "-source-language", "zh_CN",
                    "-target-language", "en", "-no-obsolete", "-locations", "none", "-silent"], check=True)


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([str(BIN / "pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)


def unfinished(ts: Path) -> int:
    return len(re.findall(r'type="unfinished"', ts.read_text(encoding="utf-8")))


def main() -> int:
    TS.parent.mkdir(parents=True, exist_ok=True)
    lupdate(TS, sources())
    lrelease(TS, QM)
    missing = unfinished(TS)
    print(f"{TS.relative_to(ROOT)}: {missing} 条未翻译" if missing else f"{TS.relative_to(ROOT)}: 全部已翻译")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
