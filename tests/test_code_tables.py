"""Code tables (字典): stable codes, renameable labels, retired codes kept for old records only."""

from __future__ import annotations

import json
import sqlite3

import pytest
from test_workflows_petition import refused

from zongzhi_desktop.domain.codes import CodeTables
from zongzhi_desktop.domain.errors import NotFound, ValidationError
from zongzhi_desktop.resources import resource_path
from zongzhi_desktop.services import Services

DISPUTE = {"title": "邻里纠纷", "found_date": "2026-05-01", "source": "网格员排查", "type": "邻里"}


def stored(svc: Services, sql: str, *params: object) -> list[tuple]:
    con = sqlite3.connect(svc.store.path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_shipped_tables_copied_at_init(admin: Services) -> None:
    shipped = json.loads(resource_path("codes", "codes.json").read_text(encoding="utf-8"))
    expected = {(t, c, lbl) for t, spec in shipped.items() if not t.startswith("_") for c, lbl in spec["items"]}
    assert set(stored(admin, "SELECT table_name, code, label FROM code_item")) == expected
    for t, spec in shipped.items():
        if not t.startswith("_"):
            assert [c for c, _l in spec["items"]] == list(admin.codes[t].items)  # shipped order kept
    # The tables are all there.
    for name in ("petition_form", "petition_category", "dispute_type", "dispute_source", "risk_level",
                 "mediation_route", "team_type", "activity_type", "department_kind"):
        assert name in admin.codes


def test_code_or_label_accepted(clerk: Services) -> None:
    a = clerk.create("dispute", DISPUTE).record
    b = clerk.create("dispute", {**DISPUTE, "type": "neighbour", "source": "grid_screening"}).record
    assert a.type == b.type == "neighbour" and a.source == b.source == "grid_screening"


def test_rename_changes_label_not_stored_code(admin: Services, clerk: Services) -> None:
    rec = clerk.create("dispute", DISPUTE).record
    admin.set_code("dispute_type", "neighbour", "邻里关系纠纷")
    clerk.invalidate_caches()
    assert stored(clerk, "SELECT type FROM dispute WHERE id = ?", rec.id) == [("neighbour",)]
    assert clerk.describe("dispute", clerk.get("dispute", rec.id))["_labels"]["type"] == "邻里关系纠纷"
    # The new label and the code are both accepted for new input; the old label no longer is.
    assert clerk.create("dispute", {**DISPUTE, "type": "邻里关系纠纷"}).record.type == "neighbour"
    with pytest.raises(ValidationError, match="不在字典"):
        clerk.create("dispute", DISPUTE)
    # The rename is audited with before and after.
    entry = json.loads(stored(admin, "SELECT before, after FROM audit_log WHERE action = 'set_code'")[0][1])
    assert entry["label"] == "邻里关系纠纷" and entry["code"] == "neighbour"


def test_new_code_usable_at_once(admin: Services, clerk: Services) -> None:
    admin.set_code("dispute_type", "fishing", "渔业纠纷")
    clerk.invalidate_caches()
    assert clerk.create("dispute", {**DISPUTE, "type": "渔业纠纷"}).record.type == "fishing"
    assert list(clerk.codes["dispute_type"].items)[-1] == "fishing"


def test_deactivated_code_refused_for_new_input_but_old_records_stay_valid(admin: Services, clerk: Services) -> None:
    old = clerk.create("dispute", {**DISPUTE, "risk_level": "高"}).record
    admin.set_code("risk_level", "high", "高", active=False)
    admin.set_code("risk_level", "major", "重大")
    clerk.invalidate_caches()

    err = refused(clerk, ValidationError, lambda: clerk.create("dispute", {**DISPUTE, "risk_level": "high"}), "已停用")
    assert err.field == "risk_level" and "风险等级" in err.message and "重大" in err.message
    refused(clerk, ValidationError, lambda: clerk.create("dispute", {**DISPUTE, "risk_level": "高"}), "已停用")
    fresh = clerk.create("dispute", DISPUTE).record
    refused(clerk, ValidationError, lambda: clerk.update("dispute", fresh.id, {"risk_level": "high"}), "已停用")
    # A record holding the retired code can move away from it (but not back, see below).
    clerk.update("dispute", old.id, {"risk_level": "major"})
    refused(clerk, ValidationError, lambda: clerk.update("dispute", old.id, {"risk_level": "high"}), "已停用")

    # An old record still shows its label and can be edited, even re-sending the retired code.
    other = clerk.create("dispute", {**DISPUTE, "title": "老纠纷"}).record
    con = sqlite3.connect(clerk.store.path)
    con.execute("UPDATE dispute SET risk_level = 'high' WHERE id = ?", (other.id,))  # as stored long ago
    con.commit()
    con.close()
    assert clerk.describe("dispute", clerk.get("dispute", other.id))["_labels"]["risk_level"] == "高"
    edited = clerk.update("dispute", other.id, {"risk_level": "high", "title": "老纠纷（更正）"})
    assert edited.risk_level == "high" and edited.title == "老纠纷（更正）"
    assert ("high", "高") not in clerk.codes["risk_level"].active_items()

    # Reactivating makes it selectable again.
    admin.set_code("risk_level", "high", "高", active=True)
    clerk.invalidate_caches()
    assert clerk.create("dispute", {**DISPUTE, "risk_level": "高"}).record.risk_level == "high"


def test_label_shared_with_retired_code_resolves_to_current() -> None:
    from zongzhi_desktop.domain.codes import CodeTable

    t = CodeTable("x", "测试", {"old": "其他", "other": "其他"}, {"old"})
    assert t.resolve("其他") == "other" and t.resolve("old") == "old"
    assert t.is_active("other") and not t.is_active("old") and not t.is_active("missing")


def test_bad_code_edits_refused(admin: Services) -> None:
    refused(admin, NotFound, lambda: admin.set_code("no_such_table", "x", "某"), "没有字典")
    refused(admin, ValidationError, lambda: admin.set_code("dispute_type", "Bad Code", "某"), "字典代码")
    refused(admin, ValidationError, lambda: admin.set_code("dispute_type", "ok_code", "  "), "字典名称")


def test_from_rows_merges_over_defaults() -> None:
    defaults = CodeTables.from_json(resource_path("codes", "codes.json"))
    merged = CodeTables.from_rows(defaults, [("gender", "female", "女性", 0, True), ("gender", "male", "男", 1, False),
                                             ("gender", "other", "其他", 2, True)])
    assert list(merged["gender"].items.items()) == [("female", "女性"), ("male", "男"), ("other", "其他")]
    assert merged["gender"].inactive == {"male"}
    assert defaults["gender"].items == {"male": "男", "female": "女"}  # the defaults are not mutated
    assert merged["gender"].label_of("unknown") == "unknown" and merged["gender"].label_of(None) == ""
