"""Declarative data-entry forms (forms/*.toml): loading and checking against the domain. No Qt.

A form definition only arranges and explains domain fields: which `FieldSpec`s appear, in which
group and order, with which widget, label override and help text. Every rule about a value lives
in `domain.fields`; the loader refuses a definition that names a field the domain does not know,
leaves out a required one, or contradicts the domain (required flag, code table, widget kind).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .domain.fields import FieldSpec
from .resources import forms_path
from .services.kinds import KINDS, RECORD_KINDS, ChildSpec

# Widget kinds a field of each domain type may be shown with (the first is the default).
WIDGETS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "text": ("text", "longtext"),
    "longtext": ("longtext", "text"),
    "date": ("date",),
    "int": ("int",),
    "float": ("float",),
    "bool": ("bool",),
    "code": ("combo",),
    "ref": ("ref",),
}
SUBTABLE_EDITORS = ("table", "picker")
# Record kinds a picker sub-table may search in (see ui/forms/lookup.py).
PICKABLE_KINDS = ("petition", "dispute", "volunteer", "team")
# Columns every record detail may show, whatever its kind.
COMMON_DETAIL_LABELS = {
    "status": "状态", "next_deadline": "下一期限", "next_deadline_kind": "期限类型", "voided": "已作废",
    "void_reason": "作废原因", "serial": "编号",
}
_FIELD_KEYS = {"label", "widget", "help", "required", "code_table", "span", "placeholder"}
_SUBTABLE_KEYS = {"key", "label", "editor", "columns", "pick", "id_field", "kind_field", "help"}


class FormDefinitionError(ValueError):
    """A forms/*.toml file that does not match the domain; the message names file and field."""


@dataclass(frozen=True)
class FormField:
    """One domain field as the form shows it."""

    spec: FieldSpec
    label: str
    widget: str
    help: str = ""
    span: int = 1  # 2: the field takes the full width of its group
    placeholder: str = ""

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def required(self) -> bool:
        return self.spec.required


@dataclass(frozen=True)
class FormGroup:
    title: str
    fields: tuple[FormField, ...]


@dataclass(frozen=True)
class SubTable:
    """A child table edited with its parent (parties, linked cases, participants…)."""

    key: str
    label: str
    editor: str  # table: rows typed inline; picker: rows chosen from a search dialog
    child: ChildSpec
    columns: tuple[FormField, ...]  # fields edited in the row (after the picked record, if any)
    pick: tuple[str, ...] = ()  # picker: record kinds to search
    id_field: str | None = None  # picker: child field receiving the picked record id
    kind_field: str | None = None  # picker: child field receiving the picked record kind
    help: str = ""


@dataclass(frozen=True)
class FormDef:
    kind: str
    title: str
    groups: tuple[FormGroup, ...]
    subtables: tuple[SubTable, ...] = ()
    detail_labels: dict[str, str] = field(default_factory=dict)  # extra model columns shown in detail

    @property
    def fields(self) -> list[FormField]:
        return [f for g in self.groups for f in g.fields]

    def field(self, name: str) -> FormField:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def default_field(spec: FieldSpec) -> FormField:
    """A FieldSpec shown with its domain label and default widget (action and child dialogs)."""
    return FormField(spec, spec.label, WIDGETS_BY_TYPE[spec.type][0], span=2 if spec.type == "longtext" else 1)


def _form_field(where: str, spec: FieldSpec, opts: dict[str, Any]) -> FormField:
    unknown = set(opts) - _FIELD_KEYS
    if unknown:
        raise FormDefinitionError(f"{where}: 未知的设置 {sorted(unknown)}，可用：{sorted(_FIELD_KEYS)}")
    widget = opts.get("widget", WIDGETS_BY_TYPE[spec.type][0])
    if widget not in WIDGETS_BY_TYPE[spec.type]:
        raise FormDefinitionError(
            f"{where}: 字段类型 {spec.type} 不能用控件 {widget}，可用：{list(WIDGETS_BY_TYPE[spec.type])}")
    if "required" in opts and bool(opts["required"]) != spec.required:
        raise FormDefinitionError(f"{where}: required={opts['required']} 与领域定义（{spec.required}）不一致")
    if "code_table" in opts and opts["code_table"] != spec.code_table:
        raise FormDefinitionError(f"{where}: code_table={opts['code_table']} 与领域定义（{spec.code_table}）不一致")
    span = int(opts.get("span", 2 if widget == "longtext" else 1))
    if span not in (1, 2):
        raise FormDefinitionError(f"{where}: span 只能是 1 或 2")
    return FormField(spec, str(opts.get("label", spec.label)), widget, str(opts.get("help", "")), span,
                     str(opts.get("placeholder", "")))


def _subtable(where: str, kind: str, raw: dict[str, Any], overrides: dict[str, Any]) -> SubTable:
    unknown = set(raw) - _SUBTABLE_KEYS
    if unknown:
        raise FormDefinitionError(f"{where}: 未知的设置 {sorted(unknown)}")
    key = raw.get("key")
    children = KINDS[kind].children
    if key not in children:
        raise FormDefinitionError(f"{where}: 子表 {key!r} 不是 {kind} 的子表，可用：{sorted(children)}")
    child = children[key]
    by_name = {s.name: s for s in child.fields}
    editor = raw.get("editor", "table")
    if editor not in SUBTABLE_EDITORS:
        raise FormDefinitionError(f"{where}: editor 应为 {SUBTABLE_EDITORS} 之一")
    names = list(raw.get("columns", []))
    for n in names:
        if n not in by_name:
            raise FormDefinitionError(f"{where}: 子表字段 {n!r} 不在领域定义中，可用：{sorted(by_name)}")
    covered = set(names)
    pick: tuple[str, ...] = ()
    id_field = kind_field = None
    if editor == "picker":
        pick = tuple(raw.get("pick", ()))
        if not pick or any(p not in PICKABLE_KINDS for p in pick):
            raise FormDefinitionError(f"{where}: pick 应为 {PICKABLE_KINDS} 中的一个或多个")
        id_field = raw.get("id_field")
        kind_field = raw.get("kind_field")
        for n in (id_field, kind_field):
            if n is not None and n not in by_name:
                raise FormDefinitionError(f"{where}: {n!r} 不在子表领域字段中")
        if id_field is None:
            raise FormDefinitionError(f"{where}: picker 须指定 id_field")
        if len(pick) > 1 and kind_field is None:
            raise FormDefinitionError(f"{where}: 多种记录可选时须指定 kind_field")
        covered |= {id_field} | ({kind_field} if kind_field else set())
    missing = [s.name for s in child.fields if s.required and s.name not in covered]
    if missing:
        raise FormDefinitionError(f"{where}: 子表缺少必填字段 {missing}")
    columns = tuple(
        _form_field(f"{where}.{n}", by_name[n], overrides.get(f"{key}.{n}", {})) for n in names
    )
    return SubTable(key, str(raw.get("label", child.label)), editor, child, columns, pick, id_field, kind_field,
                    str(raw.get("help", "")))


def parse_form(kind: str, raw: dict[str, Any], source: str = "") -> FormDef:
    """Build and check a FormDef from a parsed TOML document."""
    where = source or f"forms/{kind}.toml"
    if kind not in KINDS:
        raise FormDefinitionError(f"{where}: 未知的记录类型 {kind!r}")
    if raw.get("kind", kind) != kind:
        raise FormDefinitionError(f"{where}: kind={raw.get('kind')!r} 与文件名不一致")
    spec = KINDS[kind]
    by_name = {s.name: s for s in spec.fields}
    overrides: dict[str, Any] = raw.get("fields", {})
    seen: set[str] = set()
    groups: list[FormGroup] = []
    for gi, g in enumerate(raw.get("groups", [])):
        items: list[FormField] = []
        for name in g.get("fields", []):
            if name not in by_name:
                raise FormDefinitionError(f"{where}: 第{gi + 1}组字段 {name!r} 不在 {kind} 的领域字段中，可用：{sorted(by_name)}")
            if name in seen:
                raise FormDefinitionError(f"{where}: 字段 {name!r} 出现了两次")
            seen.add(name)
            items.append(_form_field(f"{where}: {name}", by_name[name], overrides.get(name, {})))
        groups.append(FormGroup(str(g.get("title", "")), tuple(items)))
    for name in overrides:
        if "." not in name and name not in seen:
            raise FormDefinitionError(f"{where}: [fields.{name}] 设置的字段不在任何分组中")
    missing = [s.name for s in spec.fields if s.required and s.name not in seen]
    if missing:
        raise FormDefinitionError(f"{where}: 缺少必填字段 {missing}")
    subtables = tuple(
        _subtable(f"{where}: 子表{i + 1}", kind, st, overrides) for i, st in enumerate(raw.get("subtables", []))
    )
    columns = spec.model.__table__.columns  # type: ignore[attr-defined]
    labels = {str(k): str(v) for k, v in raw.get("detail", {}).get("labels", {}).items()}
    for col in labels:
        if col not in columns:
            raise FormDefinitionError(f"{where}: [detail.labels] {col!r} 不是 {spec.model.__name__} 的字段")
    return FormDef(kind, str(raw.get("title", spec.label)), tuple(groups), subtables, labels)


def load_form_file(kind: str, path: Path) -> FormDef:
    with path.open("rb") as fh:
        try:
            raw = tomllib.load(fh)
        except tomllib.TOMLDecodeError as e:
            raise FormDefinitionError(f"{path.name}: TOML 格式错误：{e}") from None
    return parse_form(kind, raw, path.name)


@cache
def load_form(kind: str) -> FormDef:
    """The checked form definition of a record kind (forms/<kind>.toml, cached)."""
    return load_form_file(kind, forms_path(f"{kind}.toml"))


def load_all() -> dict[str, FormDef]:
    """Every record kind's form; raises FormDefinitionError on the first bad definition."""
    return {kind: load_form(kind) for kind in RECORD_KINDS}


def translatable_strings() -> list[str]:
    """Every label, title, state and help text the forms, details and step dialogs show (context "forms").

    lupdate cannot read TOML: a translation build adds these to the catalog under context "forms"
    (the renderer translates them with QCoreApplication.translate("forms", text)).
    """
    out: set[str] = set(COMMON_DETAIL_LABELS.values())
    for form in load_all().values():
        out.add(form.title)
        out |= set(form.detail_labels.values())
        for g in form.groups:
            out.add(g.title)
            for f in g.fields:
                out |= {f.label, f.help, f.placeholder}
        for st in form.subtables:
            out |= {st.label, st.help, st.child.label}
            out |= {c.label for c in st.columns} | {s.label for s in st.child.fields}
    for spec in KINDS.values():
        out |= {spec.label} | {s.label for s in spec.fields}
        for ch in spec.children.values():
            out |= {ch.label} | {s.label for s in ch.fields}
        if spec.workflow is not None:
            out |= set(spec.workflow.states.values())
            for action in spec.workflow.actions.values():
                out |= {action.label} | {s.label for s in action.fields}
    return sorted(s for s in out if s)


CATALOG_MODULE = Path(__file__).resolve().parent / "ui" / "forms" / "catalog.py"


def catalog_source() -> str:
    """Text of ui/forms/catalog.py: the form strings marked for pyside6-lupdate."""
    lines = [
        '"""Form, detail and workflow labels marked for the translation catalog (context "forms").',
        "",
        "Generated from forms/*.toml and the domain by `python -m zongzhi_desktop.forms_loader`; do not edit.",
        "pyside6-lupdate reads the QT_TRANSLATE_NOOP calls; the UI translates the labels at run time.",
        '"""',
        "",
        "",
        "def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name pyside6-lupdate looks for",
        "    return text",
        "",
        "",
        "STRINGS = (",
    ]
    lines += [f'    QT_TRANSLATE_NOOP("forms", {json.dumps(s, ensure_ascii=False)}),' for s in translatable_strings()]
    lines += [")", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    CATALOG_MODULE.write_text(catalog_source(), encoding="utf-8")
    print(f"{CATALOG_MODULE}: {len(translatable_strings())} strings")
