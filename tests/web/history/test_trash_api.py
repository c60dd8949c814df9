"""The trash over HTTP: `GET /trash` and `POST /trash/{id}/restore` of the native API, with
contacts deleted through each of the four APIs."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from contactbook.services import integrity
from contactbook.storage.uow import UnitOfWork
from tests.support.factories import Tenant, make_contact, make_list
from tests.support.live import LiveServer
from tests.web.test_query_counts import StatementCounter


def _mark() -> str:
    return uuid.uuid4().hex[:10]


def _clean(tenant: Tenant) -> None:
    async def check(uow: UnitOfWork) -> list[str]:
        report = await integrity.check_account(uow, tenant.account_id)
        return [str(item) for item in report.as_json().get("differences", [])]

    assert tenant.unit(check, write=False) == [], "every counter equals what its rows say"


def _problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def _trash_ids(native: httpx.Client) -> list[int]:
    reply = native.get("/trash", params={"limit": 1000})
    assert reply.status_code == 200, reply.text
    return [item["id"] for item in reply.json()["items"]]


def test_trash_lists_deleted_contacts_newest_first_in_pages(tenant: Tenant) -> None:
    mark = _mark()
    made = [
        make_contact(tenant.native, name=f"T{n}", phone=f"+44770090{n:04d}",
                     email=f"t{n}-{mark}@example.com", external_id=f"x{n}-{mark}")
        for n in range(3)
    ]  # fmt: skip
    kept = make_contact(tenant.native, name="Kept")
    for n, contact in enumerate(made):
        gone = tenant.native.delete(
            f"/contacts/{contact['id']}", headers={"X-Request-Id": f"del-{n}-{mark}"}
        )
        assert gone.status_code == 204

    first = tenant.native.get("/trash", params={"limit": 2})
    assert first.status_code == 200, first.text
    page = first.json()
    assert [item["id"] for item in page["items"]] == [made[2]["id"], made[1]["id"]]
    assert page["next_cursor"]
    second = tenant.native.get("/trash", params={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [item["id"] for item in second["items"]] == [made[0]["id"]]
    assert second["next_cursor"] is None
    assert kept["id"] not in _trash_ids(tenant.native)

    item = second["items"][0]
    assert set(item) == {"id", "name", "phone", "email", "external_id", "deleted_at",
                         "deleted_by", "merged_into", "purge_at"}  # fmt: skip
    assert (item["name"], item["phone"], item["email"], item["external_id"]) == (
        "T0", "+447700900000", f"t0-{mark}@example.com", f"x0-{mark}"
    )  # fmt: skip
    assert item["merged_into"] is None
    by = item["deleted_by"]
    assert by["source"] == "native" and by["request_id"] == f"del-0-{mark}"
    assert by["actor"]["type"] == "api_key" and by["actor"]["id"] == tenant.ctx.key_id
    deleted_at = datetime.fromisoformat(item["deleted_at"])
    assert datetime.fromisoformat(item["purge_at"]) - deleted_at == timedelta(days=30)


def test_one_deletion_of_many_pages_by_id_and_costs_the_same_statements_at_any_size(
    tenant: Tenant, server: LiveServer
) -> None:
    """Contacts of one bulk delete share their deletion time: pages still follow each other
    without a gap or a repeat, newest id first; and a page of 23 costs what a page of 3 does."""
    login = httpx.post(f"{server.url}/api/auth/login", json={"api_key": tenant.api_key})
    bearer = {"Authorization": f"Bearer {login.json()['bearer']}"}
    counts = {}
    with httpx.Client(base_url=f"{server.url}/api", headers=bearer) as notificore:
        for size in (3, 23):
            have = len(_trash_ids(tenant.native))
            ids = [make_contact(tenant.native, name=f"B{n}", tags=["t"])["id"]
                   for n in range(have, size)]  # fmt: skip
            gone = notificore.post("/contacts/delete", json={"contact_ids": ids})
            assert gone.status_code == 204, gone.text
            with StatementCounter(server) as counter:
                counts[size], reply = counter.count(
                    lambda: tenant.native.get("/trash", params={"limit": 100})
                )
            assert len(reply.json()["items"]) == size
    assert counts[23] <= counts[3], counts
    listed = tenant.native.get("/trash", params={"limit": 100}).json()["items"]
    paged, cursor = [], None
    while True:
        reply = tenant.native.get(
            "/trash", params={"limit": 4, **({"cursor": cursor} if cursor else {})}
        )
        paged += [item["id"] for item in reply.json()["items"]]
        cursor = reply.json()["next_cursor"]
        if not cursor:
            break
    assert paged == [item["id"] for item in listed] and len(set(paged)) == 23
    batch = [item for item in listed if item["name"] not in ("B0", "B1", "B2")]
    assert len({item["deleted_at"] for item in batch}) == 1
    assert [item["id"] for item in batch] == sorted((item["id"] for item in batch), reverse=True)


def test_a_read_key_lists_the_trash_but_cannot_restore(tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="Scoped")
    assert tenant.native.delete(f"/contacts/{made['id']}").status_code == 204
    issued = tenant.native.post("/keys", json={"scopes": ["read"]})
    assert issued.status_code == 201, issued.text
    auth = {"Authorization": f"Bearer {issued.json()['api_key']}"}
    with httpx.Client(base_url=str(tenant.native.base_url), headers=auth) as reader:
        assert [i["id"] for i in reader.get("/trash").json()["items"]] == [made["id"]]
        _problem(reader.post(f"/trash/{made['id']}/restore"), 403)
    assert made["id"] in _trash_ids(tenant.native)


def test_a_bad_cursor_or_limit_is_refused_naming_it(tenant: Tenant) -> None:
    for params, field in (({"cursor": "nonsense"}, "cursor"), ({"limit": 0}, "limit")):
        body = _problem(tenant.native.get("/trash", params=params), 422)
        assert [error["field"] for error in body["errors"]] == [field]
    # A cursor of another listing is not one of this listing.
    make_contact(tenant.native, name="a")
    make_contact(tenant.native, name="b")
    other = tenant.native.get("/contacts", params={"limit": 1}).json()["next_cursor"]
    body = _problem(tenant.native.get("/trash", params={"cursor": other}), 422)
    assert body["errors"][0]["field"] == "cursor"


def test_restore_brings_the_contact_back_whole(tenant: Tenant) -> None:
    mark = _mark()
    native = tenant.native
    assert native.post("/fields", json={"name": "Plan", "key": "plan"}).status_code == 201
    group = make_list(native, name=f"Group {mark}")
    made = make_contact(
        native, phone="+447700900123", email=f"r-{mark}@example.com", name="Rita",
        external_id=f"r-{mark}", custom_fields={"plan": "gold"}, tags=["vip", "lead"],
        lists=[group], additional_attributes={"k": 1},
    )  # fmt: skip
    inbox = native.post("/inboxes", json={"name": f"Inbox {mark}"}).json()["id"]
    chatwoot = httpx.Client(
        base_url=f"{tenant.server.url}/api/v1/accounts/{tenant.account_id}",
        headers={"api_access_token": tenant.api_key}, timeout=30,
    )  # fmt: skip
    with chatwoot:
        attached = chatwoot.post(
            f"/contacts/{made['id']}/contact_inboxes",
            json={"inbox_id": inbox, "source_id": f"visitor-{mark}"},
        )
        assert attached.status_code == 200, attached.text
        before = native.get(f"/contacts/{made['id']}").json()

        assert native.delete(f"/contacts/{made['id']}").status_code == 204
        assert native.get(f"/lists/{group}").json()["items"] == 0
        assert native.get("/account").json()["contacts"] == 0

        restored = native.post(f"/trash/{made['id']}/restore")
        assert restored.status_code == 200, restored.text
        body = restored.json()
        assert restored.headers["etag"] == f'"{body["version"]}"'
        assert body["version"] == before["version"] + 1
        same = {k: v for k, v in body.items() if k not in ("version", "updated_at")}
        assert same == {k: v for k, v in before.items() if k not in ("version", "updated_at")}
        assert native.get(f"/contacts/{made['id']}").json() == body
        shown = chatwoot.get(f"/contacts/{made['id']}").json()["payload"]
        assert [i["source_id"] for i in shown["contact_inboxes"]] == [f"visitor-{mark}"]

    assert made["id"] not in _trash_ids(native)
    assert native.get(f"/lists/{group}").json()["items"] == 1
    account = native.get("/account").json()
    assert (account["contacts"], account["contacts_with_phone"]) == (1, 1)
    history = native.get(f"/contacts/{made['id']}/history").json()["items"]
    assert [item["action"] for item in history][:2] == ["restored", "deleted"]
    assert history[0]["version"] == body["version"]
    _clean(tenant)


def test_restore_skips_a_list_and_a_tag_deleted_meanwhile(tenant: Tenant) -> None:
    native = tenant.native
    gone_list, kept_list = make_list(native, name="Gone"), make_list(native, name="Kept")
    made = make_contact(native, name="L", tags=["gone", "kept"], lists=[gone_list, kept_list])
    assert native.delete(f"/contacts/{made['id']}").status_code == 204
    assert native.delete(f"/lists/{gone_list}").status_code == 204
    assert native.delete("/tags/gone").status_code == 204
    back = native.post(f"/trash/{made['id']}/restore")
    assert back.status_code == 200, back.text
    assert (back.json()["lists"], back.json()["tags"]) == ([kept_list], ["kept"])
    _clean(tenant)


def test_restore_refused_with_409_naming_each_identifier_taken(tenant: Tenant) -> None:
    mark = _mark()
    native = tenant.native
    made = make_contact(native, phone="+447700900555", email=f"c-{mark}@example.com",
                        external_id=f"c-{mark}", name="Orig")  # fmt: skip
    assert native.delete(f"/contacts/{made['id']}").status_code == 204
    # Its identifiers are free at once.
    taker = make_contact(native, email=f"c-{mark}@example.com", external_id=f"c-{mark}")
    account = native.get("/account").json()

    body = _problem(native.post(f"/trash/{made['id']}/restore"), 409)
    assert body["code"] == "duplicate_contact"
    assert [error["field"] for error in body["errors"]] == ["email", "external_id"]
    assert body["existing_id"] == taker["id"]
    # Nothing changed: still in the trash, the taker intact, the counters as they were.
    assert made["id"] in _trash_ids(native)
    assert native.get(f"/contacts/{made['id']}").status_code == 404
    assert native.get(f"/contacts/{taker['id']}").json()["version"] == 1
    assert native.get("/account").json() == account
    history = native.get(f"/contacts/{made['id']}/history").json()["items"]
    assert history[0]["action"] == "deleted"

    # Once the identifiers are free again, the restore goes through.
    assert native.delete(f"/contacts/{taker['id']}").status_code == 204
    assert native.post(f"/trash/{made['id']}/restore").status_code == 200
    _clean(tenant)


def test_restore_of_what_is_not_in_the_trash_is_404(tenant: Tenant, other_tenant: Tenant) -> None:
    native = tenant.native
    live = make_contact(native, name="Live")
    theirs = make_contact(other_tenant.native, name="Theirs")
    assert other_tenant.native.delete(f"/contacts/{theirs['id']}").status_code == 204
    restored_twice = make_contact(native, name="Twice")
    assert native.delete(f"/contacts/{restored_twice['id']}").status_code == 204
    assert native.post(f"/trash/{restored_twice['id']}/restore").status_code == 200

    never = _problem(native.post("/trash/999999999/restore"), 404)
    for contact_id in (live["id"], theirs["id"], restored_twice["id"]):
        answer = _problem(native.post(f"/trash/{contact_id}/restore"), 404)
        assert {k: v for k, v in answer.items() if k != "detail"} == {
            k: v for k, v in never.items() if k != "detail"
        }
    # Another account's trash is not listed here, and its contact is still in its own.
    assert theirs["id"] not in _trash_ids(native)
    assert theirs["id"] in _trash_ids(other_tenant.native)
    _problem(native.post("/trash/abc/restore"), 422)


# --- deleted through every API, seen by every API ------------------------------------------


class Apis:
    """The tenant through the four APIs, raw HTTP each."""

    def __init__(self, tenant: Tenant) -> None:
        base = tenant.server.url
        self.tenant = tenant
        self.native = tenant.native
        self.chatwoot = httpx.Client(
            base_url=f"{base}/api/v1/accounts/{tenant.account_id}",
            headers={"api_access_token": tenant.api_key}, timeout=30,
        )  # fmt: skip
        self.helpcrunch = httpx.Client(
            base_url=f"{base}/v1", headers={"Authorization": f"Bearer {tenant.api_key}"},
            timeout=30,
        )  # fmt: skip
        login = httpx.post(f"{base}/api/auth/login", json={"api_key": tenant.api_key}, timeout=30)
        assert login.status_code == 200, login.text
        self.notificore = httpx.Client(
            base_url=f"{base}/api", timeout=30,
            headers={"Authorization": f"Bearer {login.json()['bearer']}"},
        )  # fmt: skip

    def close(self) -> None:
        for client in (self.chatwoot, self.helpcrunch, self.notificore):
            client.close()

    def delete(self, how: str, contact_id: int, group: int) -> None:
        if how == "native":
            reply = self.native.delete(f"/contacts/{contact_id}")
        elif how == "notificore":
            reply = self.notificore.delete(f"/contacts/{contact_id}")
        elif how == "notificore-ids":
            reply = self.notificore.post("/contacts/delete", json={"contact_ids": [contact_id]})
        elif how == "notificore-groups":
            reply = self.notificore.post("/contacts/delete", json={"group_ids": [group]})
        elif how == "chatwoot":
            reply = self.chatwoot.delete(f"/contacts/{contact_id}")
        else:
            reply = self.helpcrunch.delete(f"/customers/{contact_id}")
        assert reply.status_code in (200, 204), (how, reply.status_code, reply.text)

    def reads(self, contact_id: int) -> dict[str, int]:
        """How each API answers a read of the contact."""
        return {
            "native": self.native.get(f"/contacts/{contact_id}").status_code,
            "notificore": self.notificore.get(f"/contacts/{contact_id}").status_code,
            "chatwoot": self.chatwoot.get(f"/contacts/{contact_id}").status_code,
            "helpcrunch": self.helpcrunch.get(f"/customers/{contact_id}").status_code,
        }

    def found(self, contact_id: int, needle: str, group: int) -> dict[str, bool]:
        """Where the contact shows up: listings, searches, its group, the export."""
        native_q = self.native.get("/contacts", params={"q": needle}).json()["items"]
        native_all = self.native.get("/contacts", params={"limit": 1000}).json()["items"]
        native_list = self.native.get("/contacts", params={"list": group}).json()["items"]
        nc_list = self.notificore.get("/contacts", params={"groups[]": group, "limit": 100})
        assert nc_list.status_code == 200, nc_list.text
        cw_q = self.chatwoot.get("/contacts/search", params={"q": needle})
        assert cw_q.status_code == 200, cw_q.text
        hc_q = self.helpcrunch.post(
            "/customers/search",
            json={"filter": [{"field": "customers.name", "operator": "~", "value": needle}]},
        )
        assert hc_q.status_code == 200, hc_q.text
        export = self.native.get("/contacts/export", params={"format": "ndjson"}).text
        return {
            "native q": any(c["id"] == contact_id for c in native_q),
            "native list": any(c["id"] == contact_id for c in native_all),
            "native members": any(c["id"] == contact_id for c in native_list),
            "notificore group": any(c["id"] == contact_id for c in nc_list.json()["data"]),
            "chatwoot q": any(c["id"] == contact_id for c in cw_q.json()["payload"]),
            "helpcrunch ~": any(c["id"] == contact_id for c in hc_q.json()["data"]),
            "export": needle in export,
        }

    def counts(self, group: int) -> dict[str, int]:
        account = self.native.get("/account").json()
        nc_group = self.notificore.get(f"/groups/{group}").json()["data"]
        native_group = self.native.get(f"/lists/{group}").json()
        return {
            "contacts": account["contacts"],
            "with phone": account["contacts_with_phone"],
            "list items": native_group["items"],
            "list stopped": native_group["stop_list_count"],
            "notificore items": nc_group["items"],
            "notificore stopped": nc_group["stop_list_count"],
        }


@pytest.fixture
def apis(tenant: Tenant) -> Any:
    made = Apis(tenant)
    yield made
    made.close()


WAYS = ["native", "notificore", "notificore-ids", "notificore-groups", "chatwoot", "helpcrunch"]


@pytest.mark.parametrize("how", WAYS)
def test_deleted_through_any_api_is_gone_everywhere_and_restored_everywhere(
    how: str, apis: Apis
) -> None:
    mark = _mark()
    native = apis.native
    group = make_list(native, name=f"Group {mark}")
    phone = "+447700900777"
    made = make_contact(native, phone=phone, email=f"d-{mark}@example.com", name=f"Dora{mark}",
                        external_id=f"d-{mark}", tags=["t"], lists=[group])  # fmt: skip
    neighbour = make_contact(native, phone="+447700900778", name="Neighbour", lists=[group])
    # A stopped phone counts in the group's stop_list_count: the delete and restore move it.
    stopped = native.post("/stoplist", json={"phones": [phone], "channels": ["sms"]})
    assert stopped.status_code in (200, 201), stopped.text
    before = apis.counts(group)
    assert before == {"contacts": 2, "with phone": 2, "list items": 2, "list stopped": 1,
                      "notificore items": 2, "notificore stopped": 1}  # fmt: skip
    assert all(apis.found(made["id"], f"Dora{mark}", group).values())

    apis.delete(how, made["id"], group)

    reads = apis.reads(made["id"])
    assert reads == {"native": 404, "notificore": 422, "chatwoot": 404, "helpcrunch": 404}
    assert apis.notificore.get(f"/contacts/{made['id']}").json()["message"] == (
        "Invalid contact id"
    )
    assert not any(apis.found(made["id"], f"Dora{mark}", group).values())
    if how == "notificore-groups":  # the whole group went: the neighbour too
        assert apis.counts(group) == {"contacts": 0, "with phone": 0, "list items": 0,
                                      "list stopped": 0, "notificore items": 0,
                                      "notificore stopped": 0}  # fmt: skip
        assert native.post(f"/trash/{neighbour['id']}/restore").status_code == 200
    assert apis.counts(group) == {"contacts": 1, "with phone": 1, "list items": 1,
                                  "list stopped": 0, "notificore items": 1,
                                  "notificore stopped": 0}  # fmt: skip
    source = "notificore" if how.startswith("notificore") else how
    listed = native.get("/trash").json()["items"]
    assert [(i["id"], i["deleted_by"]["source"]) for i in listed if i["id"] == made["id"]] == [
        (made["id"], source)
    ]
    _clean(apis.tenant)

    # Its identifiers are free at once; once the new holder goes, the restore brings it back.
    taker = make_contact(native, phone=phone, email=f"d-{mark}@example.com",
                         external_id=f"d-{mark}")  # fmt: skip
    assert native.delete(f"/contacts/{taker['id']}").status_code == 204

    restored = native.post(f"/trash/{made['id']}/restore")
    assert restored.status_code == 200, restored.text
    assert apis.reads(made["id"]) == dict.fromkeys(reads, 200)
    assert all(apis.found(made["id"], f"Dora{mark}", group).values())
    assert apis.counts(group) == before
    assert restored.json()["tags"] == ["t"]
    _clean(apis.tenant)


def test_an_identity_another_contact_took_meanwhile_stays_with_it(tenant: Tenant) -> None:
    mark = _mark()
    inbox = tenant.native.post("/inboxes", json={"name": f"Inbox {mark}"}).json()["id"]
    base = f"{tenant.server.url}/api/v1/accounts/{tenant.account_id}"
    with httpx.Client(base_url=base, headers={"api_access_token": tenant.api_key}) as cw:
        first, second = (make_contact(tenant.native, name=n)["id"] for n in ("First", "Second"))
        body = {"inbox_id": inbox, "source_id": f"visitor-{mark}"}
        assert cw.post(f"/contacts/{first}/contact_inboxes", json=body).status_code == 200
        assert tenant.native.delete(f"/contacts/{first}").status_code == 204
        # The source id is free once its contact is in the trash.
        assert cw.post(f"/contacts/{second}/contact_inboxes", json=body).status_code == 200

        assert tenant.native.post(f"/trash/{first}/restore").status_code == 200
        held = {
            cid: [i["source_id"] for i in cw.get(f"/contacts/{cid}").json()["payload"]
                  ["contact_inboxes"]]
            for cid in (first, second)
        }  # fmt: skip
    assert held == {first: [], second: [f"visitor-{mark}"]}
    _clean(tenant)
