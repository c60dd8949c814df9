"""Pure parts of the Chatwoot dialect: Rails' ways of reading values."""

from __future__ import annotations

import pytest

from contactbook.domain.contacts import UNSET
from contactbook.domain.errors import InvalidInput, NotFound
from contactbook.web.dialects.chatwoot.contact_input import (
    E164,
    contact_input,
    label_names,
    rails_bool,
)
from contactbook.web.dialects.chatwoot.params import page_of, wants_inboxes
from contactbook.web.kit.ids import id_or_missing


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("+14155552671", True),
        ("abc+14155552671", True),
        ("+1 415 555 2671", False),
        ("14155552671", False),
        ("+0123", False),
        ("+1", False),
        ("+1234567890123456", False),
    ],
)
def test_chatwoots_phone_rule_is_anchored_at_the_end_only(text: str, ok: bool) -> None:
    assert bool(E164.search(text)) is ok


def test_rails_booleans() -> None:
    assert [rails_bool(v) for v in (True, "true", "1", "yes", "t", 1)] == [True] * 6
    assert [rails_bool(v) for v in (False, "false", "0", "off", "F", "", None, 0)] == [False] * 8


def test_pages_like_kaminari() -> None:
    assert page_of({}) == (1, 1)
    assert page_of({"page": "3"}) == (3, "3")
    assert page_of({"page": "3rd"}) == (3, "3rd")
    assert page_of({"page": 2}) == (2, 2)
    assert page_of({"page": "-1"}) == (1, "-1")
    assert page_of({"page": True}) == (1, True)
    assert page_of({"page": "9" * 40})[0] == 2**31 - 1


def test_include_contact_inboxes() -> None:
    assert wants_inboxes({}) and wants_inboxes({"include_contact_inboxes": "true"})
    assert not wants_inboxes({"include_contact_inboxes": "True"})
    assert not wants_inboxes({"include_contact_inboxes": None})


def test_labels_like_acts_as_taggable_on() -> None:
    assert label_names(["a, b", "B", " c ", ",", "a"]) == ["a", "b", "c"]
    assert label_names("x,y") == ["x", "y"]
    assert label_names(None) == [] and label_names([]) == []


def test_path_ids() -> None:
    assert id_or_missing("12") == 12
    for bad in ("0", "-1", "1.5", "²", str(2**63), "abc", ""):
        with pytest.raises(NotFound):
            id_or_missing(bad)


def test_contact_input_splits_additional_attributes() -> None:
    data = contact_input(
        {
            "additional_attributes": {"company_name": 7, "city": None, "social": {"x": "y"}},
            "email": "A@B.C",
            "unknown": 1,
        }
    )
    assert (data.company, data.city, data.country_code) == ("7", None, UNSET)
    assert data.additional_attributes == {"social": {"x": "y"}}
    assert data.email == "A@B.C" and data.name is UNSET and data.custom is UNSET
    with pytest.raises(InvalidInput) as refused:
        contact_input({"phone_number": "0800", "identifier": "x" * 256})
    assert [(p.field, p.code) for p in refused.value.problems] == [
        ("external_id", "too_long"),
        ("phone", "invalid_phone"),
    ]
