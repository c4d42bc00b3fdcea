"""One ledger row → a validated record with its parties and workflow events, or its errors.

Values go through the same field specs (`coerce_fields`) and workflow steps (`Action.apply`) as
the form, so a ledger row is refused for exactly the reasons a typed-in record would be. The
workflow steps the row's columns support are replayed with their own dates, so deadlines come
out as if the record had been entered then. Missing in-between dates (a resolved dispute with
no 受理日期) are taken from the step before and the event says so.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, cast

from pydantic_core import PydanticUndefined

from ..domain import deadlines as dl
from ..domain import models as m
from ..domain import workflows as wf
from ..domain.codes import CodeTables
from ..domain.errors import DomainError, ValidationError, ValidationErrors
from ..domain.fields import ACTIVITY_FIELDS as A_SPECS
from ..domain.fields import DISPUTE_FIELDS as D_SPECS
from ..domain.fields import PACKAGE_FIELDS as P_SPECS
from ..domain.fields import (
    PARTICIPANT_FIELDS,
    PARTY_FIELDS,
    PETITION_FIELDS,
    F,
    FieldSpec,
    coerce_value,
)
from .fields import STATE_LABELS, LedgerField, field_by_name
from .mapping import Mapping, ValueMapper
from .values import SPLIT_LIST, CellProblem, cell_text, parse_date, parse_id_number, split_list

IMPORT_NOTE = "台账导入"
_REPEAT_SPECS = [F("is_repeat", "重复访", "bool")]
_AS_TEXT = frozenset({"text", "int", "float", "bool", "ref"})  # ledger types `_parse` passes on as the cell's text
# Record model and, where a ledger row also brings child rows, (child model, its column naming the record).
_MODELS: dict[str, tuple[type[Any], tuple[type[Any], str] | None]] = {
    "dispute": (m.Dispute, (m.DisputeParty, "dispute_id")),
    "petition": (m.Petition, None),
    "package": (m.CasePackage, (m.PackageLink, "package_id")),
    "activity": (m.Activity, (m.ActivityParticipant, "activity_id")),
}
CHILD_MODELS: dict[str, type[Any]] = {k: c[0] for k, (_m, c) in _MODELS.items() if c}
CHILD_KEYS: dict[str, str] = {k: c[1] for k, (_m, c) in _MODELS.items() if c}


@dataclass
class RowError:
    """Why one ledger row was refused: where (sheet, row, column), what (value) and which rule."""

    sheet: str
    row: int  # 1-based row number as Excel shows it
    column: str
    value: str
    rule: str
    message: str


# A workflow step replayed on a row: (action, event date, note, the step's values or None).
Step = tuple[str, date, str, "dict[str, Any] | None"]


class Prepared:
    """A validated row: every rule has been applied, its workflow steps replayed and its deadlines set.

    The rows the bulk insert needs (the record's full column dict, each party's and each workflow
    event's, with their UUIDs and the events' JSON) are built on first use of `record`, `parties`
    or `events`: the preview shows a few rows and the counts, the import builds them all."""

    __slots__ = (
        "_builder",
        "_events",
        "_parties",
        "_party_values",
        "_rec",
        "_record",
        "_steps",
        "content_key",
        "row",
        "sheet",
        "year",
    )

    def __init__(self, sheet: str, row: int, rec: Any, party_values: list[dict[str, Any]], steps: list[Step],
                 year: int, builder: RowBuilder) -> None:
        self.sheet, self.row, self.year, self.content_key = sheet, row, year, ""
        self._rec, self._party_values, self._steps, self._builder = rec, party_values, steps, builder
        self._record: dict[str, Any] | None = None
        self._parties: list[dict[str, Any]] | None = None
        self._events: list[dict[str, Any]] | None = None

    @property
    def record(self) -> dict[str, Any]:
        """The record's column values (model defaults included), as inserted."""
        if self._record is None:
            self._record = self._rec.row()
        return self._record

    @property
    def parties(self) -> list[dict[str, Any]]:
        """Dispute parties' column values, each with its own UUID."""
        if self._parties is None:
            self._parties = self._builder.party_rows(self._rec.id, self._party_values)
        return self._parties

    @property
    def created_at(self) -> Any:
        """When the rows were built (every row of a batch carries the same moment)."""
        return self._builder.now

    def step_values(self) -> list[tuple[str, date, dict[str, Any] | None]]:
        """(action, event date, the step's values without empty ones) of each workflow event, in order:
        what the event's JSON data holds, as Python values."""
        return [(action, when, {k: x for k, x in data.items() if x is not None} if data else None)
                for action, when, _note, data in self._steps]

    @property
    def events(self) -> list[dict[str, Any]]:
        """Workflow events' column values (登记 first, then each replayed step), each with its own UUID."""
        if self._events is None:
            self._events = self._builder.event_rows(self._rec.id, self._steps)
        return self._events


