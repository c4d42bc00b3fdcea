"""The 重点人员 list: who, which category and risk, whose responsibility, when the next visit is due."""

from __future__ import annotations

from ...services.listing import QT_TRANSLATE_NOOP, ListSpec, _c, _deadline_cols, _ref
from . import domain as d

LIST_SPEC = ListSpec(
    d.NAME, d.MODEL.__tablename__, QT_TRANSLATE_NOOP("listing", "重点人员"),
    (
        _c("serial", QT_TRANSLATE_NOOP("listing", "编号"), sort=True, width=9),
        _c("name", QT_TRANSLATE_NOOP("listing", "姓名"), sort=True, width=5),
        _c("category", QT_TRANSLATE_NOOP("listing", "人员类别"), sort=("t.category", "t.registered_date"), fmt="code",
           code=d.CODE_TABLE, width=8),
        _c("risk_level", QT_TRANSLATE_NOOP("listing", "风险"), fmt="code", code="risk_level", width=3),
        _c("status", QT_TRANSLATE_NOOP("listing", "状态"), sort=("t.status", "t.registered_date"), fmt="state", width=5),
        *_deadline_cols(),
        _c("last_visit_date", QT_TRANSLATE_NOOP("listing", "最近走访"), fmt="date", width=7),
        _c("village", QT_TRANSLATE_NOOP("listing", "村(社区)"), _ref("village", "village_id"), width=8),
        _c("grid_worker", QT_TRANSLATE_NOOP("listing", "责任网格员"), _ref("grid_worker", "grid_worker_id"), width=5),
        _c("leader", QT_TRANSLATE_NOOP("listing", "包保领导"), _ref("leader", "leader_id"), width=5),
        _c("id_number", QT_TRANSLATE_NOOP("listing", "身份证号"), fmt="id_number", width=11),
        _c("phone", QT_TRANSLATE_NOOP("listing", "联系电话"), fmt="phone", width=8),
        _c("registered_date", QT_TRANSLATE_NOOP("listing", "列管日期"), sort=True, fmt="date", width=7),
    ),
    "registered_date", date_field="registered_date", date_label=QT_TRANSLATE_NOOP("listing", "列管日期"),
    resolved_field="released_date", workflow=d.WORKFLOW, type_col="category", type_table=d.CODE_TABLE,
    has_risk=True, homicide_filter=False, like_columns=("name", "id_number", "phone", "address", "measures"),
)
