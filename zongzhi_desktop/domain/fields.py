"""Field specifications: the one place that says what each input field is and which rule it obeys.

The CLI, importers and the generated forms all validate through `coerce_value`, so the same bad
value gets the same Chinese message everywhere.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from .codes import CodeTables
from .errors import ValidationError, ValidationErrors
from .rowrules import INT32, char_message, forbidden_char, int_problem, text_problem
from .validation import (
    date_problem,
    id_number_problem,
    normalize_id_number,
    normalize_phone,
    phone_problem,
)


@dataclass(frozen=True)
class FieldSpec:
    """One input field. `type` is text|longtext|date|int|float|bool|code|ref."""

    name: str
    label: str
    type: str = "text"
    required: bool = False
    code_table: str | None = None
    ref: str | None = None  # reference kind for type "ref" (village, department…)
    check: str | None = None  # id_number | phone
    allow_future: bool = False
    minimum: float | None = None
    max_length: int | None = None


def F(name: str, label: str, type: str = "text", **kw: Any) -> FieldSpec:
    """Short constructor used by the tables below."""
    return FieldSpec(name, label, type, **kw)


def fit_to_columns(fields: list[FieldSpec], columns: Iterable[Any]) -> None:
    """Cap each text field's length at its column's (in place): entry refuses what the county's
    row rule would (domain/rowrules.py), with the same message, before anything is stored."""
    lengths = {c.name: getattr(c.type, "length", None) for c in columns}
    for i, spec in enumerate(fields):
        limit = lengths.get(spec.name)
        # An ID number or phone is normalized (spaces, +86 taken out) and then checked by its own
        # rule, which fixes its length: capping the raw input would refuse "330825 1985…".
        if (spec.type in ("text", "longtext") and spec.check is None and limit
                and (spec.max_length is None or spec.max_length > limit)):
            fields[i] = replace(spec, max_length=limit)


# Resolves a reference (kind, raw text) to a record id, or None if nothing matches.
RefResolver = Callable[[str, str], str | None]

_TRUE = {"1", "true", "yes", "y", "是", "对", "√"}
_FALSE = {"0", "false", "no", "n", "否", ""}


def _bad(spec: FieldSpec, rule: str, message: str) -> ValidationError:
    return ValidationError(spec.name, spec.label, rule, message)


# Control characters other than tab and line breaks: refused at entry only (stricter than the county,
# which refuses NUL and lone surrogates: `rowrules.forbidden_char`, checked first).
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


def unstorable_char(text: str) -> int | None:
    """The code point of the first character of `text` no field may hold, or None: what the county
    refuses (NUL, lone surrogates; `rowrules.forbidden_char`) and other control characters."""
    if text.isprintable():  # the common case, decided in C
        return None
    bad = forbidden_char(text)
    if bad is not None:
        return bad
    found = _CONTROL.search(text)
    return ord(found.group()) if found else None


def coerce_value(
    spec: FieldSpec,
    raw: Any,
    *,
    codes: CodeTables,
    today: date,
    resolve_ref: RefResolver | None = None,
    current: Any = None,
) -> Any:
    """Convert raw input (JSON value or form text) to the stored value, or raise ValidationError.

    `current` is the value the record already holds: a code that has since been deactivated is
    accepted only if it is that value (old records stay editable; new input uses active codes).
    """
    if isinstance(raw, str) and (bad := unstorable_char(raw)) is not None:
        raise _bad(spec, "character", char_message(bad))
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        if spec.required:
            raise _bad(spec, "required", "必填项，不能为空")
        return False if spec.type == "bool" else None
    t = spec.type
    if t in ("text", "longtext"):
        value = str(raw).strip()
        limit = spec.max_length or (20000 if t == "longtext" else 500)
        if (problem := text_problem(value, limit)) is not None:
            raise _bad(spec, problem.rule, problem.message)  # the county's rule and words
        if spec.check == "id_number":
            value = normalize_id_number(value)
            problem = id_number_problem(value, today)
            if problem:
                raise _bad(spec, "id_number", problem)
            return value
        if spec.check == "phone":
            problem = phone_problem(value)
            if problem:
                raise _bad(spec, "phone", problem)
            return normalize_phone(value)
        return value
    if t == "date":
        if isinstance(raw, datetime):
            value = raw.date()  # a timestamp from a widget or importer: the day is what counts
        elif isinstance(raw, date):
            value = raw
        else:
            try:
                value = date.fromisoformat(str(raw).strip())
            except ValueError:
                raise _bad(spec, "date_format", "日期格式应为 YYYY-MM-DD，如 2026-03-01") from None
        problem = date_problem(value, today=today, allow_future=spec.allow_future)
        if problem:
            raise _bad(spec, "date_range", problem)
        return value
    if t in ("int", "float"):
        if isinstance(raw, bool):
            raise _bad(spec, "number", "应为数字")
        try:
            value = int(str(raw).strip()) if t == "int" else float(str(raw).strip())
        except ValueError:
            raise _bad(spec, "number", "应为整数" if t == "int" else "应为数字") from None
        if not math.isfinite(value):
            raise _bad(spec, "number", "应为数字")  # float() also reads "nan" and "inf"
        if t == "int" and (problem := int_problem(value, INT32)) is not None:
            raise _bad(spec, problem.rule, problem.message)  # the county's rule (int fields are INTEGER columns)
        if spec.minimum is not None and value < spec.minimum:
            raise _bad(spec, "minimum", f"不能小于{spec.minimum:g}")
        return value
    if t == "bool":
        if isinstance(raw, bool):
            return raw
        s = str(raw).strip().lower()
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
        raise _bad(spec, "bool", "应为 是/否")
    if t == "code":
        assert spec.code_table
        table = codes[spec.code_table]
        code = table.resolve(str(raw))
        if code is None or (not table.is_active(code) and code != current):
            allowed = "、".join(lbl for _c, lbl in table.active_items())
            if code is not None:
                raise _bad(spec, "inactive", f"“{table.label_of(code)}”已停用，不能用于新录入，可选：{allowed}")
            raise _bad(spec, "code", f"“{raw}”不在字典“{table.label}”中，可选：{allowed}")
        return code
    if t == "ref":
        assert spec.ref and resolve_ref
        ref_id = resolve_ref(spec.ref, str(raw).strip())
        if ref_id is None:
            raise _bad(spec, "ref", f"找不到“{raw}”（或有重名，请改用编号）")
        return ref_id
    raise AssertionError(f"unknown field type {t}")


def coerce_fields(
    specs: list[FieldSpec],
    data: dict[str, Any],
    *,
    codes: CodeTables,
    today: date,
    resolve_ref: RefResolver | None = None,
    partial: bool = False,
    keep: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Validate a dict against specs; unknown keys and every bad field are reported together.

    With `partial`, absent fields are left out (an update); present ones are still checked.
    `keep` holds the record's stored values when editing (see `coerce_value`'s `current`).
    """
    by_name = {s.name: s for s in specs}
    errors: list[ValidationError] = []
    for key in data:
        if key not in by_name:
            errors.append(ValidationError(key, key, "unknown_field", "不是此类记录可填写的字段"))
    out: dict[str, Any] = {}
    for spec in specs:
        if spec.name not in data:
            if partial:
                continue
            raw = None
        else:
            raw = data[spec.name]
        try:
            out[spec.name] = coerce_value(spec, raw, codes=codes, today=today, resolve_ref=resolve_ref,
                                          current=(keep or {}).get(spec.name))
        except ValidationError as e:
            errors.append(e)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ValidationErrors(errors)
    return out


