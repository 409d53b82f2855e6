"""Policy differences with their values: a leaf as `path: old → new`, a list as what it gains and loses."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.ops.diffs import changes


@pytest.mark.parametrize(
    ("old", "new", "lines"),
    [
        (
            {"rules": {"flood": {"max_messages": 8}}},
            {"rules": {"flood": {"max_messages": 12}}},
            ["rules.flood.max_messages: 8 → 12"],
        ),
        ({"allow": ["a", "b", "c"]}, {"allow": ["c", "d"]}, ["allow: removed a, b; added d"]),
        ({"allow": ["a", "b"]}, {"allow": ["b", "a"]}, ['allow: ["a", "b"] → ["b", "a"]']),
        ({}, {"locale": "en"}, ["locale: (unset) → en"]),
        ({"name_pattern": None}, {"name_pattern": "[A-Z].*"}, ["name_pattern: null → [A-Z].*"]),
        ({"example": ""}, {"example": "周报, 第一版"}, ['example: "" → "周报, 第一版"']),
        (
            {"extra_terms": {}},
            {"extra_terms": {"abuse": ["蠢货"]}},
            ['extra_terms.abuse: (unset) → ["蠢货"]'],
        ),
        ({"mode": "warn"}, {"mode": "warn"}, []),
    ],
)
def test_each_change_is_shown_with_its_values(
    old: dict[str, Any], new: dict[str, Any], lines: list[str]
) -> None:
    assert [change.line() for change in changes(old, new)] == lines
