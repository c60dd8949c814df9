"""Typed path and query parameters shared by the native routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

from contactbook.domain.ids import MAX_ID
from contactbook.domain.paging import MAX_OFFSET

PathId = Annotated[int, Path(ge=1, le=MAX_ID, description="A positive 64-bit id")]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")]
QueryIds = Annotated[
    list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None,
    Query(alias="list", description="Members of any of these lists"),
]
