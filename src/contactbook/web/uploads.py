"""Receiving import files: the uploaded bytes as a stream, never held in memory, bounded by the
upload limit (not the JSON body limit) while they arrive; `accept_import` stores them."""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.requests import Request

from contactbook.domain.errors import InvalidInput, ProblemCode
from contactbook.domain.imports import ImportFormat
from contactbook.services.jobs.import_acceptance import UploadTooLarge
from contactbook.web.body_limit import ContentTooLarge, allow_body

NDJSON_TYPES = ("application/x-ndjson", "application/ndjson", "application/jsonl",
                "application/x-jsonlines")  # fmt: skip


def format_of(given: str | None, content_type: str | None, filename: str | None) -> ImportFormat:
    """The file's format: as asked, else from the content type, else from the file name.

    Raises: InvalidInput (`format`) for an unknown format name.
    """
    if given:
        try:
            return ImportFormat(given.lower())
        except ValueError as exc:
            raise InvalidInput.single(
                "format", ProblemCode.INVALID_CHOICE, "Use csv or ndjson.", given
            ) from exc
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in NDJSON_TYPES:
        return ImportFormat.NDJSON
    if filename and filename.lower().endswith((".ndjson", ".jsonl")):
        return ImportFormat.NDJSON
    return ImportFormat.CSV


async def upload_chunks(
    request: Request, field: str, limit: int
) -> tuple[AsyncIterator[bytes], str | None, str | None]:
    """The uploaded file's bytes, its file name and content type: the multipart part named
    `field`, or else the raw body; the request may send up to `limit` bytes.

    Raises: InvalidInput (`field`) when a multipart request lacks that part, UploadTooLarge.
    """
    allow_body(request.scope, limit)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        try:
            form = await request.form()
        except ContentTooLarge as exc:
            raise UploadTooLarge from exc
        part = form.get(field)
        if part is None or isinstance(part, str):
            await form.close()
            raise InvalidInput.single(field, ProblemCode.REQUIRED, f"Send the file as '{field}'.")

        async def from_part() -> AsyncIterator[bytes]:
            try:
                while chunk := await part.read(1024 * 1024):
                    yield chunk
            finally:
                await form.close()  # drops the parser's spooled temporary file

        return from_part(), part.filename, part.content_type
    return _bounded(request.stream()), None, content_type


async def _bounded(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """The raw body's bytes; the request's own limit, counted as they arrive, is an
    `UploadTooLarge` like the upload limit."""
    try:
        async for chunk in chunks:
            yield chunk
    except ContentTooLarge as exc:
        raise UploadTooLarge from exc
    finally:
        closer = getattr(chunks, "aclose", None)
        if closer is not None:
            await closer()
