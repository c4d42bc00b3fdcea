"""The program's version, read from the installed package metadata (one source: pyproject.toml)."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _metadata_version

DISTRIBUTION = "zongzhi-desktop"


@cache
def version() -> str:
    """The version of the installed zongzhi-desktop distribution.

    A frozen build must carry the metadata (build.spec: copy_metadata); without it this raises
    instead of inventing a number."""
    try:
        return _metadata_version(DISTRIBUTION)
    except PackageNotFoundError:
        raise RuntimeError("未找到 zongzhi-desktop 的安装信息，无法确定版本号（请用 pip 安装或使用正式打包版本）") from None
