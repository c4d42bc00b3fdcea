"""Any module may be imported first: the generic modules read the kinds' parts when they load, and
a kind's module imports those generic modules (the frozen build's spec imports ui/icons.py first)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = ("from zongzhi_desktop.services.kinds import KINDS; from zongzhi_desktop.domain.workflows import WORKFLOWS; "
         "from zongzhi_desktop.services.listing import SPECS; from zongzhi_desktop.store.status_history import "
         "KIND_TABLES; assert all('keyperson' in x for x in (KINDS, WORKFLOWS, SPECS, KIND_TABLES))")


@pytest.mark.parametrize("first", ["zongzhi_desktop.ui.icons", "zongzhi_desktop.kinds.keyperson.services",
                                   "zongzhi_desktop.kinds.keyperson.listing", "zongzhi_desktop.domain.history"])
def test_importing_first(first: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"import {first}; {CHECK}"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
