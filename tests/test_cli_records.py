"""`zongzhi` record commands, in-process and through the installed console script, on real SQLite files."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from zongzhi_desktop.cli import main, reference_doc
from zongzhi_desktop.domain.clock import today as china_today
from zongzhi_desktop.services.kinds import KINDS

ROOT = Path(__file__).resolve().parent.parent
ZONGZHI = Path(sys.executable).with_name("zongzhi")
GOOD_ID = "330825199001011237"
BAD_ID = "330825199001011238"  # wrong check digit
RECEIVED = china_today() - timedelta(days=20)


class Cli:
    """Runs `zongzhi --data-dir DIR …` in-process and returns (exit code, stdout, stderr)."""

    def __init__(self, data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.data_dir = data_dir
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def __call__(self, *args: str, stdin: str = "", user: str | None = None, password: str | None = None) -> tuple[int, str, str]:
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        for key, value in (("ZONGZHI_USER", user), ("ZONGZHI_PASSWORD", password)):
            if value is None:
                self.monkeypatch.delenv(key, raising=False)
            else:
                self.monkeypatch.setenv(key, value)
        self.capsys.readouterr()
        try:
            code = main(["--data-dir", str(self.data_dir), *args])
        except SystemExit as e:  # argparse usage errors
            code = int(e.code or 0)
        out, err = self.capsys.readouterr()
        return code, out, err

    def admin(self, *args: str, stdin: str = "") -> tuple[int, str, str]:
        return self(*args, stdin=stdin, user="admin", password="admin-pass-1")

    def clerk(self, *args: str, stdin: str = "") -> tuple[int, str, str]:
        return self(*args, stdin=stdin, user="clerk", password="clerk-pass-1")

    def reviewer(self, *args: str, stdin: str = "") -> tuple[int, str, str]:
        """A reader who may not see identifiers (the store is encrypted: even reading needs a sign-in)."""
        return self(*args, stdin=stdin, user="leader", password="leader-pass-1")


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    run = Cli(tmp_path / "data", capsys, monkeypatch)
    code, out, err = run("init", "--township-code", "330825101", "--township-name", "湖镇镇", "--county-code", "330825",
                         "--county-name", "龙游县", "--admin", "admin", "--password-stdin", stdin="admin-pass-1\n")
    assert code == 0, err
    assert "已初始化" in out
    code, _out, err = run.admin("user", "add", "clerk", "--role", "录入员", "--name", "王芳", "--new-password-stdin",
                                stdin="clerk-pass-1\n")
    assert code == 0, err
    code, _out, err = run.admin("user", "add", "leader", "--role", "reviewer", "--new-password-stdin", stdin="leader-pass-1\n")
    assert code == 0, err
    return run


def petition(**over: object) -> str:
    data = {"received_date": RECEIVED.isoformat(), "form": "来访", "petitioner_name": "张三", "id_number": GOOD_ID,
            "phone": "13857012345", "category": "申诉求决类", "request": "要求帮助追讨拖欠工资"}
    data.update(over)
    return json.dumps(data, ensure_ascii=False)


def test_bad_id_number_exits_2_naming_the_field_and_stores_nothing(cli: Cli) -> None:
    code, out, err = cli.clerk("add", "petition", "--json", "-", stdin=petition(id_number=BAD_ID))
    assert code == 2
    assert "身份证号" in err and "id_number" in err and "校验" in err
    code, out, _ = cli.clerk("list", "petition", "--json")
    assert code == 0 and json.loads(out) == []


def test_good_petition_is_listed_with_its_acceptance_deadline(cli: Cli) -> None:
    code, out, err = cli.clerk("add", "petition", "--json", "-", stdin=petition())
    assert code == 0, err
    deadline = (RECEIVED + timedelta(days=15)).isoformat()
    assert f"受理告知期限：{deadline}" in out
    serial = re.search(r"XF-\d{4}-\d{6}", out).group(0)  # type: ignore[union-attr]
    code, out, _ = cli.clerk("list", "petition", "--json")
    [row] = json.loads(out)
    assert row["serial"] == serial and row["accept_deadline"] == deadline and row["next_deadline"] == deadline
    assert row["id_number"] == GOOD_ID  # clerks may see identifiers
    assert row["_labels"]["form"] == "来访" and row["_labels"]["status"] == "已登记待受理"
    # Without a user the encrypted store does not open; a reviewer sees identifiers masked.
    code, _out, err = cli("list", "petition")
    assert code == 2 and "数据库已加密" in err
    code, out, _ = cli.reviewer("list", "petition")
    assert "3308**********1237" in out and "138****2345" in out and GOOD_ID not in out
    code, out, _ = cli("list", "petition", "--json", user="leader", password="leader-pass-1")
    assert json.loads(out)[0]["id_number"] == "3308**********1237"


def test_json_file_and_repeat_warning_on_stderr(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "p.json"
    f.write_text(petition(), encoding="utf-8")
    assert cli.clerk("add", "petition", "--json", str(f))[0] == 0
    code, out, err = cli.clerk("add", "信访件", "--json", str(f))
    assert code == 0
    assert "重复访" in err and "XF-" in err
    code, out, _ = cli.clerk("list", "petition", "--json")
    first, second = sorted(json.loads(out), key=lambda r: r["serial"])
    assert second["is_repeat"] and second["repeat_of_id"] == first["id"]
    assert cli.clerk("add", "petition", "--json", str(tmp_path / "missing.json"))[0] == 2
    code, _o, err = cli.clerk("add", "petition", "--json", "-", stdin="{不是JSON")
    assert code == 2 and "JSON" in err


def test_workflow_through_act_with_labels_and_refused_steps(cli: Cli) -> None:
    cli.admin("add", "department", "--set", "name=湖镇镇人社所", "--set", "kind=人社所")
    _c, out, _e = cli.clerk("add", "petition", "--json", "-", stdin=petition())
    serial = re.search(r"XF-\d{4}-\d{6}", out).group(0)  # type: ignore[union-attr]
    decided = RECEIVED + timedelta(days=3)
    code, out, err = cli.clerk("act", "petition", serial, "受理告知", "--set", f"decision_date={decided}", "--set", "decision=受理")
    assert code == 0, err
    assert "状态：已受理" in out and (decided + timedelta(days=60)).isoformat() in out
    code, out, err = cli.clerk("act", "petition", serial, "assign", "--json", "-",
                               stdin=json.dumps({"assigned_date": str(decided), "assigned_department_id": "湖镇镇人社所"}))
    assert code == 0, err
    code, out, err = cli.clerk("act", "petition", serial, "extend", "--set", f"extension_date={decided}",
                               "--set", "extension_days=31", "--set", "extension_reason=复杂", "--set", "extension_approver=李")
    assert code == 2 and "延长天数" in err and "extension_days" in err
    code, out, err = cli.clerk("act", "petition", serial, "rate", "--set", f"rating_date={decided}", "--set", "rating=满意")
    assert code == 2 and "已交办" in err
    code, out, err = cli.clerk("act", "petition", serial, "reply", "--set", f"reply_date={china_today()}", "--set", "reply_result=支持")
    assert code == 0 and "状态：已答复" in out
    code, out, _ = cli.clerk("show", "petition", serial, "--json")
    detail = json.loads(out)
    assert [e["action"] for e in detail["_timeline"]] == ["register", "accept", "assign", "reply"]
    assert detail["_refs"]["assigned_department_id"] == "湖镇镇人社所"
    assert {a["name"] for a in detail["_actions"]} == {"request_review", "rate"}
    code, out, _ = cli.clerk("show", "petition", serial)
    assert "办理过程" in out and "湖镇镇人社所" in out and "支持" in out
    assert cli.clerk("act", "petition", serial, "fly")[0] == 2


def test_package_close_needs_a_reviewer_and_child_rows(cli: Cli) -> None:
    cli.admin("add", "leader", "--set", "name=李书记", "--set", "post=党委书记", "--set", "level=乡镇级")
    start = china_today() - timedelta(days=30)
    code, out, err = cli.clerk("add", "package", "--json", "-", stdin=json.dumps({
        "title": "欠薪问题包案", "leader_id": "李书记", "start_date": str(start), "target_date": str(start + timedelta(days=90))},
        ensure_ascii=False))
    assert code == 0, err
    serial = re.search(r"BA-\d{4}-\d{6}", out).group(0)  # type: ignore[union-attr]
    code, _o, err = cli.clerk("child", "package", serial, "progress", "--set", f"entry_date={china_today()}",
                              "--set", "content=入户走访", "--set", "by_whom=王芳")
    assert code == 0, err
    assert cli.clerk("act", "package", serial, "request_close", "--set", f"close_request_date={china_today()}")[0] == 0
    code, _o, err = cli.clerk("act", "package", serial, "approve_close", "--set", f"closed_date={china_today()}", "--set", "reviewer=李")
    assert code == 2 and "无权" in err
    code, out, err = cli("act", "package", serial, "销号", "--set", f"closed_date={china_today()}", "--set", "reviewer=李",
                         user="leader", password="leader-pass-1")
    assert code == 0 and "已销号" in out
    code, out, _ = cli.clerk("show", "package", serial, "--json")
    assert [p["content"] for p in json.loads(out)["progress"]] == ["入户走访"]
    code, _o, err = cli.clerk("void", "package", serial, "--reason", "重复登记")
    assert code == 2 and "无权" in err


def test_list_filters_and_due(cli: Cli) -> None:
    old = china_today() - timedelta(days=40)
    cli.clerk("add", "petition", "--json", "-", stdin=petition(received_date=str(old), id_number=None, petitioner_name="李四"))
    cli.clerk("add", "petition", "--json", "-", stdin=petition(received_date=str(china_today() - timedelta(days=10)),
                                                                id_number=None, petitioner_name="王五"))
    cli.clerk("add", "dispatch", "--json", "-", stdin=json.dumps({
        "title": "河道整治资金缺口", "raised_date": str(old), "deadline": str(china_today() + timedelta(days=3))}, ensure_ascii=False))
    names = lambda out: sorted(r["petitioner_name"] for r in json.loads(out))  # noqa: E731
    assert names(cli.reviewer("list", "petition", "--overdue", "--json")[1]) == ["李四"]
    assert names(cli.reviewer("list", "petition", "--due-within", "7", "--json")[1]) == ["王五"]
    assert names(cli.reviewer("list", "petition", "--overdue", "--due-within", "7", "--json")[1]) == ["李四", "王五"]
    assert names(cli.reviewer("list", "petition", "--status", "已登记待受理", "--from", str(old), "--to", str(old), "--json")[1]) == ["李四"]
    assert cli.reviewer("list", "petition", "--from", "2026-13-01")[0] == 2
    assert cli.reviewer("list", "petition", "--status", "飞走了")[0] == 2
    _code, out, _ = cli.reviewer("due", "--json")
    items = json.loads(out)
    assert [(i["kind"], i["overdue"]) for i in items] == [("petition", True), ("dispatch", False), ("petition", False)]
    assert items[0]["days_left"] == -25
    _code, out, _ = cli.reviewer("due")
    assert "已逾期 1 项" in out and "逾期" in out.splitlines()[3]


def test_admin_commands(cli: Cli) -> None:
    code, out, _ = cli.admin("user", "list", "--json")
    assert {u["username"]: u["role"] for u in json.loads(out)} == {"admin": "admin", "clerk": "clerk", "leader": "reviewer"}
    assert cli.clerk("codes", "set", "dispute_type", "fishpond", "鱼塘承包")[0] == 2
    assert cli.admin("codes", "set", "dispute_type", "fishpond", "鱼塘承包")[0] == 0
    code, out, _ = cli.reviewer("codes", "list", "dispute_type")
    assert "fishpond=鱼塘承包" in out
    assert cli.admin("setting", "set", "deadline_rule", "sometimes")[0] == 2
    assert cli.admin("setting", "set", "deadline_rule", "calendar_shift")[0] == 0
    assert cli.reviewer("setting", "get", "deadline_rule")[1].strip() == "calendar_shift"
    assert cli.admin("holiday", "add", "2026-10-01", "--name", "国庆节")[0] == 0
    assert cli.admin("holiday", "add", "2026-10-10", "--workday", "--name", "调休")[0] == 0
    code, out, _ = cli.reviewer("holiday", "list", "--year", "2026", "--json")
    assert json.loads(out) == [{"date": "2026-10-01", "workday": False, "name": "国庆节"},
                               {"date": "2026-10-10", "workday": True, "name": "调休"}]
    assert cli.admin("holiday", "remove", "2026-10-10")[0] == 0
    assert cli.admin("user", "disable", "clerk")[0] == 0
    code, _o, err = cli.clerk("list", "petition")
    assert code == 2 and "用户名或密码错误" in err
    assert cli("user", "passwd", "admin", "--new-password-stdin", stdin="admin-pass-1\nshort\n",
               user="admin", password=None)[0] == 2
    assert cli("add", "petition", "--json", "-", stdin=petition())[0] == 2  # writes need a user


def test_init_refuses_bad_codes_and_a_second_init(cli: Cli, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = Cli(tmp_path / "fresh", capsys, monkeypatch)
    code, _o, err = fresh("init", "--township-code", "33082510", "--township-name", "镇", "--county-code", "330825",
                          "--county-name", "县", "--admin", "a", "--password-stdin", stdin="long-enough-1\n")
    assert code == 2 and "township_code" in err and "9位" in err
    code, _o, err = cli("init", "--township-code", "330825101", "--township-name", "湖镇镇", "--county-code", "330825",
                        "--county-name", "龙游县", "--admin", "admin", "--password-stdin", stdin="admin-pass-1\n")
    assert code == 2 and "已初始化" in err


def test_demo_due_lists_every_kind_and_audit_verify_names_an_edited_entry(tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str],
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    run = Cli(tmp_path / "demo", capsys, monkeypatch)
    code, out, err = run("demo", "--records", "3000", "--seed", "5")
    assert code == 0, err
    assert "zongzhi-clerk" in out and "zongzhi-review" in out and "zongzhi-admin" in out
    clerk = {"user": "clerk", "password": "zongzhi-clerk"}
    code, out, _ = run("due", "--json", **clerk)
    items = json.loads(out)
    # The demo grants its clerk 查看重点人员; the reviewer too, not the administrator.
    assert {i["kind"] for i in items if i["overdue"]} == {"petition", "dispute", "package", "dispatch", "keyperson"}
    assert [i["deadline"] for i in items] == sorted(i["deadline"] for i in items)
    code, out, _ = run("due", "--json", user="admin", password="zongzhi-admin")
    assert "keyperson" not in {i["kind"] for i in json.loads(out)}
    code, out, _ = run("audit", "verify", **clerk)
    assert code == 0 and "审计链完整" in out
    code, _o, err = run("demo", "--records", "3000", user="admin", password="zongzhi-admin")
    assert code == 2 and "已有记录" in err
    # A clerk who knows their password can unwrap the key and edit the file with SQLCipher's tools.
    from zongzhi_desktop.store import keys
    from zongzhi_desktop.store.engine import connect_file

    db = tmp_path / "demo" / "zongzhi.sqlite3"
    con = connect_file(db, keys.load(keys.keyfile_path(db)).unwrap_user("clerk", "zongzhi-clerk"))
    with con:
        con.execute("UPDATE audit_log SET after = '{\"count\":1}' WHERE seq = 5")
    con.close()
    code, out, err = run("audit", "verify", **clerk)
    assert code == 1
    assert "第5条" in out and "审计链校验失败" in err
    code, out, _ = run("audit", "verify", "--json", **clerk)
    assert code == 1 and [p["seq"] for p in json.loads(out)["problems"]] == [5]


def test_console_script_end_to_end(tmp_path: Path) -> None:
    env = {**os.environ, "ZONGZHI_HOME": str(tmp_path / "home"), "ZONGZHI_PASSWORD": "admin-pass-1"}
    env.pop("ZONGZHI_USER", None)

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(ZONGZHI), *args], input=stdin, capture_output=True, text=True, env=env, timeout=120)

    r = run("init", "--township-code", "330825101", "--township-name", "湖镇镇", "--county-code", "330825",
            "--county-name", "龙游县", "--admin", "admin")
    assert r.returncode == 0, r.stderr
    r = run("add", "petition", "--user", "admin", "--json", "-", stdin=petition(id_number=BAD_ID))
    assert r.returncode == 2 and "身份证号（id_number）" in r.stderr and r.stdout == ""
    assert json.loads(run("list", "petition", "--user", "admin", "--json").stdout) == []
    r = run("add", "petition", "--user", "admin", "--json", "-", stdin=petition())
    assert r.returncode == 0 and (RECEIVED + timedelta(days=15)).isoformat() in r.stdout


def test_docs_cli_reference_matches_the_code() -> None:
    doc = ROOT / "docs" / "cli.md"
    assert reference_doc.current_block(doc) == reference_doc.render(), (
        "docs/cli.md is stale: run .venv/bin/python -m zongzhi_desktop.cli.reference_doc docs/cli.md")
    text = doc.read_text(encoding="utf-8")
    for spec in KINDS.values():
        for f in spec.fields:
            assert f"`{f.name}`" in text, f.name
        for key, child in spec.children.items():
            assert f"`{key}`" in text
            for f in child.fields:
                assert f"`{f.name}`" in text
        if spec.workflow:
            for action in spec.workflow.actions.values():
                assert f"`{action.name}`" in text and action.label in text
    for command in ("init", "demo", "add", "update", "void", "act", "child", "list", "show", "due", "audit verify",
                    "user add", "codes list", "setting get", "holiday add"):
        assert f"zongzhi {command}" in text, command
    for sub in ("user passwd", "user disable", "user enable", "codes set", "setting set", "holiday remove", "holiday list"):
        assert sub in text, sub
