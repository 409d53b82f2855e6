"""The message log: what the assessment and the content review read about each message.

One item per message, `MSG#{gid}#{UTC day}` / `{time}#{message id}` (`chalicelib.store.message_log` has
the item's shape): who posted it, when, whether it replies to something (and to what), whom it
@-mentions, whether it asks a question, how many files it carries and their names; the text only where
the policy keeps messages (`retention.messages` days; absent by default). Acknowledgement clicks (`*.ack`
buttons) and named file shares are logged too, by the worker. Everything the jobs need (active days,
replies, time to first answer, file hygiene) is computed from these items when the job runs.

Who writes what:

- An ordinary group message's item is written at ingress, as its exactly-once claim (one conditional
  PutItem that is also the claim, so the log costs an ordinary message nothing: 1 read and 2 writes in
  all, DESIGN.md section 6). It carries only what the parsed event says; nothing in it depends on the
  group's policy.
- The worker writes the message's item again only where the policy asks for more than that: the text
  (`retention.messages`), or a retention longer than the item's default `LOG_DAYS` (the 62 days of
  `retention.activity`). That one extra PutItem is the documented price of opting in.
- Acknowledgements (rare, and meaning the same on every platform) and named file shares are written by
  the worker, as before: they are not ordinary messages and took their own `EVT#` claim.

What depends on the policy is decided when a job reads the log, with the policy of that moment:

- `jobs.activity` (`auto`, `on`, `off`, `chalicelib.jobs.settings`): whether messages count at all.
  `auto` counts them where the messenger delivers every group message (Slack); on WeCom and DingTalk the
  bot hears only the @-mentions addressed to it (which are never logged as participation anyway), so
  there the log's messages are ignored and only acknowledgements count. `off` ignores them everywhere.
- the file-name convention (`rules.files`): each stored name is judged against the current settings.

The day in the key is the UTC day, since ingress knows no group time zone; a reader queries every UTC day
that its local period touches (`log_days`), one Query a day, and keeps the entries inside the period.
Items written before the log moved to UTC days sit under the group's local day: `log_days` names those
days too (at most one more Query), so they are read until they expire.

One item per message rather than one counter item per group and day: DynamoDB charges an UpdateItem by
the size of the whole item, and a day item holding every member's counters grows to tens of kilobytes, so
each message would cost tens of write units; and response times need times, not counts.
"""

from __future__ import annotations

import heapq
import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import cast

from chalicelib.adapters.base import Capability
from chalicelib.core.actions import NOTHING, Decision
from chalicelib.core.events import CardClicked, Event, FileInfo, FileShared, MessagePosted
from chalicelib.core.ids import Platform, split_id
from chalicelib.core.patterns import match_whole
from chalicelib.core.policy import FilesSettings, GroupPolicy
from chalicelib.errors import StoreError
from chalicelib.jobs.periods import days
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.message_log import (
    LOG_DAYS,
    NAME_LIMIT,
    TEXT_LIMIT,
    Entry,
    from_item,
    is_question,
    message_entry,
    to_item,
)

__all__ = [
    "LOG_DAYS",
    "TEXT_LIMIT",
    "Entry",
    "MessageLog",
    "entry_for",
    "file_is_tidy",
    "is_question",
    "kept_text_days",
    "log_days",
    "log_used",
    "record_event",
]

log = logging.getLogger("qunguan.jobs.activity")

_EXTENSION = re.compile(r"\.([A-Za-z0-9]+)$")


def name_is_tidy(name: str, settings: FilesSettings) -> bool:
    """R6.1: the name follows the group's pattern (if it has one) and the type is allowed."""
    name = name.strip()
    if not name:
        return True  # nothing to judge (Slack's file_shared carries no name)
    match = _EXTENSION.search(name)
    extension = match.group(1).lower() if match else ""
    if settings.allowed_extensions and extension and extension not in settings.allowed_extensions:
        return False
    return not (settings.name_pattern and match_whole(settings.name_pattern, name) is None)


def file_is_tidy(file: FileInfo, settings: FilesSettings) -> bool:
    return name_is_tidy(file.name, settings)


def sees_every_message(platform: str, deps: Deps) -> bool:
    return deps.messenger(cast(Platform, platform)).capabilities.allows(Capability.SEE_ALL_MESSAGES)


def log_used(gid: str, policy: GroupPolicy, deps: Deps) -> bool:
    """Whether a group's logged messages count (`jobs.activity`); acknowledgements always do."""
    mode = policy.jobs.activity
    if mode != "auto":
        return mode == "on"
    return sees_every_message(split_id(gid)[0], deps)


def recording_on(event: Event, policy: GroupPolicy, deps: Deps) -> bool:
    """Whether the worker writes what the policy adds to an event's log item (text, file shares)."""
    mode = policy.jobs.activity
    if mode != "auto":
        return mode == "on"
    return sees_every_message(event.platform, deps)


def kept_text_days(policy: GroupPolicy) -> int:
    return int(policy.retention.get("messages", 0))


