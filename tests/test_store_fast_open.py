"""Opening an up-to-date store decides "nothing to upgrade" without loading Alembic (window start-up)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from zongzhi_desktop.services import Services
from zongzhi_desktop.store.migrate import declared_heads, head_revisions


def test_declared_heads_equal_alembics_heads() -> None:
    assert declared_heads() == head_revisions()


def test_declared_heads_refuses_unknown_shapes(tmp_path: Path) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "0001_a.py").write_text("revision = '0001'\ndown_revision = None\n", encoding="utf-8")
    (versions / "0002_b.py").write_text("revision = '0002'\ndown_revision = '0001'\n", encoding="utf-8")
    (versions / "0003_c.py").write_text("revision: str = '0003'\ndown_revision: str | None = '0001'\n",
                                        encoding="utf-8")
    assert declared_heads(tmp_path) == {"0002", "0003"}
    (versions / "0004_merge.py").write_text("revision = '0004'\ndown_revision = ('0002', '0003')\n",
                                            encoding="utf-8")
    assert declared_heads(tmp_path) == {"0004"}
    (versions / "0005_odd.py").write_text("REV = '0005'\nrevision = REV\ndown_revision = '0004'\n", encoding="utf-8")
    assert declared_heads(tmp_path) is None


def test_opening_a_current_store_does_not_import_alembic(admin: Services, store_path: Path) -> None:
    code = ("import sys\nfrom zongzhi_desktop.store.database import Store\n"
            f"Store({str(store_path)!r})\nprint('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
