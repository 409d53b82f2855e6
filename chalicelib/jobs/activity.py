"""The message log: what the assessment and the content review read about each message, written by the
worker as the message goes by.

One item per message, `MSG#{gid}#{local day}` / `{time}#{message id}`, with who posted it, when, whether it
replies to something (and to what), whom it @-mentions, whether it asks a question, how many files it
carries and how many of their names break the group's convention; the text only where the policy keeps
messages (`retention.messages` days; absent by default). Acknowledgement clicks (`*.ack` buttons) are
logged the same way. Everything the jobs need (active days, replies, time to first answer) is computed
from these items when the job runs.

Cost: one PutItem of a small item (about 150 bytes, so one write unit; more only with kept text) per
message, no read. With the ingress claim and the moderation signals that is the third write of an
ordinary message, over the two-write budget of DESIGN.md section 6: so it is a policy choice
(`jobs.activity`), on by default only where the messenger delivers every group message (see
`chalicelib.jobs.settings`). One item per message rather than one counter item per group and day: DynamoDB
charges an UpdateItem by the size of the whole item, and a day item holding every member's counters grows
to tens of kilobytes, so each message would cost tens of write units; and response times need times, not
counts. A redelivered message writes the same key again, so nothing is counted twice.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.adapters.base import Capability
from chalicelib.bootstrap import Deps
from chalicelib.core.actions import Decision
from chalicelib.core.events import CardClicked, Event, FileInfo, FileShared, MessagePosted
from chalicelib.core.policy import FilesSettings, GroupPolicy
from chalicelib.errors import StoreError
from chalicelib.jobs.periods import DAY, days, local_day
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item
from chalicelib.worker.context import Context

log = logging.getLogger("qunguan.jobs.activity")

TEXT_LIMIT = 4000  # characters of text kept for the review (the longest rule, length, needs 1500+)
_QUESTION = re.compile(r"([?？]|[吗呢么嗎][\s。.!！~～]*)\s*$|^\s*(请问|請問|有人知道)")
_EXTENSION = re.compile(r"\.([A-Za-z0-9]+)$")


@dataclass(frozen=True)
class Entry:
    """One logged message (`kind` "msg"), file share ("file") or acknowledgement ("ack")."""

    kind: str
    user: str
    at: float
    message_id: str
    reply_to: str = ""
    mentions: tuple[str, ...] = ()
    question: bool = False
    files: int = 0
    bad_files: int = 0
    text: str | None = None
    ref: str = ""
    data: Mapping[str, Any] = field(default_factory=dict, compare=False)


def is_question(text: str) -> bool:
    return bool(_QUESTION.search(text.strip()))


def file_is_tidy(file: FileInfo, settings: FilesSettings) -> bool:
    """R6.1: the name follows the group's pattern (if it has one) and the type is allowed."""
    name = file.name.strip()
    if not name:
        return True  # nothing to judge (Slack's file_shared carries no name)
    match = _EXTENSION.search(name)
    extension = match.group(1).lower() if match else ""
    if settings.allowed_extensions and extension and extension not in settings.allowed_extensions:
        return False
    return not (settings.name_pattern and not re.fullmatch(settings.name_pattern, name))


def recording_on(event: Event, policy: GroupPolicy, deps: Deps) -> bool:
    mode = policy.jobs.activity
    if mode != "auto":
        return mode == "on"
    return deps.messenger(event.platform).capabilities.allows(Capability.SEE_ALL_MESSAGES)


def kept_text_days(policy: GroupPolicy) -> int:
    return int(policy.retention.get("messages", 0))


