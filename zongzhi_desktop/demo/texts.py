"""Word lists and sentence templates for demo records (plausible township casework, all invented)."""

from __future__ import annotations

# Village / community names: the demo picks 12-20 of these.
COMMUNITIES = ("城南社区", "星火社区", "文昌社区", "新街社区", "湖滨社区")
VILLAGES = (
    "下杨村", "溪口村", "沙田湖村", "马报桥村", "童村", "大塘村", "浦山村", "地圩村", "舍后村", "龙山村",
    "樟树潭村", "寺下村", "叶家村", "后田铺村", "金山村", "社阳村", "石角村", "塔石村", "泉塘村", "凤凰村",
)

# (name, department_kind code) — the township's own units; village committees are added per village.
DEPARTMENTS = (
    ("派出所", "police"), ("司法所", "justice"), ("自然资源所", "natural_resources"), ("民政办", "civil_affairs"),
    ("人社所", "hrss"), ("信访办", "petition_office"), ("综治中心", "other"), ("农业农村办", "other"),
    ("城建办", "other"), ("市场监管所", "other"), ("应急管理办", "other"), ("卫生院", "other"),
    ("中心学校", "other"), ("生态环境分局", "other"),
)

COUNTY_LEADER_POSTS = ("县委常委、政法委书记", "副县长、公安局局长", "县人大常委会副主任")
TOWNSHIP_LEADER_POSTS = (
    "党委书记", "镇长", "党委副书记", "党委委员、政法委员", "副镇长", "副镇长", "人大主席", "纪委书记",
    "党委委员、武装部长",
)

# Township-wide volunteer teams (name suffix, team_type); every village also gets a patrol team
# and one more from VILLAGE_TEAMS.
TOWNSHIP_TEAMS = (("大妈", "civility"), ("老兵", "patrol"), ("应急救援队", "emergency"), ("法治宣传队", "legal_publicity"))
VILLAGE_TEAMS = (("红袖标", "patrol"), ("老娘舅调解队", "mediation"), ("文明劝导队", "civility"), ("帮扶关爱队", "care"))

SKILLS = ("驾驶", "医疗急救", "法律咨询", "心理疏导", "调解", "摄影", "书法", "电工", "水性好", "方言翻译", "厨艺", "维修")
PLACES = ("村委会", "文化礼堂", "村口", "集贸市场", "学校周边", "主干道", "河道沿线", "老年活动中心", "新农村小区", "工业园区")

# Petition requests by subject code.
PETITION_REQUESTS = {
    "land_demolition": ("要求落实{village}{year}年征地补偿款{amount}元", "反映{village}拆迁安置房分配不公，要求重新核定",
                        "要求解决{village}被征土地青苗补偿问题"),
    "labour_social": ("反映{company}拖欠工资{amount}元，要求帮助追讨", "要求补缴{year}年以来的养老保险",
                      "反映工伤认定后赔偿未落实"),
    "urban_rural_construction": ("反映{village}道路硬化工程质量差，要求返工", "反映邻居违章建房影响采光通行",
                                 "要求解决{village}安置小区供水不稳定问题"),
    "agriculture": ("反映{village}土地流转租金{year}年起未兑现", "要求核实耕地地力保护补贴发放情况",
                    "反映{village}灌溉水渠年久失修"),
    "law_litigation": ("对法院判决执行进度不满，要求督促执行", "反映派出所对{village}斗殴案件处理不公"),
    "environment": ("反映{company}夜间噪声扰民", "反映{village}养殖场污水直排河道", "反映{company}废气异味严重"),
    "civil_affairs": ("申请低保，反映家庭困难", "要求核实残疾人补贴未发放问题", "反映{village}低保评定不公开"),
    "education": ("反映子女入学安排不合理", "要求解决{village}校车接送问题"),
    "health": ("反映卫生院诊疗收费不合理", "要求解决慢性病报销手续繁琐问题"),
    "other": ("反映{village}路灯损坏长期未修", "咨询宅基地审批政策", "反映{village}村务公开不及时"),
}
PETITION_FACTS = (
    "信访人称多次向村里反映未果。", "已提供相关票据复印件。", "涉及{count}户村民。", "信访人情绪较为激动。",
    "村两委已初步了解情况。", "",
)
COMPANIES = ("华丰建材厂", "鑫达纺织公司", "永兴竹木制品厂", "金旺养殖场", "宏远物流公司", "绿源食品厂", "博华机械厂")

