"""The field, step and code-table reference in docs/cli.md, generated from the code itself.

    .venv/bin/python -m zongzhi_desktop.cli.reference_doc docs/cli.md

rewrites the block between the markers below; tests/test_cli_records.py fails when the block
differs from what the FieldSpecs, workflows and code tables say.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ..domain.fields import FieldSpec
from ..domain.roles import PERM_LABELS, Perm
from ..services.context import default_codes
from ..services.kinds import KINDS, RECORD_KINDS

BEGIN = "<!-- generated:cli-reference (python -m zongzhi_desktop.cli.reference_doc docs/cli.md) -->"
END = "<!-- /generated:cli-reference -->"

TYPE_LABELS = {
    "text": "文本", "longtext": "长文本", "date": "日期 YYYY-MM-DD", "int": "整数", "float": "数字",
    "bool": "是/否（true/false、是/否、1/0）", "code": "字典", "ref": "引用",
}


def _rule(f: FieldSpec) -> str:
    codes = default_codes()
    parts = []
    if f.type == "code" and f.code_table:
        t = codes[f.code_table]
        parts.append(f"`{f.code_table}`：" + "、".join(f"{c}={lbl}" for c, lbl in t.items.items()))
    if f.type == "ref" and f.ref:
        spec = KINDS[f.ref]
        how = "编号或 id" if hasattr(spec.model, "serial") else "名称、代码或 id"
        parts.append(f"{spec.label}（{how}）")
    if f.check == "id_number":
        parts.append("18位公民身份号码，校验位按 GB 11643")
    if f.check == "phone":
        parts.append("11位手机号或带区号的固定电话")
    if f.type == "date":
        parts.append("可晚于今天" if f.allow_future else "不晚于今天")
    if f.minimum is not None:
        parts.append(f"不小于{f.minimum:g}")
    if f.max_length:
        parts.append(f"最长{f.max_length}字")
    return "；".join(parts)


def _fields_table(fields: list[FieldSpec]) -> list[str]:
    out = ["| 字段 | 名称 | 类型 | 必填 | 取值 |", "| --- | --- | --- | --- | --- |"]
    for f in fields:
        out.append(f"| `{f.name}` | {f.label} | {TYPE_LABELS[f.type]} | {'是' if f.required else ''} | {_rule(f)} |")
    return out


def render() -> str:
    """The generated Markdown block (without the markers)."""
    lines: list[str] = []
    for name in RECORD_KINDS + tuple(k for k in KINDS if k not in RECORD_KINDS):
        spec = KINDS[name]
        lines += ["", f"#### {name} — {spec.label}", ""]
        if spec.serial_prefix:
            lines.append(f"编号形如 `{spec.serial_prefix}-2026-000001`（按登记日期所在年份顺序编号）。")
            lines.append("")
        lines += _fields_table(spec.fields)
        for key, child in spec.children.items():
            lines += ["", f"子记录 `{key}`（{child.label}）：`zongzhi child {name} ID {key} --json …`，"
                          f"或在 `add` 的 JSON 中以列表 `\"{key}\": [{{…}}]` 一并给出。", ""]
            lines += _fields_table(child.fields)
        wf = spec.workflow
        if wf is None:
            continue
        lines += ["", "状态：" + "、".join(f"`{s}` {lbl}" + ("（在办）" if s in wf.open_states else "")
                                        for s, lbl in wf.states.items()), ""]
        lines += ["| 步骤 ACTION | 名称 | 可从状态 | 权限 | 字段 |", "| --- | --- | --- | --- | --- |"]
        for a in wf.actions.values():
            sources = "、".join(f"`{s}`" for s in wf.states if s in a.sources)
            perm = "审核员、管理员" if a.perm is Perm.REVIEW else PERM_LABELS[a.perm]
            fields = "；".join(f"`{f.name}` {f.label}" + ("（必填）" if f.required else "")
                              + (f"：{_rule(f)}" if f.type in ("code", "ref") else "") for f in a.fields)
            lines.append(f"| `{a.name}` | {a.label} | {sources} | {perm} | {fields} |")
    return "\n".join(lines).strip() + "\n"


def write(path: Path) -> bool:
    """Replace the generated block in `path`; returns True if the file changed."""
    text = path.read_text(encoding="utf-8")
    block = f"{BEGIN}\n\n{render()}\n{END}"
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{path}: markers not found")
    new = pattern.sub(lambda _m: block, text)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def current_block(path: Path) -> str | None:
    """The generated block as it stands in `path` (without markers), or None."""
    text = path.read_text(encoding="utf-8")
    m = re.search(re.escape(BEGIN) + r"\n\n(.*?)\n" + re.escape(END), text, re.S)
    return m.group(1) if m else None


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/cli.md")
    print(f"{target}: {'updated' if write(target) else 'up to date'}")
