"""Every listing reads its page in a fixed number of statements, however many contacts the page
holds: relations, custom values and totals come with the page, never a statement per row.

Statements are counted on the live server's own engine while real HTTP clients call each API's
list, search and filter endpoints, once with a page of 3 contacts and once with a page of 23.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from tests.support.factories import Tenant, make_chatwoot_contact, make_list
from tests.support.live import LiveServer

SMALL, LARGE = 3, 23
# A page of 30 with lists, tags and custom values: auth, the page, and what shapes it (the
# total, the field catalogue). Far below a statement per row.
MOST = 6
_TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK"}
_BACKGROUND = {"contactbook-jobs", "contactbook-trash-purge"}


class StatementCounter:
    """Counts the statements request handlers send through the server's engine.

    Left out, as none depends on the page: the job runner's polling and the trash's purge
    (background tasks of the server), transaction control, and
    reads of the field catalogue (cached per process for a few seconds, so present or not
    depending on timing).
    """

    def __init__(self, server: LiveServer) -> None:
        assert server.db is not None
        self.engine = server.db.engine.sync_engine
        self.lock = threading.Lock()
        self.statements: list[str] = []

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        task = asyncio.current_task()
        if task is not None and task.get_name() in _BACKGROUND:
            return
        if "FROM fields" in statement and "ORDER BY fields.id" in statement:
            return
        if statement.split(" ", 1)[0] in _TRANSACTION_CONTROL:  # SQLite's own BEGIN
            return
        with self.lock:
            self.statements.append(statement)

    def count(self, call: Callable[[], httpx.Response]) -> tuple[int, httpx.Response]:
        with self.lock:
            self.statements.clear()
        reply = call()
        with self.lock:
            return len(self.statements), reply


@pytest.fixture
def book(tenant: Tenant) -> Iterator[dict[str, Any]]:
    """An account whose contacts each have two lists, two tags and two custom values."""
    native = tenant.native
    lists = [make_list(native, f"List {n}") for n in (1, 2)]
    for key in ("plan", "seats"):
        kind = "number" if key == "seats" else "text"
        assert native.post("/fields", json={"name": key, "key": key, "type": kind}).is_success
    inbox = native.post("/inboxes", json={"name": "Web", "channel_type": "api"}).json()["id"]
    login = httpx.post(tenant.server.url + "/api/auth/login", json={"api_key": tenant.api_key})
    with (
        httpx.Client(
            base_url=tenant.server.url + "/api",
            headers={"Authorization": f"Bearer {login.json()['bearer']}"},
            timeout=30,
        ) as notificore,
        httpx.Client(
            base_url=f"{tenant.server.url}/api/v1/accounts/{tenant.account_id}",
            headers={"api_access_token": tenant.api_key},
            timeout=30,
        ) as chatwoot,
        httpx.Client(
            base_url=tenant.server.url + "/v1",
            headers={"Authorization": f"Bearer {tenant.api_key}"},
            timeout=30,
        ) as helpcrunch,
    ):
        yield {
            "tenant": tenant,
            "lists": lists,
            "inbox": inbox,
            "native": native,
            "notificore": notificore,
            "chatwoot": chatwoot,
            "helpcrunch": helpcrunch,
        }


def grow_to(book: dict[str, Any], total: int) -> None:
    """Add Novak contacts until the account has `total` of them (through the Chatwoot API,
    so each also has an inbox identity), each in both lists with tags and custom values."""
    native, chatwoot = book["native"], book["chatwoot"]
    have = native.get("/contacts", params={"q": "novak", "limit": 1000}).json()["items"]
    for n in range(len(have), total):
        contact_id = make_chatwoot_contact(
            chatwoot,
            inbox_id=book["inbox"],
            name=f"Novak {n}",
            email=f"novak{n}@example.com",
            phone_number=f"+4477009{n:05d}",
            custom_attributes={"plan": "gold", "seats": n},
        )["id"]
        patched = native.patch(
            f"/contacts/{contact_id}", json={"tags": ["vip", "lead"], "lists": book["lists"]}
        )
        assert patched.status_code == 200, patched.text


FILTER = {
    "payload": [
        {"attribute_key": "plan", "filter_operator": "equal_to", "values": ["gold"],
         "query_operator": None},
    ]
}  # fmt: skip
SEARCH = {
    "filter": [{"field": "customers.name", "operator": "~", "value": "novak"}],
    "limit": 100,
}

# (name, client, method, path, params or JSON body, where the page's items are)
LISTINGS: list[tuple[str, str, str, str, Any, Callable[[Any], list[Any]]]] = [
    ("native list", "native", "GET", "/contacts", {"limit": 100}, lambda b: b["items"]),
    ("native search", "native", "GET", "/contacts", {"q": "novak", "count": "true"},
     lambda b: b["items"]),
    ("native custom-field filter", "native", "GET", "/contacts",
     {"filter": "plan:eq:gold", "tag": "vip"}, lambda b: b["items"]),
    ("notificore list", "notificore", "GET", "/contacts", {"page[limit]": 100},
     lambda b: b["data"]),
    ("notificore list of a group", "notificore", "GET", "/contacts",
     {"page[limit]": 100, "groups[]": "LIST"}, lambda b: b["data"]),
    ("notificore search", "notificore", "GET", "/contacts/search",
     {"search[field]": "phone", "search[operator]": "like", "search[value]": "4477009",
      "page[limit]": 100}, lambda b: b["data"]),
    ("chatwoot list", "chatwoot", "GET", "/contacts", {"include_contact_inboxes": "true"},
     lambda b: b["payload"]),
    ("chatwoot search", "chatwoot", "GET", "/contacts/search", {"q": "novak"},
     lambda b: b["payload"]),
    ("chatwoot filter", "chatwoot", "POST", "/contacts/filter", FILTER, lambda b: b["payload"]),
    ("helpcrunch list", "helpcrunch", "GET", "/customers", {"limit": 100}, lambda b: b["data"]),
    ("helpcrunch search", "helpcrunch", "POST", "/customers/search", SEARCH,
     lambda b: b["data"]),
]  # fmt: skip


@pytest.mark.parametrize("listing", LISTINGS, ids=[item[0] for item in LISTINGS])
def test_listing_statements_do_not_grow_with_the_page(
    book: dict[str, Any], server: LiveServer, listing: tuple[Any, ...]
) -> None:
    name, client_name, method, path, given, items_of = listing
    client: httpx.Client = book[client_name]
    given = {k: (book["lists"][0] if v == "LIST" else v) for k, v in given.items()}

    def call() -> httpx.Response:
        if method == "GET":
            return client.get(path, params=given)
        return client.post(path, json=given)

    counts = {}
    with StatementCounter(server) as counter:
        for size in (SMALL, LARGE):
            grow_to(book, size)  # the write also makes any cached reply stale
            counts[size], reply = counter.count(call)
            assert reply.status_code == 200, reply.text
            # Chatwoot pages hold 15; every other page here holds all of them.
            assert len(items_of(reply.json())) == (min(size, 15) if client_name == "chatwoot"
                                                  else size), name  # fmt: skip
    # (A short page may take one more step to find out that nothing follows it.)
    assert counts[LARGE] <= counts[SMALL], f"{name}: {counts} statements for {SMALL}/{LARGE}"
    assert counts[LARGE] <= MOST, (
        f"{name}: {counts[LARGE]} statements for one page: {counter.statements}"
    )
