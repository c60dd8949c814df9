"""Typed query parameters shared by the native routes (ids are the kit's, `web.kit.ids`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from contactbook.domain.paging import MAX_OFFSET
from contactbook.web.kit.ids import ListedId

Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")]
QueryIds = Annotated[
    list[ListedId] | None,
    Query(alias="list", description="Members of any of these lists"),
]
