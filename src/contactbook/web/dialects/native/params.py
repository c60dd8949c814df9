"""Typed path and query parameters shared by the native routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

MAX_ID = 2**63 - 1

PathId = Annotated[int, Path(ge=1, le=MAX_ID, description="A positive 64-bit id")]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
QueryIds = Annotated[
    list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None,
    Query(alias="list", description="Members of any of these lists"),
]