# Dispute titles by type code: "{a}与{b}" is prefixed.
DISPUTE_SUBJECTS = {
    "marriage_family": ("婚姻家庭纠纷", "赡养纠纷", "离婚财产分割纠纷", "家庭财产继承纠纷"),
    "neighbour": ("邻里纠纷", "排水纠纷", "通行纠纷", "噪声纠纷"),
    "house_homestead": ("宅基地纠纷", "建房界址纠纷", "房屋买卖纠纷"),
    "land_contract": ("土地承包纠纷", "土地流转纠纷", "山地界址纠纷"),
    "forest_water": ("山林权属纠纷", "灌溉用水纠纷"),
    "labour": ("劳资纠纷", "工资拖欠纠纷", "工伤赔偿纠纷"),
    "medical": ("医疗纠纷",),
    "property_mgmt": ("物业费纠纷", "物业服务纠纷"),
    "land_demolition": ("征迁补偿纠纷",),
    "contract": ("借款合同纠纷", "买卖合同纠纷", "工程款纠纷"),
    "damages": ("人身损害赔偿纠纷", "财产损害赔偿纠纷", "牲畜伤人赔偿纠纷"),
    "traffic": ("交通事故赔偿纠纷",),
    "pollution": ("环境污染纠纷",),
    "other": ("其他纠纷",),
}
DISPUTE_DESCRIPTIONS = (
    "双方因{subject}发生争执，{source}。", "双方积怨较深，{source}，需尽快介入。", "{source}，双方均同意调解。",
)
AGREEMENT_TERMS = (
    "一、{b}于{deadline}前一次性支付{a}人民币{amount}元；二、双方就此事再无其他纠葛。",
    "一、双方确认界址以村委会现场测量为准；二、{b}于{deadline}前拆除越界部分；三、费用各自承担。",
    "一、{b}向{a}赔礼道歉；二、{b}分期支付{amount}元，于{deadline}前付清。",
)
FAILURE_REASONS = ("双方分歧较大，一方拒绝调解", "当事人要求通过诉讼解决", "赔偿金额差距过大")

PACKAGE_TITLES = (
    "{village}{subject}问题化解", "{village}{n}户群众集体访问题包案化解", "{subject}积案化解攻坚",
    "{village}重点信访人稳控化解",
)
PACKAGE_PLANS = (
    "一是摸清底数，逐户走访；二是召集相关部门会商，明确政策口径；三是落实专人稳控，做好思想疏导。",
    "成立工作专班，包案领导每月至少接访一次，责任单位每周报送进展。",
)
PROGRESS_CONTENT = (
    "包案领导带队入户走访，听取诉求", "召开部门协调会，研究化解方案", "与当事人面谈，做思想疏导工作",
    "落实政策，兑现部分补偿款", "组织村两委和老娘舅参与调处", "当事人表示息诉罢访，签订承诺书",
)

DISPATCH_TITLES = (
    "{village}征迁遗留问题推进缓慢", "{village}安置房分配方案未定", "{company}欠薪问题处置", "{village}河道整治资金缺口",
    "{village}道路改造涉及土地调整", "矛盾纠纷排查台账更新滞后", "{village}网格员配备不足",
    "{company}环保整改进度滞后",
)
DISPATCH_DESCRIPTIONS = ("涉及多个部门职责交叉，需镇里统筹协调。", "群众反映强烈，需限期解决。", "资金和政策均有缺口。")

ACTIVITY_CONTENT = {
    "patrol": ("开展夜间治安巡逻", "开展重点时段平安巡防", "节日期间开展安全巡查"),
    "mediation": ("参与化解邻里矛盾", "入户走访排查矛盾纠纷", "协助调解家庭纠纷"),
    "legal_publicity": ("开展反诈宣传进村入户", "开展民法典宣传", "开展禁毒知识宣传"),
    "civility": ("开展文明出行劝导", "开展垃圾分类劝导", "开展移风易俗宣传"),
    "care": ("走访慰问独居老人", "帮扶困难家庭", "开展留守儿童关爱活动"),
    "emergency": ("开展防汛应急演练", "开展消防安全检查", "参与山林防火巡查"),
}
