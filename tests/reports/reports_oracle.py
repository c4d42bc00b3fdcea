"""An independent recomputation of every figure from the raw table rows (sqlite3 + plain Python).

Nothing here imports the report code: periods, open states, figure rules and the status of a
record on a date A (walked from its workflow events) are written out again from domain.md, so a
mistake in zongzhi_desktop/reports/ or in the status history shows up as a disagreement.
"""

from __future__ import annotations

import calendar
import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

OPEN = {
    "petition": {"registered", "accepted", "assigned", "reviewing", "rechecking"},
    "dispute": {"registered", "accepted", "mediating", "failed"},
    "package": {"in_progress", "close_requested"},
    "dispatch": {"open"},
}
REG = {"petition": "received_date", "dispute": "found_date", "package": "start_date", "dispatch": "raised_date",
       "activity": "activity_date"}
TABLE = {"petition": "petition", "dispute": "dispute", "package": "case_package", "dispatch": "dispatch_item",
         "activity": "activity"}


def period_range(code: str) -> tuple[str, str]:
    """(first, last) ISO dates of 2026-W47 / 2026-11 / 2026-Q4, computed without the app's code."""
    year = int(code[:4])
    rest = code[5:]
    if rest.startswith("W"):
        monday = date.fromisocalendar(year, int(rest[1:]), 1)
        return monday.isoformat(), (monday + timedelta(days=6)).isoformat()
    if rest.startswith("Q"):
        q = int(rest[1:])
        first_month, last_month = 3 * q - 2, 3 * q
        return (date(year, first_month, 1).isoformat(),
                date(year, last_month, calendar.monthrange(year, last_month)[1]).isoformat())
    month = int(rest)
    return date(year, month, 1).isoformat(), date(year, month, calendar.monthrange(year, month)[1]).isoformat()


def previous(code: str) -> str:
    start, _ = period_range(code)
    d = date.fromisoformat(start) - timedelta(days=1)
    if "W" in code:
        y, w, _ = d.isocalendar()
        return f"{y}-W{w:02d}"
    if "Q" in code:
        return f"{d.year}-Q{(d.month - 1) // 3 + 1}"
    return f"{d.year}-{d.month:02d}"


def last_year(code: str) -> str:
    y = int(code[:4]) - 1
    if "W" in code:
        weeks = date(y, 12, 28).isocalendar()[1]
        return f"{y}-W{min(int(code[6:]), weeks):02d}"
    return f"{y}{code[4:]}"


def _plus(day: str, n: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=n)).isoformat()


def state_on(kind: str, r: dict[str, Any], events: list[dict[str, Any]], a: str) -> tuple[str, str | None]:
    """(status, deadline in force) of record `r` on date `a`, written out again from domain.md:
    start from the registration state and walk the record's events dated on or before `a`.
    Calendar days (the stores under test use the default deadline rule)."""
    steps = [e for e in events if e["event_date"] <= a]
    steps.sort(key=lambda e: (e["event_date"], e["created_at"]))
    data = [json.loads(e["data"]) if e["data"] else {} for e in steps]
    if kind == "petition":
        status, deadline, conclude = "registered", _plus(r["received_date"], 15), None
        for e, d in zip(steps, data, strict=True):
            act = e["action"]
            if act == "accept":
                status = "accepted" if d["decision"] == "accept" else "not_accepted"
                conclude = _plus(d["decision_date"], 60)
            elif act == "assign":
                status = "assigned"
            elif act == "extend":
                conclude = _plus(r["decision_date"], 60 + int(d["extension_days"]))
            elif act == "reply":
                status = "replied"
            elif act == "request_review":
                status, deadline = "reviewing", _plus(d["review_request_date"], 30)
            elif act == "review_reply":
                status = "reviewed"
            elif act == "request_recheck":
                status, deadline = "rechecking", _plus(d["recheck_request_date"], 30)
            elif act == "recheck_reply":
                status = "closed"
        if status in ("accepted", "assigned"):
            deadline = conclude
        return status, deadline if status in OPEN[kind] else None
    if kind == "dispute":
        # Default windows (issue 16): 受理 within 7 days of the found date, 调解开始 within 30 days of
        # acceptance, 调解 warned after 30 days, 调解不成 → 移交/诉讼/终止 within 15 days.
        status, deadline = "registered", _plus(r["found_date"], 7)
        for e, d in zip(steps, data, strict=True):
            act = e["action"]
            if act == "accept":
                status, deadline = "accepted", _plus(d["accepted_date"], 30)
            elif act == "start_mediation":
                status, deadline = "mediating", _plus(d["mediation_start_date"], 30)
            elif act == "succeed":
                status, deadline = "succeeded", None
            elif act == "fail":
                status, deadline = "failed", _plus(d["mediation_end_date"], 15)
            elif act == "after_failure":
                status, deadline = "ended", None
        return status, deadline
    if kind == "package":
        extends = [json.loads(e["data"]) for e in sorted(events, key=lambda e: (e["event_date"], e["created_at"]))
                   if e["action"] == "extend"]
        target = extends[0].get("previous_target_date", r["target_date"]) if extends else r["target_date"]
        status = "in_progress"
        for e, d in zip(steps, data, strict=True):
            act = e["action"]
            if act == "extend":
                target = d["target_date"]
            elif act == "request_close":
                status = "close_requested"
            elif act == "return":
                status = "in_progress"
            elif act == "approve_close":
                status = "closed"
        return status, target if status != "closed" else None
    status = "done" if any(e["action"] == "complete" for e in steps) else "open"
    return status, r["deadline"] if status == "open" else None