def keep_days(policy: GroupPolicy) -> int:
    """How long the policy keeps a log item: the activity retention, or the text's if that is longer."""
    return max(int(policy.retention.get("activity", LOG_DAYS)), kept_text_days(policy))


def entry_for(event: Event, policy: GroupPolicy) -> Entry | None:
    """What to log for an event, or None. Direct messages, messages addressed to the bot and Slack's
    nameless `file_shared` (the message carrying the file is logged) are not logged. The text is in the
    entry only where the policy keeps messages."""
    if isinstance(event, MessagePosted):
        return message_entry(event, text=event.text if kept_text_days(policy) > 0 else None)
    if not event.chat:
        return None
    if isinstance(event, FileShared) and event.message_id and event.file.name.strip():
        return Entry(
            kind="file",
            user=event.user,
            at=event.occurred_at,
            message_id=event.message_id,
            files=1,
            file_names=(event.file.name.strip()[:NAME_LIMIT],),
        )
    if isinstance(event, CardClicked) and (event.action == "ack" or event.action.endswith(".ack")):
        return Entry(
            kind="ack",
            user=event.user,
            at=event.occurred_at,
            message_id=f"ack-{event.event_id}",
            ref=event.value or event.card_id,
        )
    return None


def log_days(start: float, end: float, offset_hours: float) -> list[str]:
    """The day partitions that may hold entries of [start, end): the UTC days it touches, and (for items
    written before the log moved to UTC days) the group's local days, in order."""
    return sorted(set(days(start, end, 0.0)) | set(days(start, end, offset_hours)))


class MessageLog:
    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, gid: str, entry: Entry, policy: GroupPolicy) -> None:
        """One PutItem, kept as long as the policy keeps the log; the same message again overwrites its
        own item."""
        self.store.put_item(to_item(gid, entry, keep_days=keep_days(policy)))

    def read(
        self,
        gid: str,
        start: float,
        end: float,
        offset_hours: float,
        *,
        files: FilesSettings | None = None,
        messages: bool = True,
    ) -> Iterator[Entry]:
        """Every logged entry in [start, end), oldest first: one Query per day partition (`log_days`).
        With `files`, each entry's file names are judged against those settings (`bad_files`); with
        `messages` false, only acknowledgements are given (the policy does not count messages)."""
        streams = [
            self.store.query_items(keys.message_log_pk(gid, day))
            for day in log_days(start, end, offset_hours)
        ]
        for item in heapq.merge(*streams, key=lambda item: item.sk):
            entry = from_item(item)
            if not start <= entry.at < end or (not messages and entry.kind != "ack"):
                continue
            yield judged(entry, files)


def judged(entry: Entry, files: FilesSettings | None) -> Entry:
    """The entry with its file names judged against `files`; a count its writer made (`fb`) stands."""
    if files is None or "fb" in entry.data or not entry.file_names:
        return entry
    return replace(entry, bad_files=sum(not name_is_tidy(name, files) for name in entry.file_names))


def log_acknowledgement(
    store: Store, gid: str, user: str, *, at: float, ref: str, policy: GroupPolicy
) -> None:
    """For a workflow that takes an acknowledgement outside the group's chat (a card clicked in a direct
    message, `announce ack <ref>`): log it against the group, with the value its button carries."""
    entry = Entry(kind="ack", user=user, at=at, message_id=f"ack-{ref}-{user}", ref=ref)
    MessageLog(store).record(gid, entry, policy)


def _message_logged_again(event: MessagePosted, policy: GroupPolicy, deps: Deps) -> bool:
    """Whether a message's log item is written again by the worker (as `record_event` decides for it):
    the policy's retention first, which asks nothing of the platform."""
    if not (kept_text_days(policy) > 0 or keep_days(policy) > LOG_DAYS):
        return False
    return recording_on(event, policy, deps)


def record_event(event: Event, ctx: Context, deps: Deps) -> Decision:
    """The worker's handler for messages, file shares and card clicks; it decides nothing.

    An ordinary message's item was written at ingress (its claim): it is written again only to add what
    the policy asks for, the text or a longer life, and only where `jobs.activity` records. File shares
    are logged where it records; acknowledgements whatever it says. A log that cannot be written is not
    worth failing the message for."""
    if isinstance(event, MessagePosted) and not _message_logged_again(event, ctx.policy, deps):
        return NOTHING  # decided before building the entry: what an ordinary message costs here
    entry = entry_for(event, ctx.policy)
    if entry is None:
        return Decision()
    if entry.kind != "ack":
        if not recording_on(event, ctx.policy, deps):
            return Decision()
        if entry.kind == "msg" and entry.text is None and keep_days(ctx.policy) <= LOG_DAYS:
            return Decision()  # the claim at ingress is the whole entry
    try:
        MessageLog(deps.store).record(event.gid, entry, ctx.policy)
    except StoreError as exc:
        log.warning("message log not written for %s: %s", event.platform, exc)
    return Decision()
