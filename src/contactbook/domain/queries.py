"""How callers ask for contacts: a condition tree, a visibility, a sort and a page.

Every dialect's list, search and filter translates into one `ContactQuery`; storage compiles it
to SQL once, so the same semantics hold on every API and both databases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from contactbook.domain.errors import InvalidInput, ProblemCode
from contactbook.domain.fields import FieldDefinition, FieldRef
from contactbook.domain.text import check_text

# Longest text a condition compares with. Longer than any identifying field and than a custom
# text value; and short enough that SQLite's 50,000-byte limit on a LIKE pattern holds for any
# text (4 bytes a character in UTF-8, plus the wildcards).
SEARCH_TEXT_MAX_LENGTH = 10_000
# Most conditions (leaves of the tree) one query may hold, and most values they compare with
# in all. SQLite refuses expressions nested 1,000 deep, which a few hundred conditions reach;
# PostgreSQL takes at most 32,767 parameters a statement.
MAX_CONDITIONS = 100
MAX_VALUES = 1_000


class Op(StrEnum):
    """Comparison operators."""

    EQ = "eq"
    NE = "ne"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    CONTAINS = "contains"
    NOT_CONTAINS = "not_contains"
    STARTS_WITH = "starts_with"
    PRESENT = "present"
    ABSENT = "absent"
    IN = "in"


class Visibility(StrEnum):
    """Which contacts a dialect can represent (docs/design.md §3.6)."""

    ALL = "all"
    WITH_PHONE = "with_phone"
    RESOLVED = "resolved"  # phone, email or external id present


# A contact holding any of these is "resolved"; each is unique within an account.
IDENTIFIERS = ("phone", "email", "external_id")


def is_resolved(phone: object, email: object, external_id: object) -> bool:
    """True if the contact holds a phone, an email or an external id."""
    return phone is not None or email is not None or external_id is not None


def is_visible(visibility: Visibility, phone: object, email: object, external_id: object) -> bool:
    """Whether a dialect showing `visibility` can represent a contact with these identifiers."""
    if visibility is Visibility.WITH_PHONE:
        return phone is not None
    if visibility is Visibility.RESOLVED:
        return is_resolved(phone, email, external_id)
    return True


# Canonical attributes a condition or sort may name, with their kind.
ATTRIBUTES: dict[str, str] = {
    "id": "int",
    "phone": "text",
    "email": "text",
    "name": "text",
    "external_id": "text",
    "company": "text",
    "city": "text",
    "country_code": "text",
    "region_code": "text",
    "locale": "text",
    "notes": "text",
    "source": "text",
    "referer": "text",
    "last_page": "text",
    "created_from": "text",
    "integration_id": "text",
    "hlr_status": "text",
    "blocked": "bool",
    "unsubscribed": "bool",
    "first_seen": "time",
    "last_seen": "time",
    "created_at": "time",
    "updated_at": "time",
    "tags": "tag",  # value: a tag name
    "lists": "list",  # value: a list id
}


@dataclass(frozen=True, slots=True)
class CustomField:
    """A custom field named in a condition, before or after resolution."""

    ref: FieldRef
    definition: FieldDefinition | None = None


@dataclass(frozen=True, slots=True)
class ChannelIdentity:
    """A contact's identity (source id) in any inbox of one channel kind (`telegram`, `viber`,
    `whatsapp`…): HelpCrunch's `telegramId` and friends."""

    channel: str


class PhoneForm(StrEnum):
    """How a dialect writes the phone a condition on "phone" compares with. The service turns
    the value into the stored (E.164) form once, for whole-value comparisons (EQ, NE, IN,
    STARTS_WITH); a part of a number (CONTAINS, NOT_CONTAINS) is compared as written, and so is
    a phone condition without a form.
    """

    NUMBER = "number"
    """Any common spelling, national ones read with the account's default region; a value that
    is no phone number is compared as written (HelpCrunch)."""
    INTERNATIONAL = "international"
    """The international digits, their "+" optional: compared as "+" and the value without
    any "+" (Chatwoot, Notificore). Not read as a number, so a prefix stays a prefix."""


