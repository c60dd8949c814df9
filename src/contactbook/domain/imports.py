"""Bulk import rules: which columns mean what, how a row becomes a contact, what a summary says.

A row goes through the same rules as the APIs (phone normalisation with the account's region,
email rules, lengths, custom value types). A blank cell means "no value given": on an update it
leaves the stored value alone. Tags and lists cells add to what a contact has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import orjson

from contactbook.domain.contacts import BOOL_FIELDS, TEXT_FIELDS, ContactInput, clean_plain_fields
from contactbook.domain.encodings import DEFAULT_ENCODING
from contactbook.domain.errors import InvalidInput, Problem, ProblemCode
from contactbook.domain.fields import FieldDefinition, Scalar, coerce_value
from contactbook.domain.free_json import check_object
from contactbook.domain.ids import MAX_ID, parse_id
from contactbook.domain.lists import clean_list_text
from contactbook.domain.tags import normalise_tag_name

# Columns with a canonical meaning; every other column is a custom field by key.
CANONICAL_COLUMNS = (
    "id",
    "phone",
    "email",
    *TEXT_FIELDS,
    *BOOL_FIELDS,
    "first_seen",
    "last_seen",
    "tags",
    "lists",
    "device",
    "additional_attributes",
)
# An NDJSON row is a native contact object (with `id`, and lists by id or name): custom values
# nest under `custom_fields`, and any other key is refused as the native API refuses it.
CUSTOM_FIELDS = "custom_fields"
OBJECT_KEYS = frozenset((*CANONICAL_COLUMNS, CUSTOM_FIELDS))
LIST_SEPARATOR = ";"
MAX_ROW_TAGS = 100


class OnConflict(StrEnum):
    """What a row that matches an existing contact (or an earlier row) does."""

    UPDATE = "update"
    SKIP = "skip"


class ImportFormat(StrEnum):
    CSV = "csv"
    NDJSON = "ndjson"


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """How to run an import. `aliases` renames columns (a vendor's `phone_number` → `phone`);
    `encoding` is the file's, a canonical codec name (`check_encoding`)."""

    format: ImportFormat = ImportFormat.CSV
    on_conflict: OnConflict = OnConflict.UPDATE
    list_name: str | None = None
    aliases: Mapping[str, str] = field(default_factory=dict)
    encoding: str = DEFAULT_ENCODING


@dataclass(slots=True)
class CleanRow:
    """A row that passed every rule: column values as storage wants them."""

    line: int
    values: dict[str, object]
    custom: dict[str, Scalar]
    tags: list[str] = field(default_factory=list)
    lists: list[str | int] = field(default_factory=list)
    id: int | None = None

    def keys(self) -> tuple[object, object, object]:
        return self.values.get("phone"), self.values.get("email"), self.values.get("external_id")


@dataclass(frozen=True, slots=True)
class RowError:
    """A refused row: where it was and why."""

    line: int
    field: str
    reason: str
    raw: Mapping[str, object]

    @classmethod
    def refusing(cls, line: int, exc: InvalidInput, raw: Mapping[str, object]) -> RowError:
        """The refusal of a row that broke the rules `exc` lists (each field and why)."""
        reason = "; ".join(f"{p.field}: {p.message}" for p in exc.problems)
        return cls(line, exc.problems[0].field, reason, raw)


@dataclass(slots=True)
class ImportSummary:
    """What an import did; `rows` = created + updated + skipped + rejected."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0
    seconds: float = 0.0

    def add(self, other: ImportSummary) -> None:
        self.rows += other.rows
        self.created += other.created
        self.updated += other.updated
        self.skipped += other.skipped
        self.rejected += other.rejected

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "rejected": self.rejected,
            "seconds": round(self.seconds, 3),
        }


def custom_columns(header: Sequence[str]) -> list[str]:
    """The header's columns that name custom fields (everything not canonical)."""
    return [name for name in header if name and name not in CANONICAL_COLUMNS]


def object_columns(value: Mapping[str, object]) -> dict[str, object]:
    """An NDJSON row's values by column, as `clean_row` reads them: the standard attributes as
    they are, each custom value under its key.

    Raises: InvalidInput naming a key the native contact object does not have
    (`extra_forbidden`), a `custom_fields` that is not an object, or a custom key that names a
    standard attribute (a custom value never sets one).
    """
    problems = [
        Problem(
            key,
            ProblemCode.EXTRA_FORBIDDEN,
            f"Extra inputs are not permitted (extra_forbidden); custom values go under "
            f"{CUSTOM_FIELDS}.",
            value[key],
        )
        for key in value
        if key not in OBJECT_KEYS
    ]
    columns = {key: item for key, item in value.items() if key != CUSTOM_FIELDS}
    nested = value.get(CUSTOM_FIELDS)
    if isinstance(nested, Mapping):
        for key, item in nested.items():
            if key in OBJECT_KEYS:
                problems.append(
                    Problem(
                        f"{CUSTOM_FIELDS}.{key}",
                        ProblemCode.RESERVED_KEY,
                        "The key is reserved for a standard contact attribute; give it at the "
                        "top level.",
                        key,
                    )
                )
            else:
                columns[key] = item
    elif nested is not None:
        problems.append(
            Problem(CUSTOM_FIELDS, ProblemCode.INVALID_TYPE, "Expected a JSON object.", nested)
        )
    if problems:
        raise InvalidInput(problems)
    return columns


def object_of(columns: Mapping[str, object]) -> dict[str, object]:
    """The NDJSON row `columns` came from (`object_columns`), as a refusal shows it."""
    row = {key: value for key, value in columns.items() if key in OBJECT_KEYS}
    custom = {key: value for key, value in columns.items() if key not in OBJECT_KEYS}
    return {**row, CUSTOM_FIELDS: custom} if custom else row


def clean_row(
    line: int,
    raw: Mapping[str, object],
    fields_by_column: Mapping[str, FieldDefinition],
    default_region: str | None,
) -> CleanRow:
    """Apply every rule to one row.

    Raises: InvalidInput listing each problem (fields named as columns).
    """
    data = ContactInput()
    problems: list[Problem] = []
    custom: dict[str, Scalar] = {}
    tags: list[str] = []
    lists: list[str | int] = []
    row_id: int | None = None
    extra: dict[str, object] = {}
    for column, value in raw.items():
        if value is None or value == "" or column is None:
            continue
        try:
            if column == "id":
                row_id = _as_id(value)
            elif column in TEXT_FIELDS or column in ("phone", "email"):
                setattr(data, column, value if isinstance(value, str) else _scalar_text(value))
            elif column in BOOL_FIELDS:
                setattr(data, column, _as_bool(value, column))
            elif column in ("first_seen", "last_seen"):
                setattr(data, column, _as_time(value, column))
            elif column == "tags":
                tags = _names(value, column)
            elif column == "lists":
                lists = _list_refs(value)
            elif column in ("device", "additional_attributes"):
                extra[column] = check_object(_as_object(value, column), column)
            else:
                definition = fields_by_column.get(column)
                if definition is None:
                    raise InvalidInput.single(column, ProblemCode.UNKNOWN_FIELD, "No such field.")
                custom[str(definition.id)] = coerce_value(definition, value, column)
        except InvalidInput as exc:
            problems.extend(exc.problems)
    try:
        values = clean_plain_fields(data, default_region)
    except InvalidInput as exc:
        problems.extend(exc.problems)
        values = {}
    if problems:
        raise InvalidInput(problems)
    values.update(extra)
    return CleanRow(line, values, custom, tags, lists, row_id)


def _scalar_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise InvalidInput.single("value", ProblemCode.INVALID_TYPE, "Expected text.", value)


def _as_id(value: object) -> int:
    found = parse_id(str(value).strip())
    if found is None:
        raise InvalidInput.single("id", ProblemCode.INVALID_VALUE, "Not a contact id.", value)
    return found


def _as_bool(value: object, column: str) -> bool:
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in ("true", "1", "yes", "y"):
        return True
    if lowered in ("false", "0", "no", "n"):
        return False
    raise InvalidInput.single(column, ProblemCode.INVALID_TYPE, "Expected true or false.", value)


def _as_time(value: object, column: str) -> datetime:
    try:
        if isinstance(value, int | float) or str(value).strip().isdigit():
            return datetime.fromtimestamp(float(str(value).strip()), UTC)
        moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError) as exc:
        raise InvalidInput.single(
            column, ProblemCode.INVALID_TYPE, "Expected an ISO 8601 time.", value
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _split(value: object) -> list[object]:
    """A list cell: a JSON array (`["a;b", "c"]`), or names separated by `;`."""
    if isinstance(value, list):
        return value
    text = str(value).strip()
    if text.startswith("["):
        try:
            parsed = orjson.loads(text)
        except orjson.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list):
            return parsed
    return list(text.split(LIST_SEPARATOR))


