"""R5.3: how heated one message reads, and the exchange between two members it belongs to. Pure.

A message's heat counts the signs of a quarrel people recognise, not its subject: abusive words (the
lexicon's `abuse` hits, two each, at most four), shouting in capitals, runs of exclamation or question
marks ("!!", "？！"), and the same person @-mentioned more than once in it. The pipeline adds each message's
count and heat to the pair of members it passes between (the person it @-mentions, else the person who
spoke just before) and hands the heated-exchange rule an `Exchange`: who, how many messages each, how hot.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

ABUSE_HEAT = 2
MAX_ABUSE_HEAT = 4
_BURST = re.compile(r"[!！?？]{2,}")
_CAPS_WORD = re.compile(r"(?<![A-Za-z])[A-Z]{3,}(?![A-Za-z])")
_MIN_LETTERS = 8
_CAPS_SHARE = 0.7


@dataclass(frozen=True)
class Exchange:
    """Two members' messages to each other in the current window, this message included.

    `members` are native ids in a fixed order; `messages` counts each one's; `heat` is the total and
    `heat_now` this message's own share; `poster` is who sent this message."""

    members: tuple[str, str]
    messages: tuple[int, int]
    heat: int
    heat_now: int
    poster: str
    window_seconds: int

    @property
    def total(self) -> int:
        return sum(self.messages)

    def before(self) -> Exchange:
        """The exchange as it stood before this message."""
        counts = tuple(
            n - 1 if member == self.poster else n
            for member, n in zip(self.members, self.messages, strict=True)
        )
        return Exchange(
            self.members,
            (max(counts[0], 0), max(counts[1], 0)),
            max(self.heat - self.heat_now, 0),
            0,
            self.poster,
            self.window_seconds,
        )

    def partner(self) -> str:
        return self.members[1] if self.members[0] == self.poster else self.members[0]


def shouting(text: str) -> bool:
    """Mostly capitals, in at least two words of three or more letters ("STOP IT NOW", not "OK" or "API")."""
    letters = [char for char in text if char.isascii() and char.isalpha()]
    if len(letters) < _MIN_LETTERS:
        return False
    share = sum(char.isupper() for char in letters) / len(letters)
    return share >= _CAPS_SHARE and len(_CAPS_WORD.findall(text)) >= 2


def message_heat(text: str, *, abuse_hits: int, partner_mentions: int = 0) -> int:
    """The heat of one message: abusive words, shouting, bursts of "!!"/"？！", and the partner @-mentioned
    more than once (`partner_mentions` is how many times the message names them)."""
    heat = min(abuse_hits * ABUSE_HEAT, MAX_ABUSE_HEAT)
    if _BURST.search(text):
        heat += 1
    if shouting(text):
        heat += 1
    if partner_mentions > 1:
        heat += 1
    return heat


def pair(one: str, other: str) -> tuple[str, str]:
    """A pair of members in a fixed order, whoever spoke first."""
    first, second = sorted((one, other))
    return first, second


def addressee(poster: str, mentions: Sequence[str], previous_speaker: str | None) -> str | None:
    """Whom a message answers: the first member it @-mentions, else whoever spoke just before (never the
    poster themself)."""
    for member in mentions:
        if member and member != poster:
            return member
    if previous_speaker and previous_speaker != poster:
        return previous_speaker
    return None


__all__ = ["Exchange", "addressee", "message_heat", "pair", "shouting"]
