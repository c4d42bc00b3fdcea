"""Workflow state machines for petitions, disputes, case-packages and dispatch items.

Each action names the states it may start from, the permission it needs, the fields the step
asks for, and a pure function that applies it to the record (no session, no I/O). Deadlines are
recomputed by the kind's refresher (REFRESHERS) after every step so "what is due" is one indexed
column; every open status has a next deadline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from . import deadlines as dl
from .errors import TransitionError, ValidationError
from .fields import F, FieldSpec
from .roles import Perm

Apply = Callable[[Any, dict[str, Any], dl.DeadlinePolicy], date]


@dataclass(frozen=True)
class Action:
    """A workflow step. `apply` mutates the record and returns the event date."""

    name: str
    label: str
    sources: frozenset[str]
    fields: list[FieldSpec]
    apply: Apply
    perm: Perm = Perm.ENTER
    repeatable: bool = True  # False: refused if this step already happened
    # True when a once-only step is already recorded on the record: not offered again
    done: Callable[[Any], bool] | None = None


@dataclass
class Workflow:
    kind: str
    states: dict[str, str]  # state -> Chinese label
    open_states: frozenset[str]
    actions: dict[str, Action] = field(default_factory=dict)

    def add(self, action: Action) -> None:
        self.actions[action.name] = action

    def allowed(self, state: str) -> list[Action]:
        """Actions whose source states include `state` (role not considered)."""
        return [a for a in self.actions.values() if state in a.sources]

    def get(self, name: str) -> Action:
        try:
            return self.actions[name]
        except KeyError:
            names = "、".join(f"{a.name}({a.label})" for a in self.actions.values())
            raise TransitionError(f"没有名为“{name}”的办理步骤，可用：{names}") from None


def _not_before(field_name: str, label: str, value: date, earlier: date | None, earlier_label: str) -> None:
    if earlier is not None and value < earlier:
        raise ValidationError(field_name, label, "date_order", f"不能早于{earlier_label}（{earlier.isoformat()}）")


# ---------------------------------------------------------------------------------------------
# Petitions (信访工作条例 2022)

PETITION = Workflow(
    "petition",
    states={
        "registered": "已登记待受理",
        "accepted": "已受理",
        "assigned": "已交办",
        "not_accepted": "不予受理",
        "replied": "已答复",
        "reviewing": "复查中",
        "reviewed": "已复查",
        "rechecking": "复核中",
        "closed": "已终结",
    },
    open_states=frozenset({"registered", "accepted", "assigned", "reviewing", "rechecking"}),
)


def _accept(p: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["decision_date"]
    _not_before("decision_date", "受理决定日期", d, p.received_date, "收件日期")
    p.decision = v["decision"]
    p.decision_date = d
    p.decision_reason = v.get("decision_reason")
    if p.decision == "accept":
        p.status = "accepted"
        p.conclude_deadline = policy.add(d, dl.CONCLUDE_DAYS)
    else:
        if not p.decision_reason:
            raise ValidationError("decision_reason", "不予受理理由", "required", "不予受理或不再受理须写明理由")
        p.status = "not_accepted"
    return d


PETITION.add(Action(
    "accept", "受理告知", frozenset({"registered"}),
    [
        F("decision_date", "受理决定日期", "date", required=True),
        F("decision", "受理决定", "code", required=True, code_table="acceptance_decision"),
        F("decision_reason", "理由", "longtext"),
    ],
    _accept,
))


def _assign(p: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["assigned_date"]
    _not_before("assigned_date", "交办日期", d, p.decision_date, "受理日期")
    p.assigned_department_id = v["assigned_department_id"]
    p.assigned_date = d
    p.assign_deadline = v.get("assign_deadline") or p.conclude_deadline
    if p.assign_deadline and p.conclude_deadline and p.assign_deadline > p.conclude_deadline:
        raise ValidationError("assign_deadline", "交办办结时限", "deadline", f"不能晚于法定办结期限{p.conclude_deadline.isoformat()}")
    p.status = "assigned"
    return d


PETITION.add(Action(
    "assign", "交办", frozenset({"accepted", "assigned"}),
    [
        F("assigned_date", "交办日期", "date", required=True),
        F("assigned_department_id", "承办单位", "ref", required=True, ref="department"),
        F("assign_deadline", "交办办结时限", "date", allow_future=True),
    ],
    _assign,
))


def _extend(p: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    if p.extension_days:
        raise TransitionError("办理期限只能延长一次（信访工作条例第三十四条）")
    days = v["extension_days"]
    if not 1 <= days <= dl.MAX_EXTENSION_DAYS:
        raise ValidationError("extension_days", "延长天数", "range", f"应为1至{dl.MAX_EXTENSION_DAYS}天")
    d = v["extension_date"]
    _not_before("extension_date", "延期批准日期", d, p.decision_date, "受理日期")
    p.extension_days = days
    p.extension_reason = v["extension_reason"]
    p.extension_approver = v["extension_approver"]
    p.conclude_deadline = policy.add(p.decision_date, dl.CONCLUDE_DAYS + days)
    return d


PETITION.add(Action(
    "extend", "延期", frozenset({"accepted", "assigned"}),
    [
        F("extension_date", "延期批准日期", "date", required=True),
        F("extension_days", "延长天数", "int", required=True, minimum=1),
        F("extension_reason", "延期理由", "longtext", required=True),
        F("extension_approver", "批准人", required=True),
    ],
    _extend,
    done=lambda p: bool(p.extension_days),
))


def _reply(p: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["reply_date"]
    _not_before("reply_date", "答复日期", d, p.decision_date, "受理日期")
    p.reply_date = d
    p.reply_result = v["reply_result"]
    p.reply_summary = v.get("reply_summary")
    p.resolution_level = v.get("resolution_level") or p.resolution_level
    p.review_request_deadline = policy.add(d, dl.REVIEW_REQUEST_DAYS)
    p.status = "replied"
    return d


PETITION.add(Action(
    "reply", "答复(出具处理意见书)", frozenset({"accepted", "assigned"}),
    [
        F("reply_date", "答复日期", "date", required=True),
        F("reply_result", "处理意见", "code", required=True, code_table="reply_result"),
        F("reply_summary", "处理意见摘要", "longtext"),
        F("resolution_level", "化解层级", "code", code_table="resolution_level"),
    ],
    _reply,
))


def _request_review(p: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["review_request_date"]
    _not_before("review_request_date", "复查申请日期", d, p.reply_date, "答复日期")
    if p.review_request_deadline and d > p.review_request_deadline:
        raise ValidationError("review_request_date", "复查申请日期", "window",
                              f"已超过申请复查期限（{p.review_request_deadline.isoformat()}），不予复查")
    p.review_request_date = d
    p.review_deadline = policy.add(d, dl.REVIEW_ANSWER_DAYS)
    p.status = "reviewing"
    return d


PETITION.add(Action(
    "request_review", "申请复查", frozenset({"replied"}),
    [F("review_request_date", "复查申请日期", "date", required=True)],
    _request_review,
))


def _review_reply(p: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["review_reply_date"]
    _not_before("review_reply_date", "复查答复日期", d, p.review_request_date, "复查申请日期")
    p.review_reply_date = d
    p.review_result = v["review_result"]
    p.recheck_request_deadline = policy.add(d, dl.RECHECK_REQUEST_DAYS)
    p.status = "reviewed"
    return d


PETITION.add(Action(
    "review_reply", "复查答复", frozenset({"reviewing"}),
    [
        F("review_reply_date", "复查答复日期", "date", required=True),
        F("review_result", "复查意见", "code", required=True, code_table="reply_result"),
    ],
    _review_reply,
))


def _request_recheck(p: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["recheck_request_date"]
    _not_before("recheck_request_date", "复核申请日期", d, p.review_reply_date, "复查答复日期")
    if p.recheck_request_deadline and d > p.recheck_request_deadline:
        raise ValidationError("recheck_request_date", "复核申请日期", "window",
                              f"已超过申请复核期限（{p.recheck_request_deadline.isoformat()}），不予复核")
    p.recheck_request_date = d
    p.recheck_deadline = policy.add(d, dl.RECHECK_ANSWER_DAYS)
    p.status = "rechecking"
    return d


PETITION.add(Action(
    "request_recheck", "申请复核", frozenset({"reviewed"}),
    [F("recheck_request_date", "复核申请日期", "date", required=True)],
    _request_recheck,
))


def _recheck_reply(p: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["recheck_reply_date"]
    _not_before("recheck_reply_date", "复核答复日期", d, p.recheck_request_date, "复核申请日期")
    p.recheck_reply_date = d
    p.recheck_result = v["recheck_result"]
    p.status = "closed"  # Art. 36: after 复核 the same matter is not accepted again (终结)
    return d


PETITION.add(Action(
    "recheck_reply", "复核答复(终结)", frozenset({"rechecking"}),
    [
        F("recheck_reply_date", "复核答复日期", "date", required=True),
        F("recheck_result", "复核意见", "code", required=True, code_table="reply_result"),
    ],
    _recheck_reply,
))


def _rate(p: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    if p.rating:
        raise TransitionError("该信访件已评价，不能重复评价")
    d = v["rating_date"]
    _not_before("rating_date", "评价日期", d, p.reply_date, "答复日期")
    p.rating = v["rating"]
    p.rating_date = d
    return d


PETITION.add(Action(
    "rate", "满意度评价", frozenset({"replied", "reviewing", "reviewed", "rechecking", "closed"}),
    [
        F("rating_date", "评价日期", "date", required=True),
        F("rating", "满意度", "code", required=True, code_table="satisfaction"),
    ],
    _rate,
    done=lambda p: bool(p.rating),
))


def refresh_petition_deadline(p: Any, policy: dl.DeadlinePolicy | None = None) -> None:
    """The office's next statutory deadline for this petition, by state."""
    p.is_group = (p.headcount or 1) >= 5
    mapping = {
        "registered": (p.accept_deadline, "受理告知"),
        "accepted": (p.conclude_deadline, "办结"),
        "assigned": (p.conclude_deadline, "办结"),
        "reviewing": (p.review_deadline, "复查答复"),
        "rechecking": (p.recheck_deadline, "复核答复"),
    }
    p.next_deadline, p.next_deadline_kind = mapping.get(p.status, (None, None))


