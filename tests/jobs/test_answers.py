"""The one definition of "answered" that the assessment (R9.2) and the mention reminder (R5.2) share: a
member asked (by an @-mention, or by a question replying to their message) answers with their next message
in the group, wherever it is."""

from __future__ import annotations

from chalicelib.jobs.answers import asks
from chalicelib.store.message_log import Entry


def msg(user: str, at: float, mid: str, **fields: object) -> Entry:
    return Entry(kind="msg", user=user, at=at, message_id=mid, **fields)  # type: ignore[arg-type]


def test_the_next_message_of_the_member_answers_every_ask_before_it() -> None:
    log = [
        msg("U1", 0, "a", mentions=("U2",)),
        msg("U3", 60, "b", mentions=("U2",)),
        msg("U2", 600, "c"),  # not in the thread, not a reply: still their answer
        msg("U1", 700, "d", mentions=("U2",)),
    ]
    found = [(a.user, a.entry.message_id, a.answer.message_id if a.answer else None) for a in asks(log)]
    assert found == [("U2", "a", "c"), ("U2", "b", "c"), ("U2", "d", None)]
    assert [a.minutes for a in asks(log)] == [10.0, 9.0, None]


def test_a_question_in_reply_asks_the_author_of_what_it_replies_to_only_when_asked_for() -> None:
    log = [msg("U2", 0, "a"), msg("U1", 60, "b", reply_to="a", question=True)]
    assert asks(log) == []
    (ask,) = asks(log, questions=True)
    assert (ask.user, ask.by_question, ask.answer) == ("U2", True, None)


def test_nobody_asks_themselves_and_files_and_acknowledgements_are_not_answers() -> None:
    log = [
        msg("U1", 0, "a", mentions=("U1", "U2")),
        Entry(kind="file", user="U2", at=10, message_id="f", files=1),
        Entry(kind="ack", user="U2", at=20, message_id="ack-1", ref="A1"),
    ]
    (ask,) = asks(log)
    assert (ask.user, ask.answer) == ("U2", None)