class Oracle:
    def __init__(self, db: Path, townships: list[str] | None, *, today: date) -> None:
        con = sqlite3.connect(db)
        con.row_factory = sqlite3.Row
        self.today = today.isoformat()
        self.rows: dict[str, list[dict[str, Any]]] = {}
        for kind, table in {**TABLE, "progress": "package_progress", "participant": "activity_participant",
                            "team": "volunteer_team"}.items():
            rows = [dict(r) for r in con.execute(f"SELECT * FROM {table}")]
            self.rows[kind] = [r for r in rows if not r["voided"]
                               and (townships is None or kind in ("participant", "progress") or r["township_code"] in townships)]
        self.key_persons = KeyPersons(db, townships)
        self.events: dict[str, list[dict[str, Any]]] = {}
        for e in con.execute("SELECT * FROM workflow_event WHERE voided = 0"):
            self.events.setdefault(e["record_id"], []).append(dict(e))
        con.close()

    def as_at(self, e: str) -> str:
        """A: the period's last day once it has ended, else today."""
        return min(e, self.today)

    def stock(self, kind: str, r: dict[str, Any], e: str) -> tuple[bool, str | None, str]:
        """(open on A, deadline in force on A, A) for the period ending `e`."""
        a = self.as_at(e)
        if r[REG[kind]] > a:
            return False, None, a
        status, deadline = state_on(kind, r, self.events.get(r["id"], []), a)
        return status in OPEN[kind], deadline, a

    # -- sets ---------------------------------------------------------------------------------
    def member(self, key: str, kind: str, r: dict[str, Any], s: str, e: str) -> bool:
        def within(col: str) -> bool:
            return r[col] is not None and s <= r[col] <= e

        def is_open() -> bool:
            return kind in OPEN and self.stock(kind, r, e)[0]
        rules = {
            "petition.new": lambda: within("received_date"),
            "petition.new.group": lambda: within("received_date") and r["is_group"] == 1,
            "petition.new.skip_level": lambda: within("received_date") and r["is_skip_level"] == 1,
            "petition.new.repeat": lambda: within("received_date") and r["is_repeat"] == 1,
            "petition.decided": lambda: within("decision_date"),
            "petition.decided.timely": lambda: within("decision_date") and r["decision_date"] <= r["accept_deadline"],
            "petition.concluded": lambda: within("reply_date"),
            "petition.concluded.on_time": lambda: within("reply_date") and r["conclude_deadline"] is not None
            and r["reply_date"] <= r["conclude_deadline"],
            "petition.rated": lambda: within("reply_date") and r["rating"] is not None and r["rating_date"] <= e,
            "petition.rated.satisfied": lambda: within("reply_date") and r["rating"] in ("satisfied", "basically")
            and r["rating_date"] <= e,
            "petition.concluded.village": lambda: within("reply_date") and r["resolution_level"] == "village",
            "petition.assigned": lambda: within("assigned_date"),
            "dispute.new": lambda: within("found_date"),
            "dispute.new.high": lambda: within("found_date") and r["risk_level"] == "high",
            "dispute.new.homicide": lambda: within("found_date") and r["homicide_risk"] == 1,
            "dispute.resolved": lambda: r["outcome"] == "success" and within("mediation_end_date"),
            "dispute.mediation_ended": lambda: r["outcome"] in ("success", "failed") and within("mediation_end_date"),
            "dispute.resolved.village": lambda: r["outcome"] == "success" and within("mediation_end_date")
            and r["resolution_level"] == "village",
            "dispute.open.high": lambda: is_open() and r["risk_level"] == "high",
            "dispute.open.homicide": lambda: is_open() and r["homicide_risk"] == 1,
            "package.new": lambda: within("start_date"),
            "package.closed": lambda: within("closed_date"),
            "package.closed.backlog": lambda: within("closed_date") and r["is_backlog"] == 1,
            # The target in force on A (a later extension does not move a past period's figure).
            "package.due_or_closed": lambda: within("closed_date") or (
                self.stock(kind, r, e)[0] and s <= (self.stock(kind, r, e)[1] or "") <= e),
            "package.progress": lambda: any(x["package_id"] == r["id"] and s <= x["entry_date"] <= e
                                            for x in self.rows["progress"]),
            "dispatch.new": lambda: within("raised_date"),
            "dispatch.done": lambda: within("done_date"),
            "dispatch.done.on_time": lambda: within("done_date") and r["done_date"] <= r["deadline"],
            "dispatch.due_or_done": lambda: within("done_date") or (
                within("deadline") and (r["done_date"] is None or r["done_date"] >= s)),
            "volunteer.activities": lambda: within("activity_date"),
        }
        suffix = key.split(".", 1)[1]
        if suffix == "open":
            return is_open()
        if suffix in ("overdue", "due_soon"):
            is_open_, deadline, a = self.stock(kind, r, e)
            if not is_open_ or deadline is None:
                return False
            return deadline < a if suffix == "overdue" else a <= deadline <= _plus(a, 7)
        return rules[key]()

    def ids(self, key: str, code: str, where: dict[str, Any] | None = None) -> set[str]:
        kind = "activity" if key.startswith("volunteer.") else key.split(".")[0]
        s, e = period_range(code)
        out = set()
        for r in self.rows[kind]:
            if where and any(r[c] != v for c, v in where.items()):
                continue
            if self.member(key, kind, r, s, e):
                out.add(r["id"])
        return out

    # -- rates --------------------------------------------------------------------------------
    RATES: ClassVar[dict[str, tuple[list[str], list[str]]]] = {
        "rate.timely_accept": (["petition.decided.timely"], ["petition.decided"]),
        "rate.on_time_conclude": (["petition.concluded.on_time"], ["petition.concluded"]),
        "rate.satisfaction": (["petition.rated.satisfied"], ["petition.rated"]),
        "rate.rated": (["petition.rated"], ["petition.concluded"]),
        "rate.mediation_success": (["dispute.resolved"], ["dispute.mediation_ended"]),
        "rate.package_resolve": (["package.closed"], ["package.due_or_closed"]),
        "rate.village_share": (["petition.concluded.village", "dispute.resolved.village"],
                               ["petition.concluded", "dispute.resolved"]),
        "rate.dispatch_completion": (["dispatch.done"], ["dispatch.due_or_done"]),
        "rate.dispatch_on_time": (["dispatch.done.on_time"], ["dispatch.done"]),
    }

    def rate_refs(self, key: str, code: str, where: dict[str, dict[str, Any]] | None = None
                  ) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """The records behind a rate: numerator and denominator ids by kind (a union per kind)."""
        num_keys, den_keys = self.RATES[key]

        def refs(keys: list[str]) -> dict[str, set[str]]:
            out: dict[str, set[str]] = {}
            for k in keys:
                kind = k.split(".")[0]
                if where is not None and kind not in where:
                    continue
                out.setdefault(kind, set()).update(self.ids(k, code, (where or {}).get(kind)))
            return out

        return refs(num_keys), refs(den_keys)

    def rate(self, key: str, code: str, where: dict[str, dict[str, Any]] | None = None) -> tuple[int, int, str]:
        num_refs, den_refs = self.rate_refs(key, code, where)
        num, den = sum(map(len, num_refs.values())), sum(map(len, den_refs.values()))
        return num, den, "—" if den == 0 else f"{100.0 * num / den:.1f}%"

    # -- volunteers ---------------------------------------------------------------------------
    def volunteer(self, key: str, code: str, dim: str | None, value: Any) -> float:
        s, e = period_range(code)
        team_village = {t["id"]: t["village_id"] for t in self.rows["team"]}
        acts = []
        for a in self.rows["activity"]:
            if not s <= a["activity_date"] <= e:
                continue
            village = a["village_id"] if a["village_id"] is not None else team_village.get(a["team_id"])
            if dim == "team" and a["team_id"] != value:
                continue
            if dim == "village" and village != value:
                continue
            acts.append(a)
        ids = {a["id"] for a in acts}
        parts = [p for p in self.rows["participant"] if p["activity_id"] in ids]
        return {
            "volunteer.activities": len(acts),
            "volunteer.person_times": len(parts),
            "volunteer.hours": round(sum(p["hours"] for p in parts), 2),
            "volunteer.people_served": sum(a["people_served"] for a in acts),
            "volunteer.hazards": sum(a["hazards_found"] for a in acts),
            "volunteer.disputes": sum(a["disputes_resolved"] for a in acts),
        }[key]


