"""R5.3's signals, on the moderation window (`chalicelib.moderation.signals`): whether the group is in slow
mode, and the exchange a message belongs to.

Slow mode is stamped on the group's moderation window items (`sm_until`, `sm_rate`: see
`chalicelib.moderation.slowmode`), so the one write every message already makes returns them: knowing
whether the group is in slow mode costs no request at all. A stamp is written as its value times 10^6
and each message adds one: UPDATED_OLD returns an attribute the write changed (moto returns nothing for
an unchanged one, even where DynamoDB would), and the count below 10^6 is dropped when it is read.

The exchange is counted only while the heated-exchange rule is on: the message's addressee (the member it
@-mentions, else whoever spoke just before, which the window write returns) and, in two more writes on the
group's exchange items of this half-window and the next, its count and heat added to that pair's (one
number per pair: fewer than a thousand messages each fit in a window). A message to nobody costs nothing
more.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from chalicelib.core.events import MessagePosted
from chalicelib.core.heat import Exchange, addressee, message_heat, pair
from chalicelib.core.lexicon import lexicon_for
from chalicelib.core.policy import GroupPolicy
from chalicelib.kernel.deps import Deps
from chalicelib.store import keys

SLOW_UNTIL = "sm_until"
SLOW_RATE = "sm_rate"
LAST_SPEAKER = "ls"
MARGIN_SECONDS = 120
SECOND_UNIT = 10**3
HEAT_UNIT = 10**6


STAMP_SCALE = 10**6


def slow_mode_probe() -> dict[str, int]:
    """Added to the window write: one more message on each stamp, so that the write returns them."""
    return {SLOW_UNTIL: 1, SLOW_RATE: 1}


def slow_mode_stamp(until: float, seconds: int) -> dict[str, int]:
    """The stamp of a slow mode (or, with 0, of none) as the window items hold it."""
    return {SLOW_UNTIL: int(until) * STAMP_SCALE, SLOW_RATE: int(seconds) * STAMP_SCALE}


def slow_mode_of(old: Mapping[str, Any], now: float) -> tuple[float | None, int]:
    """The slow mode the window item was stamped with, if it is still on: (until, seconds per message)."""
    until = float(int(old.get(SLOW_UNTIL) or 0) // STAMP_SCALE)
    if until <= now:
        return None, 0
    return until, int(old.get(SLOW_RATE) or 0) // STAMP_SCALE


def counting(policy: GroupPolicy) -> bool:
    return policy.effective_mode("heated") != "off"


def _pair_key(first: str, second: str) -> str:
    return hashlib.sha256(f"{first}\n{second}".encode()).hexdigest()[:10]


def count_exchange(
    event: MessagePosted, policy: GroupPolicy, now: float, previous_speaker: str | None, deps: Deps
) -> Exchange | None:
    """Add this message to the exchange between its poster and its addressee; the exchange as it now
    stands, or None for a message addressed to nobody."""
    partner = addressee(event.user, event.mentions, previous_speaker)
    if partner is None:
        return None
    settings = policy.rules.heated
    first, second = pair(event.user, partner)
    half = settings.window_seconds / 2
    slot = int(now // half)
    lexicon = policy.rules.lexicon
    abuse = len(lexicon_for(("abuse",), lexicon.extra_terms, lexicon.allow).match(event.text))
    mentioned = event.text.count(f"<@{partner}") or (1 if partner in event.mentions else 0)
    heat = message_heat(event.text, abuse_hits=abuse, partner_mentions=mentioned)
    # One number per pair: heat x 10^6 + the second's messages x 10^3 + the first's. Every message changes
    # it, so the write returns it (see the module's docstring on UPDATED_OLD). The window slides by half:
    # a message adds to its half-window's item and, ahead, to the next one's, so each item counts its own
    # half and the one before, and an exchange shorter than half the window is never cut in two.
    attribute = f"x_{_pair_key(first, second)}"
    step = heat * HEAT_UNIT + (SECOND_UNIT if event.user == second else 1)
    pk = keys.moderation_window_pk(event.gid)
    old = deps.store.bump_counters(
        pk, keys.exchange_sk(slot), {attribute: step}, {}, expires_at=int((slot + 2) * half) + MARGIN_SECONDS
    )
    deps.store.bump_counters(
        pk,
        keys.exchange_sk(slot + 1),
        {attribute: step},
        {},
        expires_at=int((slot + 3) * half) + MARGIN_SECONDS,
    )
    total = int(old.get(attribute, 0)) + step
    return Exchange(
        members=(first, second),
        messages=(total % SECOND_UNIT, (total % HEAT_UNIT) // SECOND_UNIT),
        heat=total // HEAT_UNIT,
        heat_now=heat,
        poster=event.user,
        window_seconds=settings.window_seconds,
    )
