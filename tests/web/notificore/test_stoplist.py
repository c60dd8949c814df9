"""The stop list through bsg-sdk's parsed calls: list, attach (200), detach."""

from __future__ import annotations

import pytest
from bsg_api.models import StoplistAddRequest, StoplistRemoveRequest

from tests.web.notificore.support import Notificore, json_of

ENTRY_KEYS = ["id", "phone", "created_at", "sms_stoplist", "viber_stoplist", "rcs_stoplist"]


def test_attach_answers_200_one_entry_per_phone(nc: Notificore) -> None:
    response = nc.stoplist.stoplist_add_without_preload_content(
        StoplistAddRequest(phones=[380661231231, 447700900555], types=["sms", "viber"])
    )
    assert response.status == 200
    added = nc.stoplist.stoplist_add(StoplistAddRequest(phones=[380661231231], types=["rcs"]))
    assert added.data is not None and len(added.data) == 1
    entry = added.data[0]
    assert entry.phone == 380661231231
    assert (entry.sms_stoplist, entry.viber_stoplist, entry.rcs_stoplist) == (True, True, True)
    raw = json_of(nc.http.get("/stoplist"), 200)
    assert [list(e) for e in raw["data"]] == [ENTRY_KEYS, ENTRY_KEYS] and raw["total"] == 2


def test_list_filters_by_type(nc: Notificore) -> None:
    nc.stoplist.stoplist_add(StoplistAddRequest(phones=[380661231001], types=["sms"]))
    nc.stoplist.stoplist_add(StoplistAddRequest(phones=[380661231002], types=["whatsapp"]))
    assert [e.phone for e in nc.stoplist.stoplist_items(type="sms").data or []] == [380661231001]
    everything = nc.stoplist.stoplist_items()
    assert everything.total == 2
    # whatsapp has no flag of its own in the entry, yet the entry is there
    whatsapp = nc.stoplist.stoplist_items(type="whatsapp").data or []
    assert [(e.sms_stoplist, e.viber_stoplist, e.rcs_stoplist) for e in whatsapp] == [
        (False, False, False)
    ]
    documented = json_of(
        nc.http.get("/stoplist", params=[("types[]", "sms"), ("types[]", "whatsapp")]), 200
    )
    assert documented["total"] == 2
    assert nc.http.get("/stoplist", params={"type": "fax"}).status_code == 422


def test_list_pages(nc: Notificore) -> None:
    phones = [380661232000 + n for n in range(21)]
    nc.stoplist.stoplist_add(StoplistAddRequest(phones=phones, types=["sms"]))
    first = nc.stoplist.stoplist_items()
    assert len(first.data or []) == 20 and first.total == 21  # the default page is 20
    rest = nc.stoplist.stoplist_items(page_offset=20, page_limit=15)
    assert [e.phone for e in rest.data or []] == phones[20:]


def test_detach_clears_types_and_drops_empty_entries(nc: Notificore) -> None:
    added = nc.stoplist.stoplist_add(
        StoplistAddRequest(phones=[380661233001, 380661233002], types=["sms", "viber"])
    )
    ids = [e.id for e in added.data or []]
    assert nc.stoplist.stoplist_remove(StoplistRemoveRequest(ids=ids, types=["sms"])) == {}
    left = nc.stoplist.stoplist_items().data or []
    assert [(e.sms_stoplist, e.viber_stoplist) for e in left] == [(False, True), (False, True)]
    nc.stoplist.stoplist_remove(StoplistRemoveRequest(ids=ids[:1], types=["viber"]))
    assert [e.id for e in nc.stoplist.stoplist_items().data or []] == ids[1:]


def test_detach_skips_foreign_ids(nc: Notificore, other_nc: Notificore) -> None:
    theirs = other_nc.stoplist.stoplist_add(
        StoplistAddRequest(phones=[380661234444], types=["sms"])
    )
    body = {"ids": [theirs.data[0].id], "types": ["sms"]}  # type: ignore[index]
    assert json_of(nc.http.post("/stoplist/detach", json=body), 200) == {}
    assert other_nc.stoplist.stoplist_items().total == 1


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"phones": ["38066"], "types": ["sms"]}, "phones0"),
        ({"phones": [380661234444, 12], "types": ["sms"]}, "phones1"),
        ({"phones": [380661234444], "types": ["fax"]}, "types0"),
        ({"phones": [380661234444], "types": []}, "types"),
        ({"types": ["sms"]}, "phones"),
        ({"phones": [True], "types": ["sms"]}, "phones0"),
    ],
)
def test_bad_attach_bodies_name_the_key(nc: Notificore, body: dict, key: str) -> None:
    response = json_of(nc.http.post("/stoplist/attach", json=body), 422)
    assert key in response["errors"], response
    assert nc.stoplist.stoplist_items().total == 0