def _names(value: object, column: str) -> list[str]:
    parts = _split(value)
    names = [normalise_tag_name(str(p), column) for p in parts if str(p).strip()]
    if len(names) > MAX_ROW_TAGS:
        raise InvalidInput.single(column, ProblemCode.TOO_MANY, "Too many tags in one row.")
    return list(dict.fromkeys(names))


def _list_refs(value: object) -> list[str | int]:
    """List ids (JSON numbers) and names, each checked as the lists API checks it: a row
    naming a list that cannot exist is refused, not the whole import."""
    refs: list[str | int] = []
    problems: list[Problem] = []
    for part in _split(value):
        if isinstance(part, bool) or not isinstance(part, int | str):
            problems.append(
                Problem("lists", ProblemCode.INVALID_TYPE, "Expected list ids or names.", part)
            )
        elif isinstance(part, int):
            if 1 <= part <= MAX_ID:
                refs.append(part)
            else:
                problems.append(Problem("lists", ProblemCode.UNKNOWN_LIST, f"No list {part}."))
        elif part.strip():
            try:
                name, _ = clean_list_text(part, None)
            except InvalidInput as exc:
                problems.extend(
                    Problem("lists", p.code, f"{part.strip()!r}: {p.message}", part)
                    for p in exc.problems
                )
                continue
            assert name is not None
            refs.append(name)
    if problems:
        raise InvalidInput(problems)
    return refs


