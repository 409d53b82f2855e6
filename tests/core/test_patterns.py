"""Admin patterns on RE2 (`chalicelib.core.patterns`): Python's meaning for Unicode classes, named
groups, bounded input and patterns, and a reason an admin can act on for every refusal."""

from __future__ import annotations

import pytest

from chalicelib.core.patterns import MAX_SUBJECT, PatternError, check_pattern, match_whole, translate


@pytest.mark.parametrize(
    ("pattern", "subject"),
    [
        (r"\w+", "张三"),
        (r"\w+", "Zoë_2"),
        (r"\d+", "１２３"),  # Unicode digits, as in Python
        (r"a\sb", "a\u3000b"),
        (r"a\sb", "a\x0bb"),
        (r"[\w-]+", "张三-研发部"),
        (r"[\d\s]+", "1 ２\u3000"),
        (r"\S+", "张三"),
        (r"(?i)plan-v\d+\.pdf\Z", "PLAN-v2.pdf"),
        (r"[]a]+", "]a"),
        (r"[^]a]+", "bc"),
    ],
)
def test_python_classes_keep_their_unicode_meaning(pattern: str, subject: str) -> None:
    assert match_whole(pattern, subject) is not None


@pytest.mark.parametrize(("pattern", "subject"), [(r"\W+", "张三"), (r"\D", "５"), (r"\w+", "a-b")])
def test_negated_classes_exclude_what_python_excludes(pattern: str, subject: str) -> None:
    assert match_whole(pattern, subject) is None


def test_named_groups_are_returned() -> None:
    groups = match_whole(r"^(?P<name>[^-]+)-(?P<dept>.+)$", "张三-研发部")
    assert groups == {"name": "张三", "dept": "研发部"}


def test_a_subject_over_the_cap_does_not_match() -> None:
    assert match_whole(r".*", "a" * MAX_SUBJECT) is not None
    assert match_whole(r".*", "a" * (MAX_SUBJECT + 1)) is None


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(a)\1", "backreferences (\\1, \\2, ...) are not supported"),
        (r"(?P<x>a)(?P=x)", "backreferences ((?P=name)) and recursion are not supported"),
        (r"(?=a)a", "lookahead ((?=...)) is not supported"),
        (r"(?!a)b", "negative lookahead ((?!...)) is not supported"),
        (r"(?<=a)b", "lookbehind ((?<=...), (?<!...)) is not supported"),
        (r"(?>a)", "atomic groups ((?>...)) are not supported"),
        (r"a{1001}", "a repetition count is over 1000, or nested counts multiply past it"),
        (r"a**", "a repetition (*, +, ?, {n}) follows nothing or another repetition"),
        (r"[\W_]", "\\W inside [...] is not supported: write [^...] instead"),
        ("a" * 301, "the pattern is longer than 300 characters"),
        (r"(", "not a supported regular expression: missing ): ("),
    ],
)
def test_a_refused_pattern_comes_with_its_reason(pattern: str, reason: str) -> None:
    assert check_pattern(pattern) == reason
    with pytest.raises(PatternError, match=r"."):
        match_whole(pattern, "a")


def test_a_usable_pattern_has_no_reason() -> None:
    assert check_pattern(r"^(\w+\s?)+$") is None


def test_translate_rewrites_classes_outside_and_inside_brackets() -> None:
    assert translate(r"\w[\d]\Z") == r"[\p{L}\p{N}_][\p{Nd}]\z"
    assert translate(r"\.") == r"\."
