"""Fields defined by display name alone get a free, unreserved key."""

from __future__ import annotations

import pytest

from contactbook.domain.errors import InvalidInput
from contactbook.domain.fields import FieldInput, FieldScope, FieldType
from contactbook.services import named_fields
from contactbook.storage.uow import UnitOfWork
from tests.support.factories import Tenant


def define(tenant: Tenant, name: str, **extra: object) -> str:
    async def work(uow: UnitOfWork) -> str:
        data = FieldInput(name=name, **extra)  # type: ignore[arg-type]
        return (await named_fields.define_named_field(uow, tenant.ctx, data)).key

    return tenant.unit(work)


def test_keys_are_slugs_made_free(tenant: Tenant) -> None:
    keys = [define(tenant, name) for name in ("Plan", "plan", "Plan!", "Email", "Дата", "Дата")]
    assert keys == ["plan", "plan_2", "plan_3", "email_2", "f_", "f_2"]


def test_scopes_have_their_own_keys(tenant: Tenant) -> None:
    assert define(tenant, "Topic") == "topic"
    assert define(tenant, "Topic", scope=FieldScope.CONVERSATION) == "topic"


def test_long_names_keep_room_for_the_suffix(tenant: Tenant) -> None:
    name = "x" * 120
    first, second = define(tenant, name), define(tenant, name, type=FieldType.NUMBER)
    assert first == "x" * 100 and second == "x" * 92 + "_2"


def test_the_name_is_still_checked(tenant: Tenant) -> None:
    with pytest.raises(InvalidInput) as caught:
        define(tenant, "   ")
    assert caught.value.fields == ("name",)
