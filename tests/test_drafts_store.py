"""The draft store: per user and kind, newest first, discarded on request; survives reopening."""

from __future__ import annotations

from zongzhi_desktop.services import Services
from zongzhi_desktop.services.drafts import DraftStore
from zongzhi_desktop.store.database import Store


def test_drafts_round_trip_and_survive_reopening(clerk: Services) -> None:
    drafts = DraftStore(clerk.store, "clerk")
    first = drafts.save("petition", None, {"fields": {"petitioner_name": "张三"}})
    assert drafts.save("petition", None, {"fields": {"petitioner_name": "张三丰"}}, first) == first
    other = drafts.save("dispute", None, {"fields": {"title": "邻里纠纷"}})
    assert other != first
    DraftStore(clerk.store, "leader").save("petition", None, {"fields": {"petitioner_name": "别人的"}})

    reopened = DraftStore(Store(clerk.store.path), "clerk")
    latest = reopened.latest("petition")
    assert latest is not None and latest.id == first
    assert latest.data == {"fields": {"petitioner_name": "张三丰"}}
    assert reopened.latest("petition", record_id="abc") is None
    assert {d.kind for d in reopened.all()} == {"petition", "dispute"}
    reopened.discard(first)
    assert reopened.latest("petition") is None
    assert reopened.get(other) is not None
