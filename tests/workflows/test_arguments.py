"""Reading the workflows' commands: durations people write, leading flags, and the text after them kept
as it was typed."""

from __future__ import annotations

import pytest

from chalicelib.core.events import CommandIssued
from chalicelib.workflows.common import ArgumentError, leading_flags, parse_duration, short_ref, text_after

DAY = 86400


def command(text: str) -> CommandIssued:
    words = text.split()
    return CommandIssued(
        platform="slack",
        tenant="T1",
        event_id="e1",
        occurred_at=0.0,
        chat="C1",
        user="U1",
        name=words[0],
        args=tuple(words[1:]),
        text=text,
    )


@pytest.mark.parametrize(
    ("word", "seconds"),
    [
        ("90m", 5400),
        ("12h", 43200),
        ("3d", 3 * DAY),
        ("2w", 14 * DAY),
        ("1.5d", 1.5 * DAY),
        ("3天", 3 * DAY),
        ("12小时", 43200),
        ("3", None),
        ("soon", None),
        ("-1d", None),
    ],
)
def test_a_duration_is_read_in_minutes_hours_days_or_weeks(word: str, seconds: float | None) -> None:
    assert parse_duration(word) == seconds


@pytest.mark.parametrize(
    ("args", "flags", "rest"),
    [
        (("--ack", "会议", "改期"), {"ack": True}, ("会议", "改期")),
        (("--expires", "3d", "text"), {"expires": 3 * DAY}, ("text",)),
        (("--expires=12h", "--ack", "text"), {"expires": 43200, "ack": True}, ("text",)),
        (("text", "--ack"), {}, ("text", "--ack")),  # only leading words are flags
        ((), {}, ()),
    ],
)
def test_leading_flags_are_read_and_the_rest_left_alone(
    args: tuple[str, ...], flags: dict[str, object], rest: tuple[str, ...]
) -> None:
    parsed = leading_flags(args, switches=("ack",), durations=("expires",))
    assert (parsed.flags, parsed.words, parsed.consumed) == (flags, rest, len(args) - len(rest))


@pytest.mark.parametrize(
    "args", [("--expires", "soon", "x"), ("--pin", "x"), ("--ack=yes", "x"), ("--expires",)]
)
def test_an_unknown_or_malformed_flag_is_refused(args: tuple[str, ...]) -> None:
    with pytest.raises(ArgumentError):
        leading_flags(args, switches=("ack",), durations=("expires",))


def test_the_text_after_the_flags_keeps_its_lines_and_spacing() -> None:
    issued = command("announce --ack 第一行\n第二行  保留空格")
    assert text_after(issued, 1) == "第一行\n第二行  保留空格"


def test_a_ref_is_short_and_the_same_for_a_redelivered_event() -> None:
    issued = command("announce hi")
    assert short_ref("A", issued) == short_ref("A", issued)
    assert len(short_ref("A", issued)) == 7 and short_ref("A", issued).startswith("A")