class RowRefused(Exception):
    def __init__(self, errors: list[tuple[str, str, str, str]]) -> None:  # (field, value, rule, message)
        super().__init__(errors)
        self.errors = errors


_MISS = object()
_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))  # byte 6: version nibble 4
_VARIANT_RFC = bytes((b & 0x3F) | 0x80 for b in range(256))  # byte 8: variant bits 10


def uuid4_texts(batch: int = 4096) -> Iterator[str]:
    """Random (version 4) UUIDs as 36-character text, like `new_uuid`, from one os.urandom call per
    batch with the version and variant bits set for the whole batch at once: a 100,000-row ledger
    needs half a million of them."""
    while True:
        raw = bytearray(os.urandom(16 * batch))
        raw[6::16] = raw[6::16].translate(_VERSION_4)
        raw[8::16] = raw[8::16].translate(_VARIANT_RFC)
        h = raw.hex()
        yield from [f"{h[i:i + 8]}-{h[i + 8:i + 12]}-{h[i + 12:i + 16]}-{h[i + 16:i + 20]}-{h[i + 20:i + 32]}"
                    for i in range(0, 32 * batch, 32)]


class _Row:
    """A row being built: columns not set on the instance read the model's defaults from the class
    (the workflow steps read and write attributes, as they do on a model object)."""

    _base: ClassVar[dict[str, Any]] = {}

    def row(self) -> dict[str, Any]:
        return {**self._base, **self.__dict__}


def _row_class(model: type[Any]) -> type[_Row]:
    base = _defaults(model)
    return type(f"{model.__name__}Row", (_Row,), {**base, "_base": base})


def _defaults(model: type[Any]) -> dict[str, Any]:
    out = {}
    for name, info in model.model_fields.items():
        if info.default_factory is None:
            out[name] = None if info.default is PydanticUndefined else info.default
    return out


class _CoercePlan:
    """One spec list's lookup table for `RowBuilder._coerce`."""

    def __init__(self, specs: list[FieldSpec], coerce_one: Callable[[FieldSpec, Any], Any]) -> None:
        self.specs = specs
        # A memo per field whose answer is worth remembering (dates, codes, references, numbers).
        self.index: dict[str, tuple[int, FieldSpec, dict[Any, Any] | None]] = {
            spec.name: (i, spec, None if spec.type in ("text", "longtext") else {}) for i, spec in enumerate(specs)}
        self.absent: dict[str, Any] = {}
        self.required: list[tuple[int, str, ValidationError]] = []
        for i, spec in enumerate(specs):
            empty = coerce_one(spec, None)
            if isinstance(empty, ValidationError):
                self.required.append((i, spec.name, empty))
            else:
                self.absent[spec.name] = empty


class _RememberingPolicy:
    """A deadline policy whose `add` remembers its answers (a ledger's rows share a few hundred dates;
    under the working-days rule each answer walks the calendar). Everything else is the policy's."""

    def __init__(self, policy: dl.DeadlinePolicy) -> None:
        self._policy = policy
        self._added: dict[tuple[date, int], date] = {}

    def add(self, start: date, days: int) -> date:
        key = (start, days)
        hit = self._added.get(key)
        if hit is None:
            hit = self._added[key] = self._policy.add(start, days)
        return hit

    def __getattr__(self, name: str) -> Any:
        return getattr(self._policy, name)