AREA_DIMS = {"village": ("village_id", "village_id"), "unit": ("assigned_department_id", "committee_id"),
             "township": ("township_code", "township_code")}
AREA_SETS = {"new": ("petition.new", "dispute.new"), "done": ("petition.concluded", "dispute.resolved"),
             "open": ("petition.open", "dispute.open"), "overdue": ("petition.overdue", "dispute.overdue")}
SIMPLE_DIMS = {"form": ("petition", "form"), "type": ("dispute", "type"), "subject": ("petition", "subject")}


def _val(text: str) -> Any:
    return None if text == "None" else text


def rate_where(key: str, code: str) -> tuple[str, str, dict[str, dict[str, Any]] | None]:
    """(rate key, period, per-kind restriction) of a rate value key such as rate.x|village=…"""
    base, _, qual = key.partition("|")
    period = {"prev": previous(code), "yoy": last_year(code)}.get(qual, code)
    if qual.startswith("month="):
        period = qual[6:]
    w: dict[str, dict[str, Any]] | None = None
    if qual and qual not in ("total", "prev", "yoy") and not qual.startswith("month="):
        name, value = qual.split("=", 1)
        if name in AREA_DIMS:
            pc, dc = AREA_DIMS[name]
            w = {"petition": {pc: _val(value)}} if base == "rate.on_time_conclude" else {"dispute": {dc: _val(value)}}
        else:
            kind, col = SIMPLE_DIMS[name]
            w = {kind: {col: _val(value)}}
    return base, period, w


