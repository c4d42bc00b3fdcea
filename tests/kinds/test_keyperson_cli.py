"""重点人员 from the command line, as a clerk and a leader type it, on a real encrypted store."""

from __future__ import annotations

import io
import json
import re
import sys

import pytest

from zongzhi_desktop.cli import main


@pytest.fixture
def admin(encrypted_admin):  # the shared store, encrypted as the command line's sign-in would leave it
    encrypted_admin.create("village", {"code": "330825101201", "name": "溪口村"})
    return encrypted_admin


@pytest.fixture
def run(admin, tmp_path, monkeypatch, capsys):
    def call(*args: str, user: str = "clerk", password: str = "clerk-pass-1", stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setenv("ZONGZHI_USER", user)
        monkeypatch.setenv("ZONGZHI_PASSWORD", password)
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        try:
            code = main(["--data-dir", str(tmp_path), *args])
        except SystemExit as e:
            code = int(e.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return call


PERSON = {"name": "赵六", "id_number": "330825198503120017", "phone": "(0570)7012345", "village_id": "溪口村",
          "category": "刑释解教人员", "risk_level": "高", "registered_date": "2026-10-02",
          "measures": "每周电话联系，每季度入户"}


def _admin(run, *args: str):
    return run(*args, user="admin", password="admin-pass-1")


def test_the_register_from_the_command_line(run) -> None:
    code, _out, err = run("add", "keyperson", "--json", "-", stdin=json.dumps(PERSON, ensure_ascii=False))
    assert code == 2 and "查看重点人员" in err and "Traceback" not in err
    code, out, err = _admin(run, "user", "grant", "clerk", "查看重点人员")
    assert code == 0 and "已授予用户 clerk" in out, err
    _admin(run, "user", "grant", "leader", "view_keyperson")
    code, out, _ = _admin(run, "user", "list")
    assert "查看重点人员" in out

    code, out, err = run("add", "keyperson", "--json", "-", stdin=json.dumps({**PERSON, "category": "飞行员"},
                                                                              ensure_ascii=False))
    assert code == 2 and "人员类别" in err and "category" in err
    code, out, err = run("add", "keyperson", "--json", "-", stdin=json.dumps(PERSON, ensure_ascii=False))
    assert code == 0, err
    serial = re.search(r"ZD-\d{4}-\d{6}", out).group(0)  # type: ignore[union-attr]

    code, out, err = run("child", "keyperson", serial, "visits", "--set", "visit_date=2026-11-15",
                         "--set", "visitor=网格员老李", "--set", "situation=在家务农，情绪平稳", "--set", "risk_after=中")
    assert code == 0, err
    code, out, _ = run("show", "keyperson", serial, "--json")
    shown = json.loads(out)
    assert shown["risk_level"] == "medium" and shown["last_visit_date"] == "2026-11-15"
    assert shown["next_deadline"] == "2027-02-13"  # 90 days in the first year
    assert [v["situation"] for v in shown["visits"]] == ["在家务农，情绪平稳"]
    assert shown["id_number"] == "330825198503120017"  # the clerk may see identifiers

    code, out, _ = run("list", "keyperson", "--json", user="leader", password="leader-pass-1")
    [row] = json.loads(out)
    assert row["name"] == "赵六" and "*" in row["id_number"] and row["id_number"] != PERSON["id_number"]

    code, _out, err = run("act", "keyperson", serial, "解除管控", "--set", "released_date=2026-11-18",
                          "--set", "release_reason=帮教期满", "--set", "release_approver=王书记")
    assert code == 2 and "无权" in err
    code, out, err = run("act", "keyperson", serial, "解除管控", "--set", "released_date=2026-11-18",
                         "--set", "release_reason=帮教期满", "--set", "release_approver=王书记",
                         user="leader", password="leader-pass-1")
    assert code == 0, err

    code, _out, err = _admin(run, "setting", "set", "cadence.released_prisoner", "两个月")
    assert code == 2 and "走访周期" in err
    assert _admin(run, "setting", "set", "cadence.released_prisoner", "60/120")[0] == 0

    _admin(run, "user", "revoke", "clerk", "view_keyperson")
    code, _out, err = run("list", "keyperson")
    assert code == 2 and "查看重点人员" in err
    assert _admin(run, "audit", "verify")[0] == 0
