"""forms/*.toml against the domain: every field exists, every required field is on its form."""

from __future__ import annotations

import tomllib

import pytest

from zongzhi_desktop.forms_loader import FormDefinitionError, load_all, load_form, parse_form
from zongzhi_desktop.resources import forms_path
from zongzhi_desktop.services.kinds import KINDS, RECORD_KINDS


def _raw(kind: str) -> dict:
    with forms_path(f"{kind}.toml").open("rb") as fh:
        return tomllib.load(fh)


def test_one_form_per_record_kind_and_no_strays() -> None:
    files = {p.stem for p in forms_path().glob("*.toml")}
    assert files == set(RECORD_KINDS)
    assert set(load_all()) == set(RECORD_KINDS)


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_every_form_field_exists_in_model_and_fieldspec(kind: str) -> None:
    spec = KINDS[kind]
    columns = spec.model.__table__.columns
    specs = {s.name for s in spec.fields}
    raw = _raw(kind)
    named = [n for g in raw["groups"] for n in g["fields"]]
    assert named, f"{kind}: empty form"
    for name in named:
        assert name in specs, f"{kind}.{name} is not a FieldSpec"
        assert name in columns, f"{kind}.{name} is not a column of {spec.model.__name__}"


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_every_required_fieldspec_is_on_its_form(kind: str) -> None:
    form = load_form(kind)
    on_form = {f.name for f in form.fields}
    required = {s.name for s in KINDS[kind].fields if s.required}
    assert required <= on_form, f"{kind}: missing {required - on_form}"
    for f in form.fields:  # the form shows the domain's required flag, never its own
        assert f.required == f.spec.required


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_every_subtable_matches_kind_children(kind: str) -> None:
    children = KINDS[kind].children
    for st in _raw(kind).get("subtables", []):
        assert st["key"] in children, f"{kind}: sub-table {st['key']} not in KINDS children"
        child = children[st["key"]]
        child_specs = {s.name for s in child.fields}
        child_cols = child.model.__table__.columns
        named = list(st.get("columns", [])) + [st[k] for k in ("id_field", "kind_field") if k in st]
        for name in named:
            assert name in child_specs and name in child_cols, f"{kind}.{st['key']}.{name}"
        required = {s.name for s in child.fields if s.required}
        assert required <= set(named), f"{kind}.{st['key']}: missing {required - set(named)}"


def test_code_fields_have_code_tables_known_to_the_shipped_codes() -> None:
    from zongzhi_desktop.services.context import default_codes

    codes = default_codes()
    for form in load_all().values():
        for f in form.fields + [c for st in form.subtables for c in st.columns]:
            if f.spec.type == "code":
                assert f.spec.code_table in codes, f"{form.kind}.{f.name}"


def test_detail_labels_name_model_columns() -> None:
    for kind, form in load_all().items():
        cols = KINDS[kind].model.__table__.columns
        assert all(c in cols for c in form.detail_labels)


# -- the loader refuses definitions that disagree with the domain -------------------------------

def _petition(**changes: object) -> dict:
    raw = _raw("petition")
    raw.update(changes)
    return raw


def test_unknown_field_is_refused_with_its_name() -> None:
    raw = _petition()
    raw["groups"][0]["fields"].append("no_such_field")
    with pytest.raises(FormDefinitionError, match="no_such_field"):
        parse_form("petition", raw)


def test_missing_required_field_is_refused() -> None:
    raw = _petition()
    for g in raw["groups"]:
        g["fields"] = [n for n in g["fields"] if n != "request"]
    raw["fields"].pop("request", None)
    with pytest.raises(FormDefinitionError, match="request"):
        parse_form("petition", raw)


def test_contradicting_required_or_code_table_is_refused() -> None:
    raw = _petition()
    raw["fields"]["phone"] = {"required": True}
    with pytest.raises(FormDefinitionError, match="required"):
        parse_form("petition", raw)
    raw = _petition()
    raw["fields"]["form"] = {"code_table": "dispute_type"}
    with pytest.raises(FormDefinitionError, match="code_table"):
        parse_form("petition", raw)


def test_widget_must_fit_the_domain_type() -> None:
    raw = _petition()
    raw["fields"]["received_date"] = {"widget": "text"}
    with pytest.raises(FormDefinitionError, match="received_date"):
        parse_form("petition", raw)


def test_bad_subtable_is_refused() -> None:
    raw = _raw("dispute")
    raw["subtables"][0]["key"] = "witnesses"
    with pytest.raises(FormDefinitionError, match="witnesses"):
        parse_form("dispute", raw)
    raw = _raw("dispute")
    raw["subtables"][0]["columns"] = ["role", "phone"]  # leaves out the required name
    with pytest.raises(FormDefinitionError, match="name"):
        parse_form("dispute", raw)
    raw = _raw("activity")
    raw["subtables"][0]["pick"] = ["leader"]
    with pytest.raises(FormDefinitionError, match="pick"):
        parse_form("activity", raw)


def test_duplicate_field_is_refused() -> None:
    raw = _petition()
    raw["groups"][1]["fields"].append("received_date")
    with pytest.raises(FormDefinitionError, match="两次"):
        parse_form("petition", raw)


def test_translatable_strings_cover_labels_help_and_steps() -> None:
    from zongzhi_desktop.forms_loader import translatable_strings

    strings = set(translatable_strings())
    assert {"信访件登记", "收件信息", "信访人姓名", "当事人身份证号", "交办", "承办单位", "回访日期"} <= strings
    assert "18位公民身份号码，末位可为X" in strings and "" not in strings


def test_catalog_module_is_current() -> None:
    from zongzhi_desktop.forms_loader import CATALOG_MODULE, catalog_source

    assert CATALOG_MODULE.read_text(encoding="utf-8") == catalog_source(), \
        "run: .venv/bin/python -m zongzhi_desktop.forms_loader"
