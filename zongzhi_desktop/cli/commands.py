"""The table of top-level commands: name, the module that defines it, and its one-line help.

`zongzhi --help` and `zongzhi --version` read only this table, so they start without importing
the services, SQLAlchemy or reportlab; running a command imports just the module that defines it.
Each module's `register(subparsers)` adds exactly the commands this table gives it (a test checks),
taking the help text from here.
"""

from __future__ import annotations

from typing import NamedTuple


class Command(NamedTuple):
    module: str
    help: str


_RECORDS = "zongzhi_desktop.cli.records"
_REPORTS = "zongzhi_desktop.cli.reports"
_SYNC = "zongzhi_desktop.cli.sync"
_COUNTY = "zongzhi_desktop.cli.county"
_LEDGER = "zongzhi_desktop.cli.ledger"
_BACKUP = "zongzhi_desktop.cli.backup"
_KEYS = "zongzhi_desktop.cli.keys"

COMMANDS: dict[str, Command] = {
    "init": Command(_RECORDS, "初始化本乡镇数据库：乡镇、县、管理员账号"),
    "demo": Command(_RECORDS, "生成演示乡镇（空数据库）：村社区、网格、部门、两年的信访件、纠纷、包案、志愿活动等"),
    "add": Command(_RECORDS, "新增一条记录（JSON 或 --set）；也用于登记村社区、网格、部门、领导等参考数据"),
    "update": Command(_RECORDS, "修改记录的字段（状态和期限只能通过办理步骤改变）"),
    "void": Command(_RECORDS, "作废记录（需审核权限；记录保留，不删除）"),
    "act": Command(_RECORDS, "办理一个流程步骤（受理、交办、延期、答复、调解、销号…）"),
    "child": Command(_RECORDS, "登记子记录：当事人、回访、关联案件、工作进展、参与志愿者、所属队伍"),
    "list": Command(_RECORDS, "列出记录（可按状态、逾期、到期、日期筛选）"),
    "show": Command(_RECORDS, "记录详情：字段、子记录、办理过程、可办理步骤"),
    "due": Command(_RECORDS, "已逾期和即将到期的事项（各类记录，最紧急的在前）"),
    "attach": Command("zongzhi_desktop.cli.attachments", "附件：为记录添加扫描件、照片、协议书，列出、另存、作废"),
    "audit": Command(_RECORDS, "审计记录"),
    "user": Command(_RECORDS, "用户账号（管理员）：新增、列表、改密码、停用、启用、解锁"),
    "codes": Command(_RECORDS, "字典（代码表）：查看、新增或改名（代码不变，已存记录不受影响）"),
    "setting": Command(_RECORDS, "设置：查看、修改（管理员）"),
    "holiday": Command(_RECORDS, "节假日与调休上班日（期限计算用，管理员维护）"),
    "backup": Command(_BACKUP, "备份数据库（校验后保存；--list 查看已有备份）"),
    "restore": Command(_BACKUP, "从备份恢复数据库（先校验备份，当前数据库另存保留）"),
    "key": Command(_KEYS, "数据库加密：谁能打开、恢复密钥（生成、用它重设密码）"),
    "import-ledger": Command(_LEDGER, "导入 Excel/CSV 台账（信访台账、矛盾纠纷排查化解台账）"),
    "import-batches": Command(_LEDGER, "列出台账导入批次"),
    "undo-import": Command(_LEDGER, "撤销一个台账导入批次：作废其全部记录（需审核权限）"),
    "report": Command(_REPORTS, "周研判、月调度、季推进报表（PDF/XLSX）：生成、保存、签发、重印"),
    "print": Command(_REPORTS, "打印记录的文书：登记表、受理告知书、交办单、处理意见书、调解协议书、包案责任书等"),
    "sync": Command(_SYNC, "与县级同步：信任县级配置、登记密钥、回执、状态"),
    "export": Command(_SYNC, "导出上报批次到U盘或文件夹"),
    "upload": Command(_SYNC, "通过网络上传批次到县级服务器，并导入回执"),
    "county": Command(_COUNTY, "县级：初始化、登记乡镇、导入批次、查看状态、接收服务、全县报表、向市级转报"),
    "city": Command("zongzhi_desktop.cli.city", "市级：初始化、登记县、导入县级批次（核对至乡镇签名）、转报情况、接收服务"),
}


def command_help(name: str) -> str:
    """The one-line help of a top-level command (for the defining module's add_parser call)."""
    return COMMANDS[name].help


def modules() -> list[str]:
    """Every module that defines commands, in table order."""
    return list(dict.fromkeys(c.module for c in COMMANDS.values()))