def expected_rate_refs(o: Oracle, key: str, code: str) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Numerator and denominator records the oracle expects behind a rate value key."""
    base, period, w = rate_where(key, code)
    return o.rate_refs(base, period, w)


# 重点人员 visit cadence (days in the first year after registration, days after), as docs/figures.md
# and the settings page describe it; a setting `cadence.<code>` ("N" or "N/M") overrides it.
KP_CADENCE = {"mental_disorder": (30, 30), "released_prisoner": (90, 180), "threat_society": (30, 30),
              "extreme_behaviour": (30, 30), "domestic_violence": (30, 60), "petition_key": (30, 60)}
KP_RISK = {"low": 0, "medium": 1, "high": 2}


class KeyPersons:
    """The 重点人员 figures recomputed from the raw rows of key_person, key_person_visit, the
    register's workflow events and the settings (calendar days only)."""

    def __init__(self, db: Path, townships: list[str] | None) -> None:
        con = sqlite3.connect(db)
        con.row_factory = sqlite3.Row
        settings = {r["key"]: r["value"] for r in con.execute("SELECT key, value FROM setting")}
        assert settings.get("deadline_rule", "calendar") == "calendar", "the oracle counts calendar days only"
        self.cadence = dict(KP_CADENCE)
        for k, v in settings.items():
            if k.startswith("cadence."):
                parts = [int(x) for x in v.split("/")]
                self.cadence[k[8:]] = (parts[0], parts[-1])
        self.people = [dict(r) for r in con.execute("SELECT * FROM key_person WHERE voided = 0")
                       if townships is None or r["township_code"] in townships]
        alive = {p["id"] for p in self.people}
        self.visits = [dict(r) for r in con.execute("SELECT * FROM key_person_visit WHERE voided = 0")
                       if r["key_person_id"] in alive]
        self.steps: dict[str, list[tuple[str, str, str]]] = {}
        for e in con.execute("SELECT record_id, event_date, created_at, action FROM workflow_event "
                             "WHERE voided = 0 AND action IN ('release', 'resume') ORDER BY event_date, created_at"):
            self.steps.setdefault(e["record_id"], []).append((e["event_date"], e["created_at"], e["action"]))
        con.close()

    def managed_on(self, p: dict[str, Any], a: str) -> bool:
        if p["registered_date"] > a:
            return False
        state = "managed"
        for day, _at, action in self.steps.get(p["id"], []):
            if day <= a:
                state = "released" if action == "release" else "managed"
        return state == "managed"

    def late_on(self, p: dict[str, Any], a: str) -> bool:
        days = [v["visit_date"] for v in self.visits if v["key_person_id"] == p["id"] and v["visit_date"] <= a]
        start = max(days) if days else p["registered_date"]
        first, later = self.cadence.get(p["category"], (90, 90))
        in_first_year = date.fromisoformat(start) < date.fromisoformat(p["registered_date"]) + timedelta(days=365)
        return _plus(start, first if in_first_year else later) < a

    def count(self, figure: str, s: str, e: str, a: str, dim: tuple[str, Any] | None) -> int:
        col = {"category": "category", "village": "village_id", "township": "township_code"}
        people = {p["id"]: p for p in self.people}

        def keep(p: dict[str, Any]) -> bool:
            if dim is None:
                return True
            want = None if dim[1] == "-" else dim[1]
            return p[col[dim[0]]] == want

        if figure == "managed":
            return sum(1 for p in self.people if keep(p) and self.managed_on(p, a))
        if figure == "overdue":
            return sum(1 for p in self.people if keep(p) and self.managed_on(p, a) and self.late_on(p, a))
        if figure == "new":
            return sum(1 for p in self.people if keep(p) and s <= p["registered_date"] <= e)
        if figure == "released":
            return sum(1 for p in self.people if keep(p) and p["released_date"] and s <= p["released_date"] <= e)
        visits = [v for v in self.visits if s <= v["visit_date"] <= e and keep(people[v["key_person_id"]])]
        if figure == "visits":
            return len(visits)
        assert figure == "risk_up", figure
        return sum(1 for v in visits if v["risk_before"] is not None and v["risk_after"] is not None
                   and KP_RISK[v["risk_after"]] > KP_RISK[v["risk_before"]])


