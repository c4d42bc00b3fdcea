"""A missing part of the [hub] extra is named with its pip command; other import failures propagate."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from zongzhi_desktop.extras import HUB_INSTALL, MissingExtra, require_hub


def test_missing_package_names_the_pip_command() -> None:
    with pytest.raises(MissingExtra) as e:
        require_hub("zongzhi_no_such_pkg.sub", "县级接收服务")
    assert e.value.exit_code == 2
    assert HUB_INSTALL in e.value.message and "zongzhi_no_such_pkg" in e.value.message
    assert e.value.message.startswith("县级接收服务")


def test_a_broken_installed_package_is_not_disguised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "zz_broken_pkg").mkdir()
    (tmp_path / "zz_broken_pkg" / "__init__.py").write_text("import zz_dependency_it_lacks\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError) as e:
        require_hub("zz_broken_pkg", "测试")
    assert e.value.name == "zz_dependency_it_lacks"
    sys.modules.pop("zz_broken_pkg", None)


def test_installed_package_is_returned() -> None:
    assert require_hub("json", "测试").__name__ == "json"