def entry_for(event: Event, policy: GroupPolicy) -> Entry | None:
    """What to log for an event, or None. Direct messages, messages addressed to the bot (commands and
    questions to it are not participation) and Slack's nameless `file_shared` (the message carrying the
    file is logged) are not logged."""
    if not event.chat or getattr(event, "direct", False):
        return None
    if isinstance(event, MessagePosted):
        if event.mentions_bot:
            return None
        files = event.files
        return Entry(
            kind="msg",
            user=event.user,
            at=event.occurred_at,
            message_id=event.message_id or event.event_id,
            reply_to=(event.reply_to or (event.thread if event.thread != event.message_id else None) or ""),
            mentions=tuple(dict.fromkeys(m for m in event.mentions if m and m != event.user)),
            question=is_question(event.text),
            files=len(files),
            bad_files=sum(not file_is_tidy(f, policy.rules.files) for f in files),
            text=event.text[:TEXT_LIMIT] if kept_text_days(policy) > 0 else None,
        )
    if isinstance(event, FileShared) and event.message_id and event.file.name:
        return Entry(
            kind="file",
            user=event.user,
            at=event.occurred_at,
            message_id=event.message_id,
            files=1,
            bad_files=int(not file_is_tidy(event.file, policy.rules.files)),
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


class MessageLog:
    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, gid: str, entry: Entry, policy: GroupPolicy) -> None:
        """One PutItem; the same message again overwrites its own item."""
        offset = policy.jobs.utc_offset_hours
        keep_days = max(int(policy.retention.get("activity", 62)), kept_text_days(policy))
        data: dict[str, Any] = {"k": entry.kind, "u": entry.user, "at": entry.at, "id": entry.message_id}
        optional: dict[str, Any] = {
            "re": entry.reply_to,
            "m": list(entry.mentions),
            "q": int(entry.question),
            "f": entry.files,
            "fb": entry.bad_files,
            "x": entry.text,
            "ref": entry.ref,
        }
        data.update({name: value for name, value in optional.items() if value})
        self.store.put_item(
            Item(
                keys.message_log_pk(gid, local_day(entry.at, offset)),
                keys.message_log_sk(entry.at, entry.message_id),
                data,
                expires_at=int(entry.at) + keep_days * DAY,
            )
        )

    def read(self, gid: str, start: float, end: float, offset_hours: float) -> Iterator[Entry]:
        """Every logged entry in [start, end), oldest first: one Query per local day."""
        for day in days(start, end, offset_hours):
            for item in self.store.query_items(keys.message_log_pk(gid, day)):
                entry = entry_from(item)
                if start <= entry.at < end:
                    yield entry

    def day_items(self, gid: str, day: str) -> Iterator[Item]:
        return self.store.query_items(keys.message_log_pk(gid, day))


def entry_from(item: Item) -> Entry:
    data = item.data
    return Entry(
        kind=str(data.get("k", "msg")),
        user=str(data.get("u", "")),
        at=float(data.get("at", 0.0)),
        message_id=str(data.get("id", "")),
        reply_to=str(data.get("re", "")),
        mentions=tuple(str(m) for m in data.get("m", ())),
        question=bool(data.get("q", 0)),
        files=int(data.get("f", 0)),
        bad_files=int(data.get("fb", 0)),
        text=str(data["x"]) if "x" in data else None,
        ref=str(data.get("ref", "")),
        data=data,
    )


def log_acknowledgement(
    store: Store, gid: str, user: str, *, at: float, ref: str, policy: GroupPolicy
) -> None:
    """For a workflow that takes an acknowledgement outside the group's chat (a card clicked in a direct
    message, `announce ack <ref>`): log it against the group, with the value its button carries."""
    entry = Entry(kind="ack", user=user, at=at, message_id=f"ack-{ref}-{user}", ref=ref)
    MessageLog(store).record(gid, entry, policy)


def record_event(event: Event, ctx: Context, deps: Deps) -> Decision:
    """The worker's handler for messages, file shares and card clicks: log them where the policy says,
    and decide nothing. Acknowledgements are rare and mean the same on every platform, so they are logged
    whatever `jobs.activity` says. A log that cannot be written is not worth failing the message for."""
    entry = entry_for(event, ctx.policy)
    if entry is None or (entry.kind != "ack" and not recording_on(event, ctx.policy, deps)):
        return Decision()
    try:
        MessageLog(deps.store).record(event.gid, entry, ctx.policy)
    except StoreError as exc:
        log.warning("message log not written for %s: %s", event.platform, exc)
    return Decision()