def expected(o: Oracle, key: str, code: str) -> tuple[Any, str | None, dict[str, set[str]] | None]:
    """(value, text, refs) the oracle expects for one report value key of a sheet for `code`."""
    base, _, qual = key.partition("|")
    if base.startswith("keyperson."):
        s, e = period_range(code)
        dim = (qual.split("=", 1)[0], qual.split("=", 1)[1]) if qual else None
        n = o.key_persons.count(base[10:], s, e, o.as_at(e), dim)
        return n, str(n), None
    period = code
    where: dict[str, Any] | None = None
    dim: tuple[str, Any] | None = None
    if qual == "prev":
        period = previous(code)
    elif qual == "yoy":
        period = last_year(code)
    elif qual.startswith("month="):
        period = qual[6:]
    elif qual and qual != "total":
        dim = (qual.split("=", 1)[0], _val(qual.split("=", 1)[1]))
    if base.startswith("area."):
        which = base[5:]
        pset, dset = AREA_SETS[which]
        if dim is None:
            ids = {"petition": o.ids(pset, period), "dispute": o.ids(dset, period)}
        else:
            pc, dc = AREA_DIMS[dim[0]]
            ids = {"petition": o.ids(pset, period, {pc: dim[1]}), "dispute": o.ids(dset, period, {dc: dim[1]})}
        n = len(ids["petition"]) + len(ids["dispute"])
        return n, str(n), ids
    if base.startswith("rate."):
        w: dict[str, dict[str, Any]] | None = None
        if dim is not None:
            if dim[0] in AREA_DIMS:
                pc, dc = AREA_DIMS[dim[0]]
                w = {"petition": {pc: dim[1]}} if base == "rate.on_time_conclude" else {"dispute": {dc: dim[1]}}
            else:
                kind, col = SIMPLE_DIMS[dim[0]]
                w = {kind: {col: dim[1]}}
        num, den, text = o.rate(base, period, w)
        return (None if den == 0 else 100.0 * num / den), text, None
    if (base.startswith("volunteer.") and base != "volunteer.activities") or (
            base == "volunteer.activities" and dim is not None):
        v = o.volunteer(base, period, dim[0] if dim else None, dim[1] if dim else None)
        return v, None, None
    if base == "volunteer.activities":
        v = o.volunteer(base, period, None, None)
        return v, str(int(v)), None
    if dim is not None:
        kind, col = SIMPLE_DIMS[dim[0]]
        where = {col: dim[1]}
    ids_ = o.ids(base, period, where)
    kind = base.split(".")[0]
    return len(ids_), str(len(ids_)), {kind: ids_}
