"""Facts: what one domain tells the others about a decision, as typed values rather than note keys.

A handler puts facts on its `Decision` (`Decision.facts`); once the decision is carried out and recorded,
the worker hands each fact to the handlers the domains registered for its type (`FACTS` in a domain's
handlers module, `chalicelib.worker.registry`). A fact handler answers with a decision of its own, which
goes through the same `act()` and outbox, under the event's claim and the fact's name. No domain reads
another's notes.

Facts are frozen dataclasses of plain values; they are kept in the outbox with the decision (the generic
record codec), so a redelivery that finishes the decision still hands them on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fact:
    """The base of every fact."""


@dataclass(frozen=True)
class CaseOpened(Fact):
    """Moderation opened a case on a member's message: its ref and the rules it broke."""

    ref: str
    rules: tuple[str, ...]


FACT_KINDS: dict[str, type] = {cls.__name__: cls for cls in (CaseOpened,)}
