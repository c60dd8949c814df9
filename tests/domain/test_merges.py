"""The merge rule on its own: the base wins, blanks never do."""

from __future__ import annotations

from datetime import UTC, datetime

from contactbook.domain.contacts import UNSET, Contact, CustomValue
from contactbook.domain.fields import FieldDefinition, FieldType
from contactbook.domain.merges import deep_merge, is_blank, merge_changes

PLAN = FieldDefinition(1, "plan", "Plan", FieldType.TEXT)
SEATS = FieldDefinition(2, "seats", "Seats", FieldType.NUMBER)


def test_blank_values() -> None:
    blanks: tuple[object, ...] = (None, "", "  ", {}, [], ())
    assert all(is_blank(v) for v in blanks)
    assert not any(is_blank(v) for v in (0, False, "x", {"a": None}, [None]))


def test_deep_merge_puts_the_base_on_top_and_drops_blanks() -> None:
    base = {"a": {"x": 1, "y": ""}, "b": None, "c": [1], "d": "base"}
    under = {"a": {"x": 2, "y": 3, "z": {}}, "b": 2, "c": [], "d": "under", "e": ""}
    assert deep_merge(base, under) == {"a": {"x": 1, "y": 3}, "b": 2, "c": [1], "d": "base"}


def test_merge_changes_fill_only_the_bases_gaps() -> None:
    base = Contact(
        id=1,
        account_id=1,
        name="Base",
        email="b@example.com",
        custom=(CustomValue(PLAN, "gold"),),
        additional_attributes={"k": 1},
    )
    mergee = Contact(
        id=2,
        account_id=1,
        name="Other",
        email="o@example.com",
        phone="+447700900123",
        company="ACME",
        blocked=True,
        last_seen=datetime(2024, 1, 1, tzinfo=UTC),
        custom=(CustomValue(PLAN, "silver"), CustomValue(SEATS, 3)),
        additional_attributes={"k": 2, "m": 3},
    )
    changes = merge_changes(base, mergee)
    assert changes.name is UNSET and changes.email is UNSET
    assert changes.phone == "+447700900123" and changes.company == "ACME"
    assert changes.last_seen == datetime(2024, 1, 1, tzinfo=UTC)
    assert changes.blocked is UNSET and changes.tags is UNSET and changes.lists is UNSET
    assert changes.custom == {2: 3}
    assert changes.additional_attributes == {"k": 1, "m": 3}
    assert changes.additional_mode == "replace"
    assert merge_changes(base, base).given() == {}
