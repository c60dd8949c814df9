"""Recorded values turned back into input, and which of a record's changes can be undone."""

from __future__ import annotations

from datetime import UTC, datetime

from contactbook.domain.changes import FieldChanges
from contactbook.domain.contacts import UNSET
from contactbook.domain.reversal import changed_values, input_of, undoable
from contactbook.domain.tags import TagInput


def test_changed_values_name_what_differs_and_clear_what_the_target_lacks() -> None:
    current = {"name": "B", "email": "b@example.com", "tags": ["x"], "hlr_status": "active"}
    target = {"name": "A", "tags": ["x"], "custom_fields.plan": "gold"}
    assert changed_values(current, target) == {
        "name": "A",
        "email": None,
        "custom_fields.plan": "gold",
    }
    assert changed_values(target, target) == {}


def test_input_of_sets_only_the_fields_named_in_their_input_form() -> None:
    data = input_of({
        "name": "A", "email": None, "blocked": None, "last_seen": "2024-01-01T00:00:00Z",
        "additional_attributes.city": "Kyiv", "additional_attributes.n": None,
        "custom_fields.plan": "gold", "tags": ["vip"], "lists": [3, 1], "hlr_status": "active",
    })  # fmt: skip
    assert (data.name, data.email, data.blocked) == ("A", None, False)
    assert data.last_seen == datetime(2024, 1, 1, tzinfo=UTC)
    assert data.additional_attributes == {"city": "Kyiv", "n": None}
    assert data.additional_mode == "merge"
    assert data.custom == {"plan": "gold"}
    assert data.tags == [TagInput("vip")] and data.lists == [3, 1]
    assert data.phone is UNSET and data.company is UNSET
    empty = input_of({})
    assert empty.additional_attributes is UNSET and empty.custom is UNSET


def test_undoable_puts_back_what_still_holds_the_recorded_value() -> None:
    changes: FieldChanges = {
        "phone": {"from": None, "to": "+447700900123"},
        "company": {"from": None, "to": "ACME"},
        "custom_fields.seats": {"from": 2, "to": 4},
    }
    current = {"phone": "+447700900123", "company": "Later Ltd", "custom_fields.seats": 4}
    back, conflicts = undoable(changes, current)
    assert back == {"phone": None, "custom_fields.seats": 2}
    assert conflicts == ["company"]
