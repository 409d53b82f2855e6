"""Who was asked something in a group's message log, and their answer: the one definition of "answered"
that the assessment's responsiveness (R9.2, `chalicelib.jobs.scoring`) and the reminder of an unanswered
mention (R5.2, `chalicelib.workflows.unanswered`) share. Pure.

A member is asked by a message that @-mentions them and, with `questions`, by a question (`Entry.question`)
posted in reply to a message of theirs (in its thread, or replying to it). Nobody asks themselves.

Their answer is the first message they post in the group after it, wherever: in the thread, in reply, or
anywhere else in the group. The log keeps no text, so the bot cannot tell what a message answers; a member
who has posted since has been back in the group and has seen it. So one message of theirs answers every ask
of them before it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.store.message_log import Entry


@dataclass(frozen=True)
class Ask:
    user: str  # who was asked (the platform's native id)
    entry: Entry  # the message that asked
    answer: Entry | None = None  # their first message after it
    by_question: bool = False  # asked by a question in reply to their message, not by an @-mention

    @property
    def minutes(self) -> float | None:
        """How long the answer took, or None: no answer."""
        return None if self.answer is None else (self.answer.at - self.entry.at) / 60.0


def asks(entries: Iterable[Entry], *, questions: bool = False) -> list[Ask]:
    """Every ask among `entries` (oldest first; only messages count, `kind` "msg") with its answer, in the
    order asked. A member both mentioned and questioned by one message is asked once (as mentioned). A
    question replying to a message older than `entries` asks nobody: its author is not known."""
    authors: dict[str, str] = {}  # message id -> its author
    pending: dict[str, list[int]] = defaultdict(list)  # member -> their unanswered asks (indexes)
    found: list[Ask] = []
    for entry in entries:
        if entry.kind != "msg":
            continue
        for n in pending.pop(entry.user, ()):
            found[n] = Ask(found[n].user, found[n].entry, entry, found[n].by_question)
        authors.setdefault(entry.message_id, entry.user)
        asked = dict.fromkeys((m for m in entry.mentions if m and m != entry.user), False)
        if questions and entry.question and entry.reply_to:
            parent = authors.get(entry.reply_to)
            if parent and parent != entry.user:
                asked.setdefault(parent, True)
        for user, by_question in asked.items():
            pending[user].append(len(found))
            found.append(Ask(user, entry, None, by_question))
    return found
