"""chatwoot-sdk 0.2.0, unmodified, against the live server: every contacts call it offers."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from chatwoot import AsyncChatwootClient, ChatwootClient
from chatwoot.exceptions import ChatwootAPIError, ChatwootAuthError, ChatwootNotFoundError
from chatwoot.types.contact import Contact, ContactCreateResponse

from tests.support.factories import Tenant
from tests.support.live import LiveServer


def contacts(found: object) -> list[Contact]:
    """A listing the SDK returns. It annotates them `list[Contact]` inside a class whose own
    method `list` shadows the builtin, so a type checker cannot read that annotation."""
    assert isinstance(found, list)
    assert all(isinstance(contact, Contact) for contact in found)
    return found


def test_contacts_lifecycle(sdk: ChatwootClient, tenant: Tenant, inbox_id: int) -> None:
    account = tenant.account_id
    created = sdk.contacts.create(
        account,
        inbox_id,
        name="Ada",
        email="ada@example.com",
        phone_number="+14155552671",
        identifier="ada-1",
        custom_attributes={"plan": "gold"},
        additional_attributes={"company_name": "ACME"},
    )
    assert isinstance(created, ContactCreateResponse)
    assert created.contact.email == "ada@example.com"
    assert isinstance(created.contact_inbox.source_id, str)
    assert created.contact.contact_inboxes[0].source_id == created.contact_inbox.source_id
    contact_id = created.contact.id

    got = sdk.contacts.get(account, contact_id)
    assert isinstance(got, Contact)
    assert (got.id, got.name, got.phone_number, got.identifier) == (
        contact_id,
        "Ada",
        "+14155552671",
        "ada-1",
    )
    assert got.custom_attributes == {"plan": "gold"}
    assert got.additional_attributes == {"company_name": "ACME"}
    assert got.created_at is not None and got.blocked is False

    updated = sdk.contacts.update(account, contact_id, name="Ada L", custom_attributes={"n": 2})
    assert updated.name == "Ada L" and updated.custom_attributes == {"plan": "gold", "n": 2}

    listed = sdk.contacts.list(account, page=1)
    assert [c.id for c in contacts(listed)] == [contact_id]
    assert sdk.contacts.list(account, page=2) == []
    assert [c.id for c in contacts(sdk.contacts.search(account, "ada l"))] == [contact_id]

    assert sdk.contacts.labels.add(account, contact_id, ["vip", "lead"]) == ["vip", "lead"]
    assert sdk.contacts.labels.add(account, contact_id, ["lead"]) == ["lead"]
    assert sdk.contacts.labels.list(account, contact_id) == ["lead"]

    reachable = sdk.contacts.contactable_inboxes(account, contact_id)
    assert reachable == [
        {
            "inbox": {
                "id": inbox_id,
                "avatar_url": "",
                "channel_id": inbox_id,
                "name": "API inbox",
                "channel_type": "Channel::Api",
                "provider": None,
            },
            "source_id": created.contact_inbox.source_id,
        }
    ]
    assert sdk.contacts.conversations(account, contact_id) == []

    sdk.contacts.delete(account, contact_id)
    with pytest.raises(ChatwootNotFoundError):
        sdk.contacts.get(account, contact_id)


def test_merge(sdk: ChatwootClient, tenant: Tenant, inbox_id: int) -> None:
    account = tenant.account_id
    base = sdk.contacts.create(account, inbox_id, name="Base", email="base@example.com")
    mergee = sdk.contacts.create(
        account,
        inbox_id,
        name="Other",
        phone_number="+14155552671",
        custom_attributes={"plan": "gold"},
    )
    merged = sdk.contacts.merge(account, base.contact.id, mergee.contact.id)
    assert isinstance(merged, Contact)
    assert (merged.id, merged.name, merged.email, merged.phone_number) == (
        base.contact.id,
        "Base",
        "base@example.com",
        "+14155552671",
    )
    assert merged.custom_attributes == {"plan": "gold"}
    with pytest.raises(ChatwootNotFoundError):
        sdk.contacts.get(account, mergee.contact.id)
    assert len(sdk.contacts.get(account, base.contact.id).contact_inboxes) == 2


def test_errors_reach_the_sdk_as_its_exceptions(
    sdk: ChatwootClient, server: LiveServer, tenant: Tenant, inbox_id: int
) -> None:
    account = tenant.account_id
    with pytest.raises(ChatwootNotFoundError):
        sdk.contacts.get(account, 987654321)
    with pytest.raises(ChatwootNotFoundError):
        sdk.contacts.create(account, 987654321, name="x")
    sdk.contacts.create(account, inbox_id, email="taken@example.com")
    with pytest.raises(ChatwootAPIError) as invalid:
        sdk.contacts.create(account, inbox_id, email="taken@example.com")
    assert invalid.value.status_code == 422
    assert invalid.value.description == "Email has already been taken"
    wrong_key = "cbk_0_" + "x" * 43
    with (
        ChatwootClient(base_url=server.url, api_token=wrong_key) as stranger,
        pytest.raises(ChatwootAuthError) as denied,
    ):
        stranger.contacts.list(account)
    assert denied.value.description == "Unknown error"  # the SDK reads no `error` key
    # Chatwoot's own missing-token body makes this SDK fail on its `errors` strings.
    with (
        ChatwootClient(base_url=server.url, api_token="") as anonymous,
        pytest.raises(AttributeError),
    ):
        anonymous.contacts.list(account)
    response = httpx.get(f"{server.url}/api/v1/accounts/{account}/contacts")
    assert response.json() == {"errors": ["You need to sign in or sign up before continuing."]}


def test_async_client(server: LiveServer, tenant: Tenant, inbox_id: int) -> None:
    async def go() -> tuple[int, list[int], str]:
        async with AsyncChatwootClient(base_url=server.url, api_token=tenant.api_key) as client:
            made = await client.contacts.create(tenant.account_id, inbox_id, name="Async")
            listed = await client.contacts.search(tenant.account_id, "async")
            got = await client.contacts.update(tenant.account_id, made.contact.id, name="Done")
            return made.contact.id, [c.id for c in contacts(listed)], got.name or ""

    contact_id, listed, name = asyncio.run(go())
    assert listed == [contact_id] and name == "Done"