class RowBuilder:
    """Builds records of one kind from ledger rows under one mapping, as one user, on one day."""

    def __init__(self, kind: str, mapping: Mapping, *, codes: CodeTables, today: date, policy: dl.DeadlinePolicy,
                 township_code: str, username: str, resolve_ref: Callable[[str, str], str | None],
                 check_record: Callable[[str, Any], None]) -> None:
        self.kind = kind
        self.mapping = mapping
        self.codes, self.today = codes, today
        self.policy = cast(dl.DeadlinePolicy, _RememberingPolicy(policy))
        self.township_code, self.username = township_code, username
        self.check_record = check_record
        self.fields = field_by_name(kind)
        self.mappers = {f.name: ValueMapper(kind, f.name, codes, mapping)
                        for f in self.fields.values() if f.type in ("code", "state")}
        # A reference column's value mapping (a ledger's 东村 → the store's 城东村), by referenced kind.
        ref_maps = {f.ref: dict(mapping.values.get(f.name, {})) for f in self.fields.values() if f.type == "ref" and f.ref}
        cache: dict[tuple[str, str], str | None] = {}

        def resolve(ref_kind: str, raw: str) -> str | None:
            table = ref_maps.get(ref_kind)
            if table:
                raw = table.get(raw, raw)
            key = (ref_kind, raw)
            if key not in cache:
                cache[key] = resolve_ref(ref_kind, raw)
            return cache[key]

        self.resolve = resolve
        self.model, child = _MODELS[kind]
        self.base = _row_class(self.model)
        self.party_base = _row_class(child[0] if child else m.DisputeParty)
        self.child_key = child[1] if child else ""  # the child rows' column naming their record
        self.event_base = _row_class(m.WorkflowEvent)
        self.workflow = wf.WORKFLOWS.get(kind)  # None: a kind without workflow (volunteer activities)
        self.now = m.utcnow()
        self._event_row = {**self.event_base._base, "township_code": township_code, "created_by": username,
                           "updated_by": username, "created_at": self.now, "updated_at": self.now,
                           "record_kind": kind, "actor": username}
        self._party_row = {**self.party_base._base, "township_code": township_code, "created_by": username,
                           "updated_by": username, "created_at": self.now, "updated_at": self.now}
        self._coerce_plans: dict[int, _CoercePlan] = {}
        self._json: dict[tuple[Any, ...], str] = {}
        self._ids = uuid4_texts()
        self._dates: dict[tuple[Any, int | None], Any] = {}  # ledgers repeat dates: parse each once
        self._types = {f.name: f.type for f in self.fields.values()}
        self._notes: dict[tuple[str, bool], str] = {}

    # -- reading cells ------------------------------------------------------------------------
    def read(self, cells: dict[str, Any], year_hint: int | None,
             texts: dict[str, str] | None = None) -> tuple[dict[str, Any], list[tuple[str, str, str, str]]]:
        """Field name → parsed value for the row's mapped cells and the mapping's defaults.
        `texts` (field → cell text), when the caller already has it, saves converting cells twice."""
        if texts is None:
            texts = {f: cell_text(v) for f, v in cells.items()}
        values: dict[str, Any] = {}
        errors: list[tuple[str, str, str, str]] = []
        defaults = self.mapping.defaults
        types = self._types
        dates = self._dates
        for name, text in texts.items():
            t = types[name]
            if not text:
                if name not in defaults or t == "skip":
                    continue
                raw = text = defaults[name]
            else:
                raw = cells[name]
            try:
                if t == "date":  # the commonest typed column: its memo inline
                    hit = dates.get((raw, year_hint))
                    if hit is not None and hit.__class__ is not CellProblem:
                        values[name] = hit
                        continue
                elif t in _AS_TEXT:  # the form's field spec reads these from the cell's text
                    values[name] = text
                    continue
                elif t in ("names", "phone") and raw.__class__ is str:
                    # `text` is the cell's normalized text: split it as split_list would, pieces are final
                    values[name] = [p for p in SPLIT_LIST.split(text) if p]
                    continue
                elif t == "skip":
                    continue
                values[name] = self._parse(self.fields[name], raw, year_hint, text)
            except CellProblem as p:
                errors.append((name, text, p.rule, p.message))
        for name, text in defaults.items():
            if name not in texts and text:
                try:
                    values[name] = self._parse(self.fields[name], text, year_hint, text)
                except CellProblem as p:
                    errors.append((name, text, p.rule, p.message))
        return values, errors

    def _parse(self, spec: LedgerField, raw: Any, year_hint: int | None, text: str) -> Any:
        t = spec.type
        if t == "date":
            key = (raw, year_hint)
            hit = self._dates.get(key)
            if hit is None:
                try:
                    hit = parse_date(raw, year_hint)
                except CellProblem as p:
                    hit = p
                if len(self._dates) < 50_000:
                    self._dates[key] = hit
            if isinstance(hit, CellProblem):
                raise hit
            return hit
        if t == "id":
            return [parse_id_number(v) for v in split_list(raw)]
        if t in ("names", "phone"):
            return [cell_text(v) for v in split_list(raw)]
        if t in ("code", "state"):
            code = self.mappers[spec.name](text)
            if code is None:
                what = "办理情况/化解情况" if t == "state" else self.codes[spec.code_table].label  # type: ignore[index]
                raise CellProblem("unmapped_value", f"“{text}”不在“{what}”中，请在值映射中指定对应的值")
            return code
        return text

    # -- building -----------------------------------------------------------------------------
    def build(self, cells: dict[str, Any], year_hint: int | None, sheet: str, row: int,
              texts: dict[str, str] | None = None) -> Prepared:
        """The record for one row, or RowRefused with every problem found."""
        values, errors = self.read(cells, year_hint, texts)
        if errors:
            raise RowRefused(errors)
        try:
            if self.kind == "dispute":
                return self._dispute(values, sheet, row)
            if self.kind == "package":
                return self._package(values, sheet, row)
            if self.kind == "activity":
                return self._activity(values, sheet, row)
            return self._petition(values, sheet, row)
        except ValidationErrors as e:
            raise RowRefused([(x.field, "", x.rule, x.message) for x in e.errors]) from None
        except ValidationError as e:
            raise RowRefused([(e.field, "", e.rule, e.message)]) from None
        except DomainError as e:
            raise RowRefused([("", "", "rule", e.message)]) from None

    def _coerce(self, specs: list[FieldSpec], data: dict[str, Any]) -> dict[str, Any]:
        """`coerce_fields` with each field's answers remembered: ledgers repeat the same dates, codes
        and villages thousands of times, and a field's verdict depends only on its raw value.

        Only the fields present in `data` are looked at one by one (a None value counts as absent,
        as an empty cell does in `coerce_value`); every absent field takes the
        answer `coerce_value` gives for an empty value (None, False, or "required"), worked out once
        per spec list. Errors are reported in the spec list's order, as `coerce_fields` does."""
        plan = self._coerce_plans.get(id(specs))
        if plan is None or plan.specs is not specs:
            plan = self._coerce_plans[id(specs)] = _CoercePlan(specs, self._coerce_one)
        out = dict(plan.absent)
        errors: list[tuple[int, ValidationError]] | None = None
        index = plan.index
        for name, raw in data.items():
            entry = index.get(name)
            if entry is None or raw is None:
                continue  # a key no spec names is ignored; None is the absent answer already in `out`
            pos, spec, memo = entry
            if memo is None:  # text: mostly unique (names, ID numbers, phones), its check is cheap
                hit = self._coerce_one(spec, raw)
            else:
                try:
                    hit = memo.get(raw, _MISS)
                except TypeError:  # unhashable raw value
                    hit = self._coerce_one(spec, raw)
                else:
                    if hit is _MISS:
                        hit = self._coerce_one(spec, raw)
                        if len(memo) < 50_000:
                            memo[raw] = hit
            if isinstance(hit, ValidationError):
                if errors is None:
                    errors = []
                errors.append((pos, hit))
            else:
                out[name] = hit
        for pos, name, err in plan.required:
            if data.get(name) is None:
                if errors is None:
                    errors = []
                errors.append((pos, err))
        if errors is None:
            return out
        if len(errors) == 1:
            raise errors[0][1]
        errors.sort(key=lambda e: e[0])
        raise ValidationErrors([e for _p, e in errors])

    def _coerce_one(self, spec: FieldSpec, raw: Any) -> Any:
        """`coerce_value`'s answer: the value, or the ValidationError (returned, not raised)."""
        try:
            return coerce_value(spec, raw, codes=self.codes, today=self.today, resolve_ref=self.resolve)
        except ValidationError as e:
            return e

    def _new(self, cls: type[_Row], values: dict[str, Any]) -> Any:
        ns = cls()
        d = ns.__dict__
        for k, v in values.items():
            if v is not None:
                d[k] = v
        d["id"] = next(self._ids)
        d["township_code"] = self.township_code
        d["created_by"] = d["updated_by"] = self.username
        d["created_at"] = d["updated_at"] = self.now
        return ns

    def event_rows(self, record_id: str, steps: list[Step]) -> list[dict[str, Any]]:
        """Workflow event rows for a record's replayed steps."""
        out = []
        template, ids, data_json = self._event_row, self._ids, self._data_json
        for action, when, note, data in steps:
            ev = template.copy()  # the event model's defaults with the batch's constant columns
            ev["id"] = next(ids)
            ev["record_id"], ev["action"], ev["event_date"], ev["note"] = record_id, action, when, note
            data = {k: x for k, x in data.items() if x is not None} if data else None
            ev["data"] = data_json(data) if data else None
            out.append(ev)
        return out

    def party_rows(self, record_id: str, parties: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Child rows (dispute parties, activity participants) from their validated values."""
        out = []
        for p in parties:
            party = self._party_row.copy()
            party.update(p)
            party["id"], party[self.child_key] = next(self._ids), record_id
            out.append(party)
        return out

    def _data_json(self, data: dict[str, Any]) -> str:
        key = tuple(data.items())  # step values repeat (same dates, codes): encode each set once
        text = self._json.get(key)
        if text is None:
            text = json.dumps(data, ensure_ascii=False, default=str)
            if len(self._json) < 50_000:
                self._json[key] = text
        return text

    def _steps(self, rec: Any, steps: list[tuple[str, dict[str, Any], bool]]) -> list[Step]:
        """Apply workflow steps (name, raw values, date inferred?) through the form's rules."""
        events = []
        notes = self._notes
        for name, raw, inferred in steps:
            assert self.workflow is not None
            action = self.workflow.get(name)
            v = self._coerce(action.fields, raw)
            when = action.apply(rec, v, self.policy)
            note = notes.get((name, inferred))
            if note is None:
                note = notes[(name, inferred)] = (
                    f"{action.label}（{IMPORT_NOTE}" + ("，日期按前一步推定）" if inferred else "）"))
            events.append((name, when, note, v))  # its None values are left out of the event's data
        return events

    def _state(self, values: dict[str, Any], inferred: str) -> str:
        state = values.get("state") or inferred
        if state not in STATE_LABELS[self.kind]:
            raise ValidationError("state", "办理情况", "state", f"不支持的状态“{state}”")
        return state

    def _dispute(self, v: dict[str, Any], sheet: str, row: int) -> Prepared:
        applicants = v.get("party_names", [])
        respondents = v.get("respondent_names", [])
        parties = self._parties(applicants, v.get("party_ids", []), v.get("party_phones", []), "applicant", "party")
        parties += self._parties(respondents, v.get("respondent_ids", []), v.get("respondent_phones", []),
                                 "respondent", "respondent")
        title = v.get("title")
        if not title and applicants:
            type_label = self.codes["dispute_type"].label_of(v.get("type")) if v.get("type") else ""
            who = "、".join(applicants[:2]) + ("等" if len(applicants) > 2 else "")
            if respondents:
                who += "与" + "、".join(respondents[:2]) + ("等" if len(respondents) > 2 else "")
            title = f"{who}{type_label.split('(')[0]}" + ("" if type_label.endswith("纠纷") else "纠纷")
        description = "；".join(x for x in (v.get("description"), v.get("remark")) if x) or None
        data = {"title": title, "found_date": v.get("found_date"), "source": v.get("source"), "type": v.get("type"),
                "description": description, "village_id": v.get("village_id"), "people_count": v.get("people_count"),
                "amount": v.get("amount"), "risk_level": v.get("risk_level"), "homicide_risk": v.get("homicide_risk")}
        values = self._coerce(D_SPECS, data)  # None = absent
        if values.get("people_count") is None and parties:
            values["people_count"] = max(len(parties), 1)
        rec = self._new(self.base, values)
        end = v.get("mediation_end_date")
        inferred = "mediating" if v.get("mediation_start_date") else "accepted" if v.get("accepted_date") else "registered"
        if end and "state" not in v:
            raise ValidationError("state", "化解情况", "state_missing", "填有调解结束日期，但没有化解情况，无法判断调解成功还是不成")
        state = self._state(v, inferred)
        if state in ("registered", "accepted") and (end or (state == "registered" and v.get("mediation_start_date"))):
            raise ValidationError("state", "化解情况", "state_conflict",
                                  f"化解情况为“{STATE_LABELS['dispute'][state]}”，但填有调解日期")
        steps: list[tuple[str, dict[str, Any], bool]] = []
        if state != "registered":
            acc = v.get("accepted_date")
            steps.append(("accept", {"accepted_date": acc or rec.found_date}, acc is None))
            acc = acc or rec.found_date
        if state in ("mediating", "succeeded", "failed"):
            start = v.get("mediation_start_date")
            steps.append(("start_mediation", {"mediation_start_date": start or acc, "route": v.get("route")}, start is None))
        if state == "succeeded":
            steps.append(("succeed", {"mediation_end_date": end, "agreement_form": v.get("agreement_form"),
                                      "resolution_level": v.get("resolution_level")}, False))
        elif state == "failed":
            steps.append(("fail", {"mediation_end_date": end, "failure_reason": v.get("failure_reason")}, False))
        events: list[Step] = [("register", rec.found_date, "登记（台账导入）", None)]
        events += self._steps(rec, steps)
        self.check_record(self.kind, rec)
        wf.refresh_dispute_deadline(rec, self.policy)
        return Prepared(sheet, row, rec, parties, events, rec.found_date.year, self)

    def _parties(self, names: list[str], ids: list[str | None], phones: list[str], role: str,
                 prefix: str) -> list[dict[str, Any]]:
        label = "当事人" if role == "applicant" else "被申请人"
        if len(ids) > len(names):
            raise ValidationError(f"{prefix}_ids", f"{label}身份证号", "count", f"身份证号有{len(ids)}个，但{label}姓名只有{len(names)}个")
        if len(phones) > len(names):
            raise ValidationError(f"{prefix}_phones", f"{label}电话", "count", f"电话有{len(phones)}个，但{label}姓名只有{len(names)}个")
        out = []
        n_ids, n_phones = len(ids), len(phones)
        for i, name in enumerate(names):
            raw = {"name": name, "role": role}
            if i < n_ids and ids[i]:
                raw["id_number"] = ids[i]
            if i < n_phones and phones[i]:
                raw["phone"] = phones[i]
            values = self._coerce(PARTY_FIELDS, raw)
            out.append({k: x for k, x in values.items() if x is not None})
        return out

    def _petition(self, v: dict[str, Any], sheet: str, row: int) -> Prepared:
        names = v.get("names", [])
        ids = v.get("id_number", [])
        phones = v.get("phone", [])
        if len(ids) > 1:
            raise ValidationError("id_number", "身份证号", "count", "一件信访只登记信访人（第一人）的身份证号")
        if len(phones) > 1:
            raise ValidationError("phone", "联系电话", "count", "一件信访只登记信访人（第一人）的电话")
        headcount = v.get("headcount")
        data = {"received_date": v.get("received_date"), "form": v.get("form"), "route": v.get("route"),
                "petitioner_name": names[0] if names else None, "id_number": ids[0] if ids else None,
                "phone": phones[0] if phones else None, "address": v.get("address"), "village_id": v.get("village_id"),
                "headcount": headcount, "representatives": "、".join(names) if len(names) > 1 else None,
                "is_skip_level": v.get("is_skip_level"), "category": v.get("category"), "subject": v.get("subject"),
                "request": v.get("request"),
                "facts": "；".join(x for x in (v.get("facts"), v.get("remark")) if x) or None}
        values = self._coerce(PETITION_FIELDS, data)  # None = absent
        if values.get("headcount") is None and len(names) > 1:
            values["headcount"] = len(names)
        rec = self._new(self.base, values)
        if "is_repeat" in v:
            rec.is_repeat = self._coerce(_REPEAT_SPECS,
                                         {"is_repeat": v["is_repeat"]})["is_repeat"]
        rec.accept_deadline = self.policy.add(rec.received_date, dl.ACCEPT_DAYS)
        reply = v.get("reply_date")
        decided = v.get("decision_date")
        # 交办 columns (交办单位 / 交办日期 / 交办时限): the petition was assigned to a department.
        assigned = bool(v.get("assigned_department_id") or v.get("assigned_date"))
        state = self._state(v, "replied" if reply else "assigned" if assigned else "accepted" if decided else "registered")
        if state in ("registered", "accepted", "assigned", "not_accepted") and reply:
            raise ValidationError("state", "办理情况", "state_conflict",
                                  f"办理情况为“{STATE_LABELS['petition'][state]}”，但填有答复（办结）日期")
        if state in ("registered", "not_accepted") and assigned:
            raise ValidationError("state", "办理情况", "state_conflict",
                                  f"办理情况为“{STATE_LABELS['petition'][state]}”，但填有交办单位或交办日期")
        steps: list[tuple[str, dict[str, Any], bool]] = []
        if state != "registered":
            decision = "reject" if state == "not_accepted" else "accept"
            steps.append(("accept", {"decision_date": decided or rec.received_date, "decision": decision,
                                     "decision_reason": v.get("decision_reason")}, decided is None))
        if assigned or state == "assigned":  # 交办 as the form records it: unit, date, the unit's deadline
            when = v.get("assigned_date")
            steps.append(("assign", {"assigned_date": when or decided or rec.received_date,
                                     "assigned_department_id": v.get("assigned_department_id"),
                                     "assign_deadline": v.get("assign_deadline")}, when is None))
        if state == "replied":
            steps.append(("reply", {"reply_date": reply, "reply_result": v.get("reply_result"),
                                    "resolution_level": v.get("resolution_level")}, False))
        events: list[Step] = [("register", rec.received_date, "登记（台账导入）", None)]
        events += self._steps(rec, steps)
        self.check_record(self.kind, rec)
        wf.refresh_petition_deadline(rec)
        return Prepared(sheet, row, rec, [], events, rec.received_date.year, self)

    def _package(self, v: dict[str, Any], sheet: str, row: int) -> Prepared:
        """A 包案台账 row: the package, then 申请销号 and 销号 replayed with their dates."""
        plan = "；".join(x for x in (v.get("plan"), f"工作进展：{v['progress']}" if v.get("progress") else None,
                                     v.get("remark")) if x) or None
        data = {k: v.get(k) for k in ("title", "leader_id", "unit_department_id", "staff", "start_date", "target_date",
                                      "know_situation", "counsel", "solve_problem", "stabilise", "stop_petitioning",
                                      "supervised", "is_backlog")}
        data["plan"] = plan
        values = self._coerce(P_SPECS, data)  # None = absent
        rec = self._new(self.base, values)
        self.check_record(self.kind, rec)  # 化解时限 not before 包案日期
        requested, closed = v.get("close_request_date"), v.get("closed_date")
        inferred = "closed" if closed else "close_requested" if requested else "in_progress"
        state = self._state(v, inferred)
        if state == "in_progress" and (requested or closed):
            raise ValidationError("state", "化解情况", "state_conflict",
                                  "化解情况为“包案中”，但填有" + ("销号日期" if closed else "申请销号日期"))
        if state == "close_requested" and closed:
            raise ValidationError("state", "化解情况", "state_conflict", "化解情况为“申请销号”，但填有销号日期")
        if state == "closed" and not closed:
            raise ValidationError("closed_date", "销号日期", "required", "化解情况为“已销号”，须填写销号日期")
        if state == "close_requested" and not requested:
            raise ValidationError("close_request_date", "申请销号日期", "required", "化解情况为“申请销号”，须填写申请销号日期")
        steps: list[tuple[str, dict[str, Any], bool]] = []
        if state in ("close_requested", "closed"):
            steps.append(("request_close", {"close_request_date": requested or closed}, requested is None))
        if state == "closed":
            steps.append(("approve_close", {"closed_date": closed, "reviewer": v.get("reviewer"),
                                            "review_opinion": v.get("review_opinion")}, False))
        events: list[Step] = [("register", rec.start_date, "登记（台账导入）", None)]
        events += self._steps(rec, steps)
        wf.refresh_package_deadline(rec)
        return Prepared(sheet, row, rec, self._links(v.get("links", [])), events, rec.start_date.year, self)

    def _links(self, serials: list[str]) -> list[dict[str, Any]]:
        """关联案件: each number names a petition (XF-…) or dispute (JF-…) already in the store, as the
        form's 关联案件 does; a number found nowhere refuses the row."""
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for serial in serials:
            kinds = ("petition",) if serial.upper().startswith("XF") else ("dispute",) if serial.upper().startswith(
                "JF") else ("petition", "dispute")
            for kind in kinds:
                rid = self.resolve(kind, serial)
                if rid is not None:
                    break
            if rid is None:
                raise ValidationError("links", "关联案件编号", "ref",
                                      f"找不到信访件或矛盾纠纷“{serial}”（填系统中的编号，如 XF-2025-000012）")
            if rid not in seen:  # the same case named twice links once
                seen.add(rid)
                out.append({"record_kind": kind, "record_id": rid})
        return out

    def _activity(self, v: dict[str, Any], sheet: str, row: int) -> Prepared:
        """A 志愿服务台账 row: the activity and one participant row per volunteer named (each must be a
        registered volunteer), each with the row's hours."""
        content = "；".join(x for x in (v.get("content"), v.get("remark")) if x) or None
        data = {k: v.get(k) for k in ("activity_date", "team_id", "type", "place", "village_id", "hazards_found",
                                      "disputes_resolved", "people_served")}
        data["content"] = content
        values = self._coerce(A_SPECS, data)  # None = absent
        rec = self._new(self.base, values)  # an empty count keeps the model's 0
        names = v.get("participants", [])
        if len(set(names)) < len(names):
            raise ValidationError("participants", "参与志愿者", "duplicate", "同一志愿者在一次活动中只能登记一次")
        participants = []
        errors: list[ValidationError] = []
        for name in names:
            try:
                p = self._coerce(PARTICIPANT_FIELDS, {"volunteer_id": name, "hours": v.get("hours")})
            except ValidationError as e:
                errors.append(e)
                continue
            participants.append({k: x for k, x in p.items() if x is not None})
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise ValidationErrors(errors)
        if v.get("hours") and not names:
            raise ValidationError("participants", "参与志愿者", "required", "填有服务时长，但没有参与志愿者姓名")
        return Prepared(sheet, row, rec, participants, [], rec.activity_date.year, self)
