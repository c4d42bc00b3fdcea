"""What a ledger column can mean, per record kind, and the Chinese headers clerks write for it.

`type` says how the cell is read: text, date, id (ID numbers, several allowed for parties),
phone, int, float, bool, code (a code table; free text mapped to codes), ref (a village…),
state (free-text 化解情况/办理结果 mapped to a workflow state), names (several names), skip.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class LedgerField:
    name: str
    label: str
    type: str = "text"
    synonyms: tuple[str, ...] = ()
    code_table: str | None = None
    ref: str | None = None


def L(name: str, label: str, type: str = "text", synonyms: str = "", **kw: str) -> LedgerField:
    return LedgerField(name, label, type, tuple(s for s in synonyms.split() if s), **kw)


SEQ = L("seq", "序号（不导入）", "skip", "序号 编号 顺序号 No 案件编号")

DISPUTE_FIELDS = [
    SEQ,
    L("title", "纠纷名称", "text", "纠纷名称 纠纷事项 矛盾纠纷名称 事项名称 案由 纠纷事由 事由"),
    L("found_date", "发现日期", "date", "发现日期 排查日期 登记日期 发现时间 排查时间 登记时间 日期 时间"),
    L("source", "纠纷来源", "code", "纠纷来源 来源 线索来源 来源渠道", code_table="dispute_source"),
    L("type", "纠纷类型", "code", "纠纷类型 类型 纠纷类别 类别 矛盾类型 矛盾纠纷类型", code_table="dispute_type"),
    L("description", "纠纷简要情况", "text", "纠纷简要情况 简要情况 基本情况 主要内容 纠纷内容 矛盾纠纷简要情况 情况简介"),
    L("party_names", "当事人（申请人）姓名", "names", "当事人姓名 当事人 姓名 申请人 申请人姓名 当事人申请人姓名 当事人申请人"),
    L("party_ids", "当事人身份证号", "id", "当事人身份证号 身份证号 身份证号码 申请人身份证号 公民身份号码 证件号码"),
    L("party_phones", "当事人电话", "phone", "当事人电话 联系电话 电话 申请人电话 联系方式 手机号码 当事人联系电话"),
    L("respondent_names", "被申请人姓名", "names", "被申请人 被申请人姓名 对方当事人 对方当事人姓名 被申请人当事人"),
    L("respondent_ids", "被申请人身份证号", "id", "被申请人身份证号 对方身份证号 对方当事人身份证号"),
    L("respondent_phones", "被申请人电话", "phone", "被申请人电话 对方电话 对方联系电话 对方当事人电话"),
    L("village_id", "所属村(社区)", "ref", "所属村(社区) 所属村社区 村居 村别 村(社区) 村社区 所在村 村名 所属村 发生地", ref="village"),
    L("people_count", "涉及人数", "int", "涉及人数 人数 涉及人员数"),
    L("amount", "涉及金额(元)", "float", "涉及金额(元) 涉及金额 金额 涉案金额 标的额"),
    L("risk_level", "风险等级", "code", "风险等级 风险 等级 稳定风险等级", code_table="risk_level"),
    L("homicide_risk", "易引发命案", "bool", "易引发命案 是否易引发命案 命案风险"),
    L("accepted_date", "受理日期", "date", "受理日期 受理时间"),
    L("mediation_start_date", "调解开始日期", "date", "调解开始日期 调解日期 开始调解日期 调解时间"),
    L("route", "调解途径", "code", "调解途径 调解方式 调解类型", code_table="mediation_route"),
    L("state", "化解情况", "state", "化解情况 办理结果 调处结果 调解结果 化解结果 处理结果 是否化解 办理情况 调处情况 状态"),
    L("mediation_end_date", "调解结束日期（化解日期）", "date", "调解结束日期 化解日期 化解时间 办结日期 办结时间 调解成功日期 调结日期 结案日期"),
    L("agreement_form", "协议形式", "code", "协议形式 调解协议形式 协议类型", code_table="agreement_form"),
    L("resolution_level", "化解层级", "code", "化解层级 化解层面 化解级别 调处层级", code_table="resolution_level"),
    L("failure_reason", "调解不成原因", "text", "调解不成原因 未化解原因 不成原因"),
    L("remark", "备注（并入简要情况）", "text", "备注 说明"),
]

PETITION_FIELDS = [
    SEQ,
    L("received_date", "收件日期", "date", "收件日期 来访日期 来信来访日期 信访日期 登记日期 接访日期 受理登记日期 来访时间 信访时间 日期 时间"),
    L("form", "信访形式", "code", "信访形式 信访方式 来访形式 形式 方式", code_table="petition_form"),
    L("route", "来源渠道", "code", "来源渠道 来源 渠道 交办来源", code_table="petition_route"),
    L("names", "信访人姓名", "names", "信访人姓名 信访人 姓名 来访人 来访人姓名 反映人 当事人 当事人姓名"),
    L("id_number", "身份证号", "id", "身份证号 身份证号码 公民身份号码 证件号码 信访人身份证号"),
    L("phone", "联系电话", "phone", "联系电话 电话 联系方式 手机号码 信访人电话"),
    L("address", "住址", "text", "住址 家庭住址 地址 户籍地址 现住址"),
    L("village_id", "所属村(社区)", "ref", "所属村(社区) 所属村社区 村居 村别 村(社区) 村社区 所在村 村名 所属村", ref="village"),
    L("headcount", "来访人数", "int", "来访人数 人数 信访人数"),
    L("category", "信访类别", "code", "信访类别 类别 信访类型 诉求类别", code_table="petition_category"),
    L("subject", "事项分类", "code", "事项分类 问题类别 问题分类 内容分类 事项类别 问题类型", code_table="petition_subject"),
    L("request", "信访请求", "text", "信访请求 反映问题 主要诉求 诉求 信访事项 反映内容 来信来访内容 主要内容 诉求内容 事由 反映问题及诉求"),
    L("facts", "事实", "text", "事实 事实经过 基本情况"),
    L("is_repeat", "重复访", "bool", "重复访 是否重复访"),
    L("is_skip_level", "越级访", "bool", "越级访 是否越级访"),
    L("decision_date", "受理日期", "date", "受理日期 受理时间 受理告知日期"),
    L("assigned_department_id", "交办单位", "ref", "交办单位 承办单位 责任单位 办理单位 转办单位 交办部门 承办部门",
      ref="department"),
    L("assigned_date", "交办日期", "date", "交办日期 交办时间 转办日期 转办时间"),
    L("assign_deadline", "交办办结时限", "date", "交办办结时限 交办时限 办理时限 要求办结时间 要求办结日期"),
    L("state", "办理情况", "state", "办理情况 办理结果 办理状态 状态 办结情况 是否办结 化解情况"),
    L("reply_date", "答复日期（办结日期）", "date", "答复日期 办结日期 办结时间 答复时间 出具意见书日期"),
    L("reply_result", "处理意见", "code", "处理意见 答复意见 处理结果 答复结果", code_table="reply_result"),
    L("decision_reason", "不予受理理由", "text", "不予受理理由 不受理理由"),
    L("resolution_level", "化解层级", "code", "化解层级 化解层面 化解级别", code_table="resolution_level"),
    L("remark", "备注（并入事实）", "text", "备注 说明"),
]

PACKAGE_FIELDS = [
    SEQ,
    L("title", "包案事项", "text", "包案事项 包案案件 案件名称 事项名称 信访事项 包案内容 包案问题 案由 问题 事项"),
    L("leader_id", "包案领导", "ref", "包案领导 包案领导姓名 领导姓名 包案县领导 包案镇领导 县级包案领导 乡镇包案领导 领导", ref="leader"),
    L("unit_department_id", "责任单位", "ref", "责任单位 牵头单位 承办单位 责任部门 包案单位", ref="department"),
    L("staff", "责任人", "text", "责任人 具体责任人 经办人 工作人员 包案责任人"),
    L("start_date", "包案日期", "date", "包案日期 包案时间 开始日期 开始时间 登记日期 日期"),
    L("target_date", "化解时限", "date", "化解时限 化解期限 办结时限 完成时限 时限 化解时间节点"),
    L("plan", "工作方案", "text", "工作方案 化解措施 工作措施 包案措施 化解方案 措施"),
    L("links", "关联案件编号", "names", "关联案件编号 关联案件 关联信访件编号 关联纠纷编号 关联编号 关联信访件 关联纠纷"),
    L("progress", "工作进展（并入工作方案）", "text", "工作进展 进展情况 化解进展 推进情况 进展"),
    L("know_situation", "包掌握情况", "bool", "包掌握情况 掌握情况"),
    L("counsel", "包思想疏导", "bool", "包思想疏导 思想疏导"),
    L("solve_problem", "包解决问题", "bool", "包解决问题 解决问题"),
    L("stabilise", "包稳控", "bool", "包稳控 稳控"),
    L("stop_petitioning", "包息诉罢访", "bool", "包息诉罢访 息诉罢访"),
    L("supervised", "挂牌督办", "bool", "挂牌督办 是否挂牌督办 督办"),
    L("is_backlog", "积案", "bool", "积案 是否积案 信访积案"),
    L("state", "化解情况", "state", "化解情况 销号情况 是否销号 办理情况 办理结果 状态 包案状态 化解结果"),
    L("close_request_date", "申请销号日期", "date", "申请销号日期 申请销号时间 申请日期"),
    L("closed_date", "销号日期", "date", "销号日期 销号时间 化解日期 办结日期 化解时间 办结时间"),
    L("reviewer", "销号审核人", "text", "销号审核人 审核人 审核领导 销号审批人"),
    L("review_opinion", "审核意见", "text", "审核意见 销号意见 审核情况"),
    L("remark", "备注（并入工作方案）", "text", "备注 说明"),
]

ACTIVITY_FIELDS = [
    SEQ,
    L("activity_date", "活动日期", "date", "活动日期 活动时间 服务日期 服务时间 开展日期 日期 时间"),
    L("team_id", "志愿服务队", "ref", "志愿服务队 服务队 队伍名称 志愿队伍 所属队伍 志愿服务队名称 队伍 组织单位", ref="team"),
    L("type", "活动类型", "code", "活动类型 服务类型 活动类别 服务类别 类型 类别", code_table="activity_type"),
    L("place", "活动地点", "text", "活动地点 服务地点 地点"),
    L("content", "活动内容", "text", "活动内容 服务内容 活动主题 主要内容 内容 活动情况"),
    L("village_id", "所属村(社区)", "ref", "所属村(社区) 所属村社区 村居 村别 村(社区) 村社区 所在村 村名 所属村", ref="village"),
    L("participants", "参与志愿者", "names", "参与志愿者 参加志愿者 志愿者 志愿者姓名 参与人员 参加人员 参与人员姓名"),
    L("hours", "每人服务时长(小时)", "text", "每人服务时长(小时) 每人服务时长 服务时长(小时) 服务时长 志愿服务时长 时长(小时) 时长"),
    L("hazards_found", "发现隐患数", "int", "发现隐患数 发现隐患 隐患数 排查隐患数 发现隐患(处)"),
    L("disputes_resolved", "化解纠纷数", "int", "化解纠纷数 化解纠纷 调解纠纷数 化解矛盾纠纷数"),
    L("people_served", "服务群众人次", "int", "服务群众人次 服务人次 服务群众 受益群众 受益人次"),
    L("remark", "备注（并入活动内容）", "text", "备注 说明"),
]

LEDGER_FIELDS: dict[str, list[LedgerField]] = {"dispute": DISPUTE_FIELDS, "petition": PETITION_FIELDS,
                                               "package": PACKAGE_FIELDS, "activity": ACTIVITY_FIELDS}
LEDGER_KINDS = {"dispute": "矛盾纠纷排查化解台账", "petition": "信访台账", "package": "包案台账",
                "activity": "志愿服务台账"}

# Workflow states a free-text 化解情况/办理情况 may mean, and the texts clerks write for them.
STATES: dict[str, dict[str, tuple[str, ...]]] = {
    "dispute": {
        "succeeded": ("已化解", "化解", "调解成功", "成功", "已调解", "化解成功", "已办结", "办结", "已结案", "结案", "调处成功", "已调处"),
        "failed": ("调解不成", "未化解", "调解失败", "不成功", "化解不成", "失败", "调解不成功", "调处不成"),
        "mediating": ("调解中", "正在调解", "化解中", "在办", "办理中", "正在化解", "未结", "稳控中", "正在办理"),
        "accepted": ("已受理", "受理", "待调解"),
        "registered": ("已登记", "登记", "排查", "待受理", "新排查"),
    },
    "petition": {
        "replied": ("已办结", "办结", "已答复", "答复", "已化解", "化解", "已出具意见", "结案", "已结案"),
        "accepted": ("办理中", "在办", "已受理", "受理", "正在办理", "未办结"),
        "assigned": ("已交办", "交办", "已转办", "转办", "交办办理中"),
        "not_accepted": ("不予受理", "不受理", "不再受理"),
        "registered": ("待受理", "已登记", "登记"),
    },
    "package": {
        "closed": ("已销号", "销号", "已化解", "化解", "已办结", "办结", "已结案", "结案", "化解销号"),
        "close_requested": ("申请销号", "已申请销号", "待销号", "待审核", "销号审核中"),
        "in_progress": ("包案中", "在办", "办理中", "化解中", "正在化解", "未化解", "未销号", "稳控中", "推进中"),
    },
    "activity": {},
}
STATE_LABELS = {
    "dispute": {"registered": "排查登记", "accepted": "已受理", "mediating": "调解中", "succeeded": "调解成功", "failed": "调解不成"},
    "petition": {"registered": "已登记待受理", "accepted": "已受理", "assigned": "已交办", "not_accepted": "不予受理",
                 "replied": "已答复"},
    "package": {"in_progress": "包案中", "close_requested": "申请销号", "closed": "已销号"},
    "activity": {},
}

# Free texts for code-table values that the tables' own labels do not cover.
CODE_SYNONYMS: dict[str, dict[str, str]] = {
    "dispute_type": {"婚姻": "marriage_family", "家庭": "marriage_family", "婚姻家庭纠纷": "marriage_family",
                     "邻里纠纷": "neighbour", "邻里关系": "neighbour", "宅基地": "house_homestead", "房屋": "house_homestead",
                     "土地": "land_contract", "土地纠纷": "land_contract", "山林": "forest_water", "水利": "forest_water",
                     "劳资": "labour", "劳资纠纷": "labour", "劳动争议": "labour", "欠薪": "labour", "医患": "medical",
                     "医疗纠纷": "medical", "物业纠纷": "property_mgmt", "拆迁": "land_demolition", "征地": "land_demolition",
                     "合同纠纷": "contract", "债务": "contract", "借贷": "contract", "赔偿": "damages", "交通事故": "traffic",
                     "交通": "traffic", "污染": "pollution", "环保": "pollution"},
    "dispute_source": {"排查": "grid_screening", "网格排查": "grid_screening", "网格员": "grid_screening",
                       "来访": "mass_visit", "群众来访": "mass_visit", "群众申请": "mass_visit", "申请": "mass_visit",
                       "信访": "petition_transfer", "110": "police_110", "警情移交": "police_110", "部门": "department_transfer",
                       "法院": "court_delegated", "主动": "proactive"},
    "risk_level": {"一般": "low", "较大": "medium", "重大": "high", "低风险": "low", "中风险": "medium", "高风险": "high"},
    "resolution_level": {"村": "village", "村级化解": "village", "村居": "village", "乡镇": "township", "镇": "township",
                         "镇级": "township", "街道": "township", "县": "county", "县级": "county"},
    "mediation_route": {"人民调解委员会": "people", "行政": "administrative", "司法": "judicial"},
    "agreement_form": {"书面": "written", "口头": "oral"},
    "petition_form": {"走访": "visit", "来访件": "visit", "信件": "letter", "书信": "letter", "电话": "call",
                      "网信": "online", "网络": "online", "网上信访": "online", "来信件": "letter"},
    "petition_category": {"建议意见": "suggestion", "检举控告": "complaint", "申诉求决": "claim", "求决": "claim",
                          "申诉": "claim", "建议": "suggestion", "检举": "complaint", "控告": "complaint"},
    "reply_result": {"支持诉求": "support", "解释": "explain", "不支持": "not_support"},
    "activity_type": {"巡防": "patrol", "巡逻": "patrol", "治安巡逻": "patrol", "平安巡逻": "patrol", "调解": "mediation",
                      "纠纷调解": "mediation", "普法": "legal_publicity", "法治宣传教育": "legal_publicity",
                      "宣传": "legal_publicity", "劝导": "civility", "文明劝导服务": "civility", "帮扶": "care",
                      "关爱": "care", "走访慰问": "care", "救援": "emergency", "应急": "emergency"},
    "petition_route": {"直接": "direct", "交办": "assigned_by_superior", "12345": "hotline_12345", "热线": "hotline_12345"},
}


def normalize_header(text: str) -> str:
    """Header text for matching: NFKC (full-width brackets → ASCII), no spaces, no * or ：."""
    t = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s*:：★☆\n\r]+", "", t)


def field_by_name(kind: str) -> dict[str, LedgerField]:
    return {f.name: f for f in LEDGER_FIELDS[kind]}


def synonym_index(kind: str) -> dict[str, str]:
    """Normalized header text → field name (the first field listing a synonym wins)."""
    index: dict[str, str] = {}
    for f in LEDGER_FIELDS[kind]:
        for s in (f.label, *f.synonyms):
            index.setdefault(normalize_header(s), f.name)
    return index
