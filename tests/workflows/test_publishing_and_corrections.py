"""Publishing approval and corrections, decided purely: when approvers are reminded, and which message a
correction names."""

from __future__ import annotations

import pytest

from chalicelib.core.events import CommandIssued
from chalicelib.workflows.corrections import link_of, target_and_note
from chalicelib.workflows.publishing import plan

H = 3600


@pytest.mark.parametrize(
    ("remind", "expire", "expected"),
    [
        ((24.0, 48.0), 72.0, [("remind", 24), ("remind", 48), ("lapse", 72)]),
        ((24.0, 48.0), 36.0, [("remind", 24), ("lapse", 36)]),
        ((), 12.0, [("lapse", 12)]),
    ],
)
def test_approvers_are_reminded_before_the_submission_lapses(
    remind: tuple[float, ...], expire: float, expected: list[tuple[str, float]]
) -> None:
    assert [(kind, at / H) for kind, at in plan(0.0, remind, expire)] == expected


def command(text: str, *, reply_to: str | None = None) -> CommandIssued:
    words = text.split()
    return CommandIssued(
        platform="slack",
        tenant="T1",
        event_id="e1",
        occurred_at=0.0,
        chat="C1",
        user="UADMIN",
        name=words[0],
        args=tuple(words[1:]),
        text=text,
        reply_to=reply_to,
    )


@pytest.mark.parametrize(
    ("text", "reply_to", "target", "note"),
    [
        (
            "correct https://x.slack.com/archives/C1/p1 时间是周五",
            None,
            "https://x.slack.com/archives/C1/p1",
            "时间是周五",
        ),
        ("correct 1700000000.000100 时间是周五", None, "1700000000.000100", "时间是周五"),
        ("correct 时间是周五", "1700000000.000100", "1700000000.000100", "时间是周五"),
        ("correct only-a-ref", None, "only-a-ref", ""),
    ],
    ids=["link", "id", "in-thread", "no-note"],
)
def test_a_correction_names_the_original_by_link_id_or_thread(
    text: str, reply_to: str | None, target: str, note: str
) -> None:
    issued = command(text, reply_to=reply_to)
    assert target_and_note(issued, issued.args, 0) == (target, note)


def test_a_link_is_shown_as_is_and_an_id_quoted() -> None:
    assert link_of("https://example.com/m/1") == "https://example.com/m/1"
    assert link_of("1700000000.000100") == "「1700000000.000100」"
