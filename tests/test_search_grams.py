"""Search of any length (issue 17): the n-gram index finds exactly what a scan of the text finds.

One generated store (petitions through the form path, the bulk path and a raw-SQL edit; disputes
with parties, one of them voided) is searched for random 1-6 character terms over a small alphabet
(so terms hit), and every result is compared with a brute-force scan of the base rows in Python.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zongzhi_desktop.domain import models as m
from zongzhi_desktop.domain.validation import id_check_digit
from zongzhi_desktop.services import Actor, Services, bulk, open_services
from zongzhi_desktop.services.listing import Lister, ListQuery

TODAY = date(2026, 11, 20)
# CJK, ASCII letters in both cases, digits and FTS5 query syntax characters.
ALPHABET = "王伟工资宅基地aAbB12-\"*()"
PETITION_TEXT = ("petitioner_name", "representatives", "id_number", "phone", "request", "facts", "reasons", "address")


def ascii_lower(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text)


def id_number(seq: int) -> str:
    first = f"33082519800101{seq:03d}"
    return first + id_check_digit(first)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, initialized_template: Path) -> Services:
    path = tmp_path_factory.mktemp("grams") / "zongzhi.sqlite3"
    src, dst = sqlite3.connect(initialized_template), sqlite3.connect(path)
    src.backup(dst)
    dst.close()
    src.close()
    svc = open_services(path, today=lambda: TODAY)
    svc.actor = Actor("clerk", "clerk")  # type: ignore[misc]
    rnd = random.Random(17)

    def text(lo: int, hi: int) -> str:
        return "".join(rnd.choice(ALPHABET + " ，") for _ in range(rnd.randint(lo, hi))).strip() or "王"

    ids = []
    for i in range(30):  # the form path (ORM)
        data = {"received_date": (TODAY - timedelta(days=i)).isoformat(), "form": "来访", "category": "申诉求决类",
                "petitioner_name": text(1, 4), "request": text(5, 30), "facts": text(0, 20), "address": text(0, 8)}
        if i % 5 == 0:
            data.update(id_number=id_number(i), phone=f"1381234{i:04d}")
        ids.append(svc.create("petition", data, link_repeat=False).record.id)
    svc.update("petition", ids[0], {"request": text(5, 30)})  # an edit replaces the search row
    Services(svc.store, Actor("leader", "reviewer"), today=lambda: TODAY).void("petition", ids[1], "重复登记")
    rows = [{"township_code": "330825101", "serial": f"XF-2025-{i:06d}", "received_date": date(2025, 1, 1),
             "form": "visit", "petitioner_name": text(1, 4), "category": "claim", "request": text(5, 30),
             "reasons": text(0, 20), "accept_deadline": date(2025, 1, 16)} for i in range(30)]
    with svc.session() as s:  # the bulk path (Core executemany)
        bulk.insert_rows(s, m.Petition, rows, username="importer")
    con = sqlite3.connect(path)  # a raw connection fires the same plain-SQL triggers
    con.execute("UPDATE petition SET facts = ? WHERE serial = 'XF-2025-000003'", (text(10, 20),))
    con.commit()
    con.close()
    for i in range(12):  # disputes: the parties' names and numbers belong to the dispute's search row
        d = svc.create("dispute", {"title": text(3, 12), "found_date": (TODAY - timedelta(days=i)).isoformat(),
                                   "source": "网格员排查", "type": "邻里", "description": text(0, 30)}).record
        for _ in range(2):
            svc.add_child("dispute", d.id, "parties", {"name": text(1, 4), "role": "applicant"})
    return svc


def brute(svc: Services, kind: str, term: str) -> set[str]:
    """Ids of the live records one of whose searchable texts contains `term` (ASCII case folded)."""
    con = sqlite3.connect(svc.store.path)
    try:
        if kind == "petition":
            texts = {r[0]: r[1:] for r in con.execute(f"SELECT id, {', '.join(PETITION_TEXT)} FROM petition WHERE voided = 0")}
        else:
            texts = {r[0]: list(r[1:]) for r in con.execute("SELECT id, title, description FROM dispute WHERE voided = 0")}
            for did, *party in con.execute("SELECT dispute_id, name, id_number, phone FROM dispute_party WHERE voided = 0"):
                if did in texts:
                    texts[did].extend(party)
    finally:
        con.close()
    return {rid for rid, values in texts.items() if any(ascii_lower(term) in ascii_lower(v or "") for v in values)}


def test_the_store_has_what_the_property_needs(store: Services) -> None:
    lister = Lister(store)
    assert lister.count(ListQuery("petition")) == 59 and lister.count(ListQuery("dispute")) == 12
    assert brute(store, "petition", "王") and brute(store, "dispute", "王")  # terms do hit
    assert brute(store, "petition", "a") == brute(store, "petition", "A")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(term=st.text(alphabet=ALPHABET, min_size=1, max_size=6), kind=st.sampled_from(["petition", "dispute"]))
def test_search_equals_a_scan(store: Services, term: str, kind: str) -> None:
    lister = Lister(store)
    assert set(lister.ids(ListQuery(kind, search=term))) == brute(store, kind, term)


@settings(max_examples=30, deadline=None)
@given(a=st.text(alphabet=ALPHABET, min_size=1, max_size=3), b=st.text(alphabet=ALPHABET, min_size=1, max_size=5))
def test_two_terms_are_both_required(store: Services, a: str, b: str) -> None:
    lister = Lister(store)
    assert set(lister.ids(ListQuery("petition", search=f"{a} {b}"))) == \
        brute(store, "petition", a) & brute(store, "petition", b)


def test_a_0018_store_upgrades_to_the_gram_index(clerk: Services) -> None:
    """Migration 0019 replaces the trigram tables of an existing store and indexes its rows."""
    from alembic import command

    from zongzhi_desktop.services.listing import search_index_problems
    from zongzhi_desktop.store import migrate

    for i, name in enumerate(["王伟", "张伟民", "Li Wei"]):
        clerk.create("petition", {"received_date": (TODAY - timedelta(days=i)).isoformat(), "form": "来访",
                                  "category": "申诉求决类", "petitioner_name": name, "request": "宅基地界址"},
                     link_repeat=False)
    cfg = migrate.alembic_config()
    with clerk.store.engine.begin() as conn:  # back to the 0018 layout (the downgrade of 0019)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0018")
    con = sqlite3.connect(clerk.store.path)
    try:
        assert "trigram" in con.execute("SELECT sql FROM sqlite_master WHERE name = 'petition_fts'").fetchone()[0]
        assert con.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE '%_grams%'").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM petition_fts WHERE petition_fts MATCH '张伟民'").fetchone()[0] == 1
    finally:
        con.close()
    migrate.upgrade(clerk.store.engine, backup=False)
    assert search_index_problems(clerk) == []
    lister = Lister(clerk)
    for term in ["王", "伟", "张伟", "宅基地界址", "wei", "I W", "基址"]:
        expected = set.intersection(*(brute(clerk, "petition", t) for t in term.split()))
        assert set(lister.ids(ListQuery("petition", search=term))) == expected, term
    assert lister.count(ListQuery("petition", search="伟")) == 2 and lister.count(ListQuery("petition", search="基址")) == 0
    assert lister.count(ListQuery("petition", search="wei")) == 1


def test_control_characters_and_a_lost_index(clerk: Services) -> None:
    """A term holding a control character (never a token) is found by reading the text; a dropped
    n-gram index or position table is noticed and rebuilt from the search text."""
    from zongzhi_desktop.services.listing import rebuild_search_index, search_index_problems

    rid = clerk.create("petition", {"received_date": TODAY.isoformat(), "form": "来访", "category": "申诉求决类",
                                    "petitioner_name": "王伟", "request": "宅基地"}, link_repeat=False).record.id
    con = sqlite3.connect(clerk.store.path)
    con.execute("UPDATE petition SET facts = 'x\x07y工资' WHERE id = ?", (rid,))  # raw SQL: the triggers still run
    con.commit()
    lister = Lister(clerk)
    assert lister.ids(ListQuery("petition", search="x\x07y")) == [rid]
    assert lister.ids(ListQuery("petition", search="y工资")) == [rid]
    assert lister.ids(ListQuery("petition", search="x\x07z")) == []
    con.execute("DROP TABLE petition_grams")
    con.execute("DROP TABLE search_seq")
    con.commit()
    con.close()
    assert search_index_problems(clerk) == ["petition_grams", "search_seq"]
    rebuild_search_index(clerk, search_index_problems(clerk))
    assert search_index_problems(clerk) == []
    lister.invalidate()
    assert lister.ids(ListQuery("petition", search="伟")) == [rid] == lister.ids(ListQuery("petition", search="y工资"))


def test_a_frequent_terms_first_page_and_count_match_the_full_order(encrypted_admin: Services,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """On an encrypted store a term with many hits is counted by the index less its voided hits and
    its first page read by walking the sort index: the same count and rows as ordering every hit."""
    from zongzhi_desktop.services import listing

    monkeypatch.setattr(listing, "SEARCH_WALK_MIN_HITS", 1)  # every term counts as frequent here
    clerk = Services(encrypted_admin.store, Actor("clerk", "clerk"), today=lambda: TODAY)
    reviewer = Services(encrypted_admin.store, Actor("leader", "reviewer"), today=lambda: TODAY)
    ids = [clerk.create("petition", {"received_date": (TODAY - timedelta(days=i % 4)).isoformat(), "form": "来访",
                                     "category": "申诉求决类", "petitioner_name": ("王伟", "王芳", "李娜")[i % 3],
                                     "request": "工资"}, link_repeat=False).record.id for i in range(12)]
    reviewer.void("petition", ids[0], "重复登记")
    reviewer.void("petition", ids[2], "重复登记")  # 李娜: not a hit for 王
    for term in ("王", "王伟", "工资", "娜"):
        fast = Lister(clerk)
        q = ListQuery("petition", search=term)
        assert fast._first_page_plan(q) is not None, term
        count, first = fast.count(q), [r.id for r in fast.page(q, 0, 3)]
        full = Lister(clerk)
        everything = full.ids(q)  # every hit ordered (iter_rows), not the fast path
        names = {"王": ("王伟", "王芳"), "王伟": ("王伟",), "工资": ("王伟", "王芳", "李娜"), "娜": ("李娜",)}[term]
        expected = {rid for i, rid in enumerate(ids) if i not in (0, 2) and ("王伟", "王芳", "李娜")[i % 3] in names}
        assert count == len(everything) == len(expected) and set(everything) == expected, term
        assert first == everything[:3], term
        assert [r.id for r in fast.page(q, 3, 100)] == everything[3:], term  # later pages order every hit