# ---------------------------------------------------------------------------------------------
# Record fields per kind (what a clerk enters when registering or editing a record).

PETITION_FIELDS = [
    F("received_date", "收件日期", "date", required=True),
    F("form", "信访形式", "code", required=True, code_table="petition_form"),
    F("route", "来源渠道", "code", code_table="petition_route"),
    F("petitioner_name", "信访人姓名", required=True, max_length=50),
    F("id_number", "身份证号", check="id_number"),
    F("phone", "联系电话", check="phone"),
    F("address", "住址"),
    F("village_id", "所属村(社区)", "ref", ref="village"),
    F("headcount", "来访人数", "int", minimum=1),
    F("representatives", "代表姓名"),
    F("is_skip_level", "越级访", "bool"),
    F("category", "信访类别", "code", required=True, code_table="petition_category"),
    F("subject", "事项分类", "code", code_table="petition_subject"),
    F("request", "信访请求", "longtext", required=True),
    F("facts", "事实", "longtext"),
    F("reasons", "理由", "longtext"),
    F("repeat_of_id", "关联的前次信访", "ref", ref="petition"),
]

PARTY_FIELDS = [
    F("name", "当事人姓名", required=True, max_length=50),
    F("role", "当事人角色", "code", code_table="party_role"),
    F("id_number", "当事人身份证号", check="id_number"),
    F("phone", "当事人电话", check="phone"),
    F("address", "当事人住址"),
]

