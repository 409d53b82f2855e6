"""What the reminder of an unanswered mention (R5.2) keeps: each reminder sent, and who opted out.

- A reminder is one item per asking message and member asked (`MREM#{gid}` /
  `{time}#{message id}#{uid}`), written with a conditional put before the reminder is sent: a second run, a
  redelivered job or two workers at once find it there and send nothing. It expires a couple of days after
  the mention (once the job no longer looks back that far, and its day's count is over); the job reads the
  group's reminders with one Query, for what was reminded and how many each member had today.
- A person's opt-out (`remind off`) is one item in their own partition (`PREF#{uid}`), for all their
  groups on that messenger and workspace; `remind on` deletes it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from chalicelib.jobs.periods import local_day
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item

DAY = 86400
KEEP_DAYS = 2  # beyond the look-back (`within_hours`): the local day of the last reminder is over by then


@dataclass(frozen=True)
class Sent:
    """The group's reminders still kept: which asks were reminded, and per member how many today."""

    reminded: frozenset[tuple[str, str]]  # (message id, native user id)
    today: dict[str, int]
    items: int = 0


class MentionRecords:
    def __init__(self, store: Store) -> None:
        self.store = store

    def sent(self, gid: str, now: float, offset_hours: float) -> Sent:
        """One Query of the group's reminders."""
        reminded: set[tuple[str, str]] = set()
        today: Counter[str] = Counter()
        day = local_day(now, offset_hours)
        items = 0
        for item in self.store.query_items(keys.mention_reminder_pk(gid)):
            items += 1
            user = str(item.data.get("user", ""))
            reminded.add((str(item.data.get("message_id", "")), user))
            if local_day(float(item.data.get("sent_at", 0.0)), offset_hours) == day:
                today[user] += 1
        return Sent(frozenset(reminded), dict(today), items)

    def claim(
        self, gid: str, uid: str, user: str, *, message_id: str, at: float, now: float, within_hours: float
    ) -> bool:
        """Record the reminder of one ask, once: False when it was recorded before (send nothing)."""
        item = Item(
            keys.mention_reminder_pk(gid),
            keys.mention_reminder_sk(at, message_id, uid),
            {"user": user, "message_id": message_id, "at": at, "sent_at": now},
            expires_at=int(at + within_hours * 3600) + KEEP_DAYS * DAY,
        )
        return self.store.put_item(item, if_absent=True)

    # Opting out ------------------------------------------------------------------------------------
    def opted_out(self, uid: str) -> bool:
        return self.store.get_item(keys.person_settings_pk(uid), keys.MENTION_REMINDERS_OFF_SK) is not None

    def opt_out(self, uid: str, now: float) -> None:
        self.store.put_item(Item(keys.person_settings_pk(uid), keys.MENTION_REMINDERS_OFF_SK, {"at": now}))

    def opt_in(self, uid: str) -> None:
        self.store.delete_item(keys.person_settings_pk(uid), keys.MENTION_REMINDERS_OFF_SK)
