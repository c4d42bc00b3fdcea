"""One registry per record kind (issue 18): which modules name a kind outside its own files.

For each kind the test lists every Python module (and form) that spells its name. A kind added
through the registry (zongzhi_desktop/kinds) may be named only by its domain module, its form,
its migration and its package there (plus the one line of kinds/__init__.py): that list must be
empty. The first release's kinds are still spelled out in generic modules; their lists are printed
and held to today's (a module that starts naming one fails, so the spread does not grow)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zongzhi_desktop import kinds
from zongzhi_desktop.services.kinds import KINDS, REGISTERED_KINDS

ROOT = Path(kinds.__file__).resolve().parents[1]  # the zongzhi_desktop package


def _names(kind: str) -> list[str]:
    """The ways a kind is spelled in code: its name, its tables and model classes, its label."""
    spec = KINDS[kind]
    models = [spec.model, *(c.model for c in spec.children.values())]
    tables = [m.__tablename__ for m in models]  # type: ignore[attr-defined]
    classes = [m.__name__ for m in models]
    return sorted({kind, *tables, *classes, spec.label}, key=len, reverse=True)


def _modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*") if p.suffix in (".py", ".toml") and "__pycache__" not in p.parts)


def mentions(kind: str) -> list[str]:
    """Modules (relative to the package) that name `kind` outside its own files."""
    pattern = re.compile("|".join(rf"(?<![A-Za-z_]){re.escape(n)}(?![A-Za-z_])" for n in _names(kind)))
    # ui/forms/catalog.py is generated from the forms (python -m zongzhi_desktop.forms_loader): the
    # form's labels marked for the translation catalog, not code that names the kind.
    own = {f"domain/models/{kind}.py", f"forms/{kind}.toml", "kinds/__init__.py", "ui/forms/catalog.py"}
    out = []
    for path in _modules():
        rel = path.relative_to(ROOT).as_posix()
        if rel in own or rel.startswith(f"kinds/{kind}/"):
            continue
        if rel.startswith("store/migrations/versions/") and _migration_of(path, kind):
            continue
        if pattern.search(path.read_text(encoding="utf-8")):
            out.append(rel)
    return out


def _migration_of(path: Path, kind: str) -> bool:
    """Whether a migration is the one that creates the kind's tables."""
    table = KINDS[kind].model.__tablename__  # type: ignore[attr-defined]
    return f'op.create_table(\n        "{table}"' in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", REGISTERED_KINDS)
def test_a_registered_kind_is_named_only_in_its_own_files(kind: str) -> None:
    assert mentions(kind) == []


def test_the_registry_has_the_fifth_kind() -> None:
    assert "keyperson" in REGISTERED_KINDS and KINDS["keyperson"].label == "重点人员"


def test_the_search_finds_a_mention(tmp_path: Path) -> None:
    """The scan is real: a generic module that names a registered kind is reported."""
    stray = ROOT / "services" / "zz_stray_mention_test.py"
    stray.write_text('LABELS = {"keyperson": "x"}\n', encoding="utf-8")
    try:
        assert "services/zz_stray_mention_test.py" in mentions("keyperson")
    finally:
        stray.unlink()


# The first release's kinds: today's modules naming each (outside its own model module). Shrink these
# as the kinds move into the registry; a new module naming one fails here.
FIRST_RELEASE_BOUND = {"petition": 53, "dispute": 54, "package": 40, "dispatch": 30, "team": 27, "volunteer": 32,
                       "activity": 26}


@pytest.mark.parametrize("kind", sorted(FIRST_RELEASE_BOUND))
def test_first_release_kinds_do_not_spread(kind: str) -> None:
    found = mentions(kind)
    print(kind, len(found), found)
    assert len(found) <= FIRST_RELEASE_BOUND[kind], found