DISPUTE_FIELDS = [
    F("title", "纠纷名称", required=True, max_length=200),
    F("found_date", "发现日期", "date", required=True),
    F("source", "纠纷来源", "code", required=True, code_table="dispute_source"),
    F("type", "纠纷类型", "code", required=True, code_table="dispute_type"),
    F("description", "纠纷简要情况", "longtext"),
    F("village_id", "所属村(社区)", "ref", ref="village"),
    F("grid_id", "所属网格", "ref", ref="grid"),
    F("people_count", "涉及人数", "int", minimum=1),
    F("amount", "涉及金额(元)", "float", minimum=0),
    F("risk_level", "风险等级", "code", code_table="risk_level"),
    F("homicide_risk", "易引发命案", "bool"),
    F("turned_criminal", "民转刑", "bool"),
    F("petition_id", "来源信访件", "ref", ref="petition"),
]

PACKAGE_FIELDS = [
    F("title", "包案事项", required=True, max_length=200),
    F("leader_id", "包案领导", "ref", required=True, ref="leader"),
    F("unit_department_id", "责任单位", "ref", ref="department"),
    F("staff", "责任人"),
    F("start_date", "包案日期", "date", required=True),
    F("target_date", "化解时限", "date", required=True, allow_future=True),
    F("plan", "工作方案", "longtext"),
    F("know_situation", "包掌握情况", "bool"),
    F("counsel", "包思想疏导", "bool"),
    F("solve_problem", "包解决问题", "bool"),
    F("stabilise", "包稳控", "bool"),
    F("stop_petitioning", "包息诉罢访", "bool"),
    F("supervised", "挂牌督办", "bool"),
    F("is_backlog", "积案", "bool"),
]

LINK_FIELDS = [
    F("record_kind", "关联类型", required=True),
    F("record_id", "关联案件", required=True),
]

TEAM_FIELDS = [
    F("name", "队伍名称", required=True, max_length=100),
    F("type", "队伍类型", "code", required=True, code_table="team_type"),
    F("leader_name", "负责人"),
    F("phone", "负责人电话", check="phone"),
    F("village_id", "所属村(社区)", "ref", ref="village"),
    F("founded_date", "成立日期", "date"),
]

VOLUNTEER_FIELDS = [
    F("name", "姓名", required=True, max_length=50),
    F("gender", "性别", "code", code_table="gender"),
    F("phone", "电话", check="phone"),
    F("id_number", "身份证号", check="id_number"),
    F("village_id", "所属村(社区)", "ref", ref="village"),
    F("skills", "技能特长"),
    F("active", "在册", "bool"),
]

ACTIVITY_FIELDS = [
    F("activity_date", "活动日期", "date", required=True),
    F("team_id", "志愿服务队", "ref", required=True, ref="team"),
    F("type", "活动类型", "code", required=True, code_table="activity_type"),
    F("place", "活动地点", required=True),
    F("content", "活动内容", "longtext", required=True),
    F("village_id", "所属村(社区)", "ref", ref="village"),
    F("hazards_found", "发现隐患数", "int", minimum=0),
    F("disputes_resolved", "化解纠纷数", "int", minimum=0),
    F("people_served", "服务群众人次", "int", minimum=0),
    F("photos", "照片文件", "longtext"),
]

PARTICIPANT_FIELDS = [
    F("volunteer_id", "志愿者", "ref", required=True, ref="volunteer"),
    F("hours", "服务时长(小时)", "float", minimum=0),
]

DISPATCH_FIELDS = [
    F("title", "调度事项", required=True, max_length=200),
    F("description", "堵点难点情况", "longtext"),
    F("raised_date", "提出日期", "date", required=True),
    F("department_id", "责任单位", "ref", ref="department"),
    F("deadline", "完成时限", "date", required=True, allow_future=True),
]