def _as_object(value: object, column: str) -> object:
    if isinstance(value, Mapping):
        return value
    try:
        return orjson.loads(str(value))
    except orjson.JSONDecodeError as exc:
        raise InvalidInput.single(
            column, ProblemCode.INVALID_TYPE, "Expected a JSON object.", value
        ) from exc


# --- planning a batch -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Existing:
    """A stored contact that some row's keys touch."""

    id: int
    phone: str | None
    email: str | None
    external_id: str | None
    version: int = 0


@dataclass(slots=True)
class Entry:
    """One write of a batch: a new contact (`contact_id` None) or an update of a stored one."""

    row: CleanRow
    contact_id: int | None
    before: Existing | None = None


@dataclass(slots=True)
class BatchPlan:
    """What a batch will write, and what it counts."""

    entries: list[Entry] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)


def row_keys(row: CleanRow) -> list[str]:
    """The unique keys a row can match on, tagged by kind."""
    keys = [f"id:{row.id}"] if row.id is not None else []
    named = zip(("phone", "email", "external_id"), row.keys(), strict=True)
    keys += [f"{kind}:{value}" for kind, value in named if value is not None]
    return keys


def plan_batch(
    rows: Sequence[CleanRow], existing: Sequence[Existing], on_conflict: OnConflict
) -> BatchPlan:
    """Decide, row by row and in file order, what each row does.

    A row matching one stored contact (by id, phone, email or external id) updates it, or is
    skipped; a row matching an earlier row of the batch merges into it (later values win), or is
    skipped; a row whose keys point at two different contacts is refused, since writing it would
    break uniqueness.
    """
    stored: dict[str, Existing] = {}
    for contact in existing:
        stored[f"id:{contact.id}"] = contact
        for kind, value in (
            ("phone", contact.phone),
            ("email", contact.email),
            ("external_id", contact.external_id),
        ):
            if value is not None:
                stored[f"{kind}:{value}"] = contact
    plan = BatchPlan()
    earlier: dict[str, Entry] = {}
    for row in rows:
        keys = row_keys(row)
        hits = {stored[key].id: stored[key] for key in keys if key in stored}
        entries = {id(earlier[key]): earlier[key] for key in keys if key in earlier}
        if len(hits) > 1:
            plan.errors.append(_clash(row, "more than one existing contact", sorted(hits)))
            continue
        if len(entries) > 1:
            plan.errors.append(_clash(row, "more than one earlier row", []))
            continue
        target = next(iter(hits.values()), None)
        if entries:
            entry = next(iter(entries.values()))
            if target is not None and entry.contact_id != target.id:
                plan.errors.append(_clash(row, "another existing contact", [target.id]))
                continue
            if on_conflict is OnConflict.SKIP:
                plan.skipped += 1
                continue
            _merge(entry.row, row)
            plan.updated += 1
        elif target is not None:
            if on_conflict is OnConflict.SKIP:
                plan.skipped += 1
                continue
            entry = Entry(row, target.id, target)
            plan.entries.append(entry)
            plan.updated += 1
        else:
            entry = Entry(row, None)
            plan.entries.append(entry)
            plan.created += 1
        for key in keys:
            earlier[key] = entry
    return plan


def _merge(into: CleanRow, row: CleanRow) -> None:
    into.values.update(row.values)
    into.custom.update(row.custom)
    into.tags = list(dict.fromkeys([*into.tags, *row.tags]))
    into.lists = list(dict.fromkeys([*into.lists, *row.lists]))
    into.id = into.id if into.id is not None else row.id


def _clash(row: CleanRow, what: str, ids: list[int]) -> RowError:
    phone, email, _ = row.keys()
    field_name = "phone" if phone is not None else "email" if email is not None else "external_id"
    detail = f" ({', '.join(map(str, ids))})" if ids else ""
    return RowError(
        row.line,
        field_name,
        f"The row's phone, email or external id match {what}{detail}; a contact's keys are unique.",
        {},
    )
