"""The setup card's policy presets: named overlays that pass the strict policy checks, and that replace
one another in a group's override without touching what the group set by hand."""

from __future__ import annotations

import pytest

from chalicelib.core.policy_checks import check_data
from chalicelib.membership.presets import PRESETS, STANDARD, preset_of, with_preset

SCOPE = "group:slack:T1:C1"
HAND_SET = {"locale": "en", "rules": {"flood": {"window_seconds": 5}}}


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_is_a_valid_group_override(name: str) -> None:
    check_data(SCOPE, with_preset(HAND_SET, name))


@pytest.mark.parametrize("first", sorted(PRESETS))
@pytest.mark.parametrize("then", sorted(PRESETS))
def test_choosing_another_preset_leaves_only_its_settings_and_the_groups_own(first: str, then: str) -> None:
    switched = with_preset(with_preset(HAND_SET, first), then)
    assert switched == with_preset(HAND_SET, then)
    assert preset_of(switched) == then
    assert switched["locale"] == "en" and switched["rules"]["flood"]["window_seconds"] == 5


def test_standard_is_the_organisations_policy_as_it_is() -> None:
    assert with_preset(with_preset({}, "strict"), STANDARD) == {}
    assert preset_of({}) == STANDARD


def test_a_mixture_of_presets_is_none_of_them() -> None:
    assert preset_of({"rules": {"flood": {"max_messages": 6}}}) is None


def test_an_unknown_preset_is_refused() -> None:
    with pytest.raises(KeyError):
        with_preset({}, "lenient")
