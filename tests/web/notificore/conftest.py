"""Fixtures: the tenant (and another one) seen through the Notificore API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.factories import Tenant
from tests.web.notificore.support import Notificore, connect


@pytest.fixture
def nc(tenant: Tenant) -> Iterator[Notificore]:
    session = connect(tenant)
    yield session
    session.close()


@pytest.fixture
def other_nc(other_tenant: Tenant) -> Iterator[Notificore]:
    session = connect(other_tenant)
    yield session
    session.close()
