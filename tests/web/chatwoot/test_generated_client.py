"""chatwoot-python-client 1.0.0.18 (generated from an older swagger), unmodified, against the
live server: every contacts, contact inbox and custom attribute call it offers. Its host ends in
"/", so every request it makes starts with `//api/…`."""

from __future__ import annotations

import pytest
from chatwoot_client import (
    ApiClient,
    ContactApi,
    ContactCreate,
    ContactsApi,
    ContactsFilterBody,
    ContactUpdate,
    CustomAttributeCreateUpdatePayload,
    CustomAttributesApi,
    IdContactInboxesBody,
)
from chatwoot_client.models.apiv1accountsaccount_idcontactsfilter_payload import (
    Apiv1accountsaccountIdcontactsfilterPayload as Condition,
)
from chatwoot_client.rest import ApiException

from tests.support.factories import Tenant


def test_contacts_api(generated: ApiClient, tenant: Tenant, inbox_id: int) -> None:
    api, account = ContactsApi(generated), tenant.account_id
    created = api.contact_create(
        ContactCreate(
            inbox_id=inbox_id,
            name="Ada",
            email="ada@example.com",
            phone_number="+14155552671",
            identifier="ada-1",
            custom_attributes={"plan": "gold"},
        ),
        account,
    )
    contact = created.payload.contact
    assert contact.email == "ada@example.com" and contact.custom_attributes == {"plan": "gold"}
    assert contact.contact_inboxes[0].inbox.id == inbox_id
    contact_id = contact.id

    details = api.contact_details(account, contact_id)
    assert details.payload.contact.id == contact_id  # the seed's `payload.contact`
    assert details.payload.contact.phone_number == "+14155552671"

    updated = api.contact_update(ContactUpdate(name="Ada L"), account, contact_id)
    assert updated.payload.contact.name == "Ada L"

    listed = api.contact_list(account, sort="-name", page=1)
    assert [c["id"] for c in listed["payload"]] == [contact_id]
    assert listed["meta"] == {"count": 1, "current_page": "1"}
    searched = api.contact_search(account, q="ADA", sort="email", page=1)
    assert [c["id"] for c in searched.payload] == [contact_id]

    body = ContactsFilterBody(
        payload=[
            Condition(
                attribute_key="name",
                filter_operator="contains",
                values=["ada"],
                query_operator="AND",
            ),
            Condition(attribute_key="plan", filter_operator="equal_to", values=["GOLD"]),
        ]
    )
    filtered = api.contact_filter(body, account, page=1)
    assert [c["id"] for c in filtered["payload"]] == [contact_id]
    assert filtered["meta"]["count"] == 1

    assert api.contact_conversations(account, contact_id) == {"payload": []}
    assert api.contact_delete(account, contact_id) is None
    with pytest.raises(ApiException) as missing:
        api.contact_details(account, contact_id)
    assert missing.value.status == 404


def test_contact_api(generated: ApiClient, tenant: Tenant, inbox_id: int) -> None:
    contacts, api, account = ContactsApi(generated), ContactApi(generated), tenant.account_id
    made = contacts.contact_create(ContactCreate(inbox_id=inbox_id, name="Bo"), account)
    contact_id = made.payload.contact.id
    other = tenant.native.post("/inboxes", json={"name": "Second"}).json()["id"]
    identity = api.contact_inbox_creation(
        IdContactInboxesBody(inbox_id=other, source_id="bo-42"), account, contact_id
    )
    assert identity.source_id == "bo-42" and identity.inbox.id == other
    assert identity.inbox.channel_type == "Channel::Api"
    again = api.contact_inbox_creation(IdContactInboxesBody(inbox_id=other), account, contact_id)
    assert again.source_id == "bo-42"  # found, not made twice
    # The client models one object where Chatwoot sends `{"payload": [...]}`: empty, no crash.
    reachable = api.contactable_inboxes_get(account, contact_id)
    assert reachable.source_id is None and reachable.inbox is None
    with pytest.raises(ApiException) as unknown:
        api.contact_inbox_creation(IdContactInboxesBody(inbox_id=987654321), account, contact_id)
    assert unknown.value.status == 404


def test_custom_attributes_api(generated: ApiClient, tenant: Tenant) -> None:
    api, account = CustomAttributesApi(generated), tenant.account_id
    made = api.add_new_custom_attribute_to_account(
        CustomAttributeCreateUpdatePayload(
            attribute_display_name="Tier",
            attribute_display_type=6,
            attribute_key="tier",
            attribute_values=["gold", "silver"],
            attribute_model=1,
            attribute_description="Customer tier",
        ),
        account,
    )
    assert (made.attribute_key, made.attribute_display_type, made.attribute_model) == (
        "tier",
        "list",
        "contact_attribute",
    )
    conversation = api.add_new_custom_attribute_to_account(
        CustomAttributeCreateUpdatePayload(attribute_display_name="Topic", attribute_key="topic"),
        account,
    )
    assert conversation.attribute_model == "conversation_attribute"
    assert conversation.attribute_display_type == "text"

    contact_side = api.get_account_custom_attribute(account, "1")
    assert [d.attribute_key for d in contact_side] == ["tier"]
    assert [d.attribute_key for d in api.get_account_custom_attribute(account, "0")] == ["topic"]
    assert api.get_details_of_a_single_custom_attribute(account, made.id).attribute_key == "tier"

    changed = api.update_custom_attribute_in_account(
        CustomAttributeCreateUpdatePayload(
            attribute_display_name="Level", attribute_values=["gold", "silver", "bronze"]
        ),
        account,
        made.id,
    )
    assert changed.attribute_display_name == "Level"
    assert changed.attribute_values == "['gold', 'silver', 'bronze']"  # its model says str

    assert api.delete_custom_attribute_from_account(account, made.id) is None
    with pytest.raises(ApiException) as gone:
        api.get_details_of_a_single_custom_attribute(account, made.id)
    assert gone.value.status == 404