@dataclass(frozen=True, slots=True)
class Condition:
    """`target op value`; `ci` compares text case-insensitively; `phone` says how a phone
    value is written (see `PhoneForm`).

    For IN, CONTAINS and NOT_CONTAINS the value may be a tuple: IN and CONTAINS match any of it,
    NOT_CONTAINS matches none of it. For "tags", EQ means "has the tag" and NE "has not". For a
    `ChannelIdentity`, a positive operator means "has an identity that matches" and NE or
    NOT_CONTAINS "has none that matches".
    """

    target: str | CustomField | ChannelIdentity
    op: Op
    value: object = None
    ci: bool = False
    phone: PhoneForm | None = None


@dataclass(frozen=True, slots=True)
class All:
    """Every item holds."""

    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one item holds."""

    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """The item does not hold."""

    item: Expr


Expr = Condition | All | AnyOf | Not


@dataclass(frozen=True, slots=True)
class SortKey:
    """One sort column; `nulls_last` None means the database's default placement."""

    target: str | CustomField
    descending: bool = False
    nulls_last: bool | None = None
    ci: bool = False


@dataclass(frozen=True, slots=True)
class ContactQuery:
    """A page of contacts.

    Paging is by `offset` or, when `after` is given, by keyset after that sort position (the
    position is the sort key values of the last row followed by its id). `with_total` asks for
    the number of matches across pages; `probe_next` fetches one extra row to tell whether more
    follow. `include` names relations to load: "lists", "tags", "inboxes".
    """

    visibility: Visibility = Visibility.ALL
    where: Expr | None = None
    sort: tuple[SortKey, ...] = ()
    offset: int = 0
    limit: int = 30
    after: tuple[object, ...] | None = None
    with_total: bool = False
    probe_next: bool = False
    include: frozenset[str] = field(default_factory=lambda: frozenset({"lists", "tags"}))


def text_search(text: str, targets: Sequence[str], *, ci: bool = True) -> Expr:
    """Substring match of `text` on any of `targets`."""
    return AnyOf(tuple(Condition(target, Op.CONTAINS, text, ci=ci) for target in targets))


def all_of(*items: Expr | None) -> Expr | None:
    """AND of the given expressions, skipping None; None when nothing is left."""
    present = tuple(item for item in items if item is not None)
    if not present:
        return None
    if len(present) == 1:
        return present[0]
    return All(present)


def check_search_text(text: str, path: str) -> str:
    """Return `text`, a value (or a name) a condition compares with.

    Raises: InvalidInput naming `path` when it holds NUL or a lone surrogate, or is longer
    than `SEARCH_TEXT_MAX_LENGTH`.
    """
    check_text(text, path)
    if len(text) > SEARCH_TEXT_MAX_LENGTH:
        raise InvalidInput.single(
            path, ProblemCode.TOO_LONG, f"At most {SEARCH_TEXT_MAX_LENGTH} characters."
        )
    return text


def check_query(where: Expr | None, path: str = "query") -> None:
    """Check a condition tree before it reaches SQL: its size, and every text it compares
    with or names (custom field keys, channel names).

    Raises: InvalidInput naming `path`.
    """
    if where is None:
        return
    conditions = list(_leaves(where))
    if len(conditions) > MAX_CONDITIONS:
        raise InvalidInput.single(
            path, ProblemCode.TOO_MANY, f"At most {MAX_CONDITIONS} conditions in one query."
        )
    values = 0
    for condition in conditions:
        compared = condition.value if isinstance(condition.value, list | tuple) else (
            condition.value,
        )  # fmt: skip
        values += len(compared)
        target = condition.target
        names = [target] if isinstance(target, str) else []
        if isinstance(target, ChannelIdentity):
            names.append(target.channel)
        elif isinstance(target, CustomField) and isinstance(target.ref, str):
            names.append(target.ref)
        for text in [*names, *(v for v in compared if isinstance(v, str))]:
            check_search_text(text, path)
    if values > MAX_VALUES:
        raise InvalidInput.single(
            path, ProblemCode.TOO_MANY, f"At most {MAX_VALUES} values in one query."
        )


def _leaves(node: Expr) -> list[Condition]:
    if isinstance(node, All | AnyOf):
        return [leaf for item in node.items for leaf in _leaves(item)]
    if isinstance(node, Not):
        return _leaves(node.item)
    return [node]
