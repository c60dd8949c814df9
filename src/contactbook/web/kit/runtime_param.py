"""The process runtime as a handler parameter: `rt: Rt`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from contactbook.web.deps import runtime_of
from contactbook.web.runtime import Runtime


async def runtime(request: Request) -> Runtime:
    return runtime_of(request)


Rt = Annotated[Runtime, Depends(runtime)]