# ---------------------------------------------------------------------------------------------
# Disputes (人民调解法 2010)

DISPUTE = Workflow(
    "dispute",
    states={
        "registered": "排查登记",
        "accepted": "已受理",
        "mediating": "调解中",
        "succeeded": "调解成功",
        "failed": "调解不成",
        "transferred": "已移交",
        "litigated": "转诉讼",
        "terminated": "已终止",
    },
    open_states=frozenset({"registered", "accepted", "mediating", "failed"}),
)


def _d_accept(r: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["accepted_date"]
    _not_before("accepted_date", "受理日期", d, r.found_date, "发现日期")
    r.accepted_date = d
    r.status = "accepted"
    return d


DISPUTE.add(Action(
    "accept", "受理", frozenset({"registered"}),
    [F("accepted_date", "受理日期", "date", required=True)],
    _d_accept,
))


def _d_start(r: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["mediation_start_date"]
    _not_before("mediation_start_date", "调解开始日期", d, r.accepted_date, "受理日期")
    r.mediation_start_date = d
    r.route = v["route"]
    r.committee_id = v.get("committee_id")
    r.mediator_id = v.get("mediator_id")
    r.mediation_warn_date = policy.add(d, dl.MEDIATION_WARN_DAYS)
    r.status = "mediating"
    return d


DISPUTE.add(Action(
    "start_mediation", "开始调解", frozenset({"accepted"}),
    [
        F("mediation_start_date", "调解开始日期", "date", required=True),
        F("route", "调解途径", "code", required=True, code_table="mediation_route"),
        F("committee_id", "调委会", "ref", ref="committee"),
        F("mediator_id", "调解员", "ref", ref="mediator"),
    ],
    _d_start,
))


def _d_succeed(r: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["mediation_end_date"]
    _not_before("mediation_end_date", "调解结束日期", d, r.mediation_start_date, "调解开始日期")
    r.mediation_end_date = d
    r.resolved_date = d
    r.outcome = "success"
    r.agreement_form = v["agreement_form"]
    if r.agreement_form == "written" and not v.get("agreement_terms"):
        raise ValidationError("agreement_terms", "协议内容", "required", "书面调解协议须载明协议内容（人民调解法第二十九条）")
    r.agreement_date = v.get("agreement_date") or d
    _not_before("agreement_date", "协议生效日期", r.agreement_date, r.mediation_start_date, "调解开始日期")
    r.agreement_terms = v.get("agreement_terms")
    r.performance_manner = v.get("performance_manner")
    r.performance_deadline = v.get("performance_deadline")
    r.resolution_level = v["resolution_level"]
    r.judicial_confirm_deadline = policy.add(r.agreement_date, dl.JUDICIAL_CONFIRM_DAYS)
    r.status = "succeeded"
    return d


DISPUTE.add(Action(
    "succeed", "调解成功", frozenset({"mediating"}),
    [
        F("mediation_end_date", "调解结束日期", "date", required=True),
        F("agreement_form", "协议形式", "code", required=True, code_table="agreement_form"),
        F("agreement_date", "协议生效日期", "date"),
        F("agreement_terms", "协议内容", "longtext"),
        F("performance_manner", "履行方式", "longtext"),
        F("performance_deadline", "履行期限", "date", allow_future=True),
        F("resolution_level", "化解层级", "code", required=True, code_table="resolution_level"),
    ],
    _d_succeed,
))


def _d_fail(r: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["mediation_end_date"]
    _not_before("mediation_end_date", "调解结束日期", d, r.mediation_start_date, "调解开始日期")
    r.mediation_end_date = d
    r.outcome = "failed"
    r.failure_reason = v.get("failure_reason")
    r.status = "failed"
    return d


DISPUTE.add(Action(
    "fail", "调解不成", frozenset({"mediating"}),
    [
        F("mediation_end_date", "调解结束日期", "date", required=True),
        F("failure_reason", "调解不成原因", "longtext"),
    ],
    _d_fail,
))


def _d_after_failure(r: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["outcome_date"]
    _not_before("outcome_date", "处理日期", d, r.mediation_end_date, "调解结束日期")
    r.failure_outcome = v["failure_outcome"]
    r.status = {"transfer": "transferred", "litigation": "litigated", "terminate": "terminated"}[r.failure_outcome]
    return d


DISPUTE.add(Action(
    "after_failure", "调解不成后处理(移交/诉讼/终止)", frozenset({"failed"}),
    [
        F("outcome_date", "处理日期", "date", required=True),
        F("failure_outcome", "去向", "code", required=True, code_table="failure_outcome"),
    ],
    _d_after_failure,
))


def _d_performance(r: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["performance_date"]
    _not_before("performance_date", "登记日期", d, r.mediation_end_date, "调解结束日期")
    r.performance_status = v["performance_status"]
    if r.performance_status == "performed" and r.confirmed_date is None:
        r.confirmed_date = d
    return d


DISPUTE.add(Action(
    "record_performance", "登记履行情况", frozenset({"succeeded"}),
    [
        F("performance_date", "登记日期", "date", required=True),
        F("performance_status", "履行情况", "code", required=True, code_table="performance_status"),
    ],
    _d_performance,
))


def _d_judicial(r: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    if r.judicial_confirm_date:
        raise TransitionError("已登记司法确认")
    d = v["judicial_confirm_date"]
    _not_before("judicial_confirm_date", "司法确认申请日期", d, r.agreement_date, "协议生效日期")
    if r.judicial_confirm_deadline and d > r.judicial_confirm_deadline:
        raise ValidationError("judicial_confirm_date", "司法确认申请日期", "window",
                              f"应在协议生效后30日内共同申请（截止{r.judicial_confirm_deadline.isoformat()}，人民调解法第三十三条）")
    r.judicial_confirm_date = d
    r.confirmed_date = r.confirmed_date or d
    return d


DISPUTE.add(Action(
    "judicial_confirm", "申请司法确认", frozenset({"succeeded"}),
    [F("judicial_confirm_date", "司法确认申请日期", "date", required=True)],
    _d_judicial,
    done=lambda r: r.judicial_confirm_date is not None,
))


def _d_confirm(r: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["confirmed_date"]
    _not_before("confirmed_date", "确认日期", d, r.resolved_date, "化解日期")
    r.confirmed_date = d
    return d


DISPUTE.add(Action(
    "confirm", "确认化解结果", frozenset({"succeeded"}),
    [F("confirmed_date", "确认日期", "date", required=True)],
    _d_confirm,
    repeatable=False,
))


def _d_feedback(r: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["feedback_date"]
    _not_before("feedback_date", "反馈日期", d, r.found_date, "发现日期")
    r.feedback_date = d
    return d


DISPUTE.add(Action(
    "feedback", "反馈当事人", frozenset(DISPUTE.states) - {"registered"},
    [F("feedback_date", "反馈日期", "date", required=True)],
    _d_feedback,
))

# 回访 is a child row (DisputeVisit) added through the service; listed here so every layer
# offers it from the same state set.
VISIT_FIELDS = [
    F("visit_date", "回访日期", "date", required=True),
    F("performance_status", "履行情况", "code", code_table="performance_status"),
    F("satisfaction", "满意度", "code", code_table="satisfaction"),
    F("note", "回访情况", "longtext"),
    F("visitor", "回访人"),
]
DISPUTE_VISIT_STATES = frozenset({"succeeded"})


DISPUTE_DEADLINE_KINDS = {
    "registered": "受理期限",
    "accepted": "调解开始期限",
    "mediating": "调解期限",
    "failed": "调解不成处理期限",
}


def refresh_dispute_deadline(r: Any, policy: dl.DeadlinePolicy | None = None) -> None:
    """Every open stage has a next deadline: 排查登记 → 受理 within the accept window (default 7 days
    from the found date), 已受理 → 调解开始 within the start window (30 days from acceptance), 调解中 →
    the 30-day mediation warning, 调解不成 → 移交/诉讼/终止 within the after-failure window (15 days
    from the end of mediation). The windows are settings carried by the policy."""
    policy = policy or dl.DeadlinePolicy()
    start: date | None
    if r.status == "registered":
        start, days = r.found_date, getattr(policy, "dispute_accept_days", dl.DISPUTE_ACCEPT_DAYS)
    elif r.status == "accepted":
        start, days = r.accepted_date, getattr(policy, "dispute_start_days", dl.DISPUTE_START_DAYS)
    elif r.status == "failed":
        start, days = r.mediation_end_date, getattr(policy, "dispute_after_failure_days", dl.DISPUTE_AFTER_FAILURE_DAYS)
    elif r.status == "mediating":
        r.next_deadline, r.next_deadline_kind = r.mediation_warn_date, DISPUTE_DEADLINE_KINDS["mediating"]
        return
    else:
        r.next_deadline, r.next_deadline_kind = None, None
        return
    if isinstance(start, str):
        start = date.fromisoformat(start)
    if start is None:
        r.next_deadline, r.next_deadline_kind = None, None
        return
    r.next_deadline, r.next_deadline_kind = policy.add(start, days), DISPUTE_DEADLINE_KINDS[r.status]


# ---------------------------------------------------------------------------------------------
# Leader case-packages (领导包案)

PACKAGE = Workflow(
    "package",
    states={"in_progress": "包案中", "close_requested": "申请销号", "closed": "已销号"},
    open_states=frozenset({"in_progress", "close_requested"}),
)


def _p_request(r: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["close_request_date"]
    _not_before("close_request_date", "申请销号日期", d, r.start_date, "包案日期")
    r.close_request_date = d
    r.status = "close_requested"
    return d


PACKAGE.add(Action(
    "request_close", "申请销号", frozenset({"in_progress"}),
    [F("close_request_date", "申请销号日期", "date", required=True)],
    _p_request,
))


def _p_approve(r: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["closed_date"]
    _not_before("closed_date", "销号日期", d, r.close_request_date, "申请销号日期")
    r.closed_date = d
    r.reviewer = v["reviewer"]
    r.review_opinion = v.get("review_opinion")
    r.status = "closed"
    return d


PACKAGE.add(Action(
    "approve_close", "销号", frozenset({"close_requested"}),
    [
        F("closed_date", "销号日期", "date", required=True),
        F("reviewer", "审核人", required=True),
        F("review_opinion", "审核意见", "longtext"),
    ],
    _p_approve,
    perm=Perm.REVIEW,
))


def _p_return(r: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["return_date"]
    _not_before("return_date", "退回日期", d, r.close_request_date, "申请销号日期")
    r.reviewer = v["reviewer"]
    r.review_opinion = v["review_opinion"]
    r.close_request_date = None
    r.status = "in_progress"
    return d


PACKAGE.add(Action(
    "return", "退回", frozenset({"close_requested"}),
    [
        F("return_date", "退回日期", "date", required=True),
        F("reviewer", "审核人", required=True),
        F("review_opinion", "退回意见", "longtext", required=True),
    ],
    _p_return,
    perm=Perm.REVIEW,
))


def _p_extend(r: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    new_target = v["target_date"]
    _not_before("extension_date", "延期日期", v["extension_date"], r.start_date, "包案日期")
    if new_target <= r.target_date:
        raise ValidationError("target_date", "新的化解时限", "date_order", f"应晚于原时限（{r.target_date.isoformat()}）")
    # Kept in the event's data: the target in force before this date is rebuilt from it.
    v["previous_target_date"] = r.target_date
    r.target_date = new_target
    r.extension_reason = v["extension_reason"]
    return v["extension_date"]


PACKAGE.add(Action(
    "extend", "延期", frozenset({"in_progress"}),
    [
        F("extension_date", "延期日期", "date", required=True),
        F("target_date", "新的化解时限", "date", required=True, allow_future=True),
        F("extension_reason", "延期理由", "longtext", required=True),
    ],
    _p_extend,
))

PROGRESS_FIELDS = [
    F("entry_date", "日期", "date", required=True),
    F("content", "工作进展", "longtext", required=True),
    F("by_whom", "办理人", required=True),
]
PACKAGE_PROGRESS_STATES = frozenset({"in_progress", "close_requested"})


def refresh_package_deadline(r: Any, policy: dl.DeadlinePolicy | None = None) -> None:
    if r.status in PACKAGE.open_states:
        r.next_deadline, r.next_deadline_kind = r.target_date, "化解时限"
    else:
        r.next_deadline, r.next_deadline_kind = None, None


# ---------------------------------------------------------------------------------------------
# Dispatch items (调度事项)

DISPATCH = Workflow(
    "dispatch",
    states={"open": "推进中", "done": "已完成"},
    open_states=frozenset({"open"}),
)


def _x_complete(r: Any, v: dict[str, Any], policy: dl.DeadlinePolicy) -> date:
    d = v["done_date"]
    _not_before("done_date", "完成日期", d, r.raised_date, "提出日期")
    r.done_date = d
    r.result = v.get("result")
    r.status = "done"
    return d


DISPATCH.add(Action(
    "complete", "完成", frozenset({"open"}),
    [F("done_date", "完成日期", "date", required=True), F("result", "完成情况", "longtext")],
    _x_complete,
))


def refresh_dispatch_deadline(r: Any, policy: dl.DeadlinePolicy | None = None) -> None:
    if r.status == "open":
        r.next_deadline, r.next_deadline_kind = r.deadline, "完成时限"
    else:
        r.next_deadline, r.next_deadline_kind = None, None


WORKFLOWS: dict[str, Workflow] = {w.kind: w for w in (PETITION, DISPUTE, PACKAGE, DISPATCH)}
# kind → refresher(record, policy): sets next_deadline / next_deadline_kind from the status.
REFRESHERS: dict[str, Callable[..., None]] = {
    "petition": refresh_petition_deadline,
    "dispute": refresh_dispute_deadline,
    "package": refresh_package_deadline,
    "dispatch": refresh_dispatch_deadline,
}


def _add_registered_kinds() -> None:
    """The workflows and refreshers of the kinds added through the registry (zongzhi_desktop/kinds)."""
    from ..kinds import parts

    for part in parts("domain"):
        WORKFLOWS[part.NAME] = part.WORKFLOW
        REFRESHERS[part.NAME] = part.refresh


_add_registered_kinds()


def days_left(deadline: date | None, today: date) -> int | None:
    """Days from today to a deadline (negative when overdue)."""
    if deadline is None:
        return None
    return (deadline - today) // timedelta(days=1)
