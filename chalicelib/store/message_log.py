"""The message log's items, and the exactly-once claim an ordinary message makes by writing its own.

The claim IS the log entry. Ingress claims an ordinary group message (not in a direct conversation, not
addressed to the bot) by writing its message-log item, `MSG#{gid}#{UTC day}` / `{time}#{message id}`, on
condition that no live item has that key: one conditional PutItem that both de-duplicates the delivery
and records what the scheduled jobs read about the message. A retried delivery, and Slack's `message` /
`app_mention` twin of the same post, build the same key (the message's own time and id, never the
clock), so the second one claims nothing. Everything else (commands and @-mentions of the bot, direct
messages, file shares, clicks, joins, ...) keeps the `EVT#` claim item (`Store.claim_event`); which of
the two an event takes is a pure function of the normalised event, so every copy of it takes the same.

An item holds only what the parsed event says, so that it can be written before any policy is known:

    k   kind: "file" (a file share, logged by the worker), "ack" (an acknowledgement); absent: "msg"
    u   the author's native id             at  the message's own time (seconds since the epoch)
    id  the message id                     re  what it replies to (the message or the thread)
    m   the members it @-mentions          q   1 if it reads as a question (`is_question`)
    f   how many files it carries          fn  their names (judged against the group's file settings
                                               when a job reads them, not when the message goes by)
    x   the text, only where the policy keeps messages (`retention.messages`): the worker writes it
    ref the acknowledged announcement's ref (acks)      fb  a file-name verdict counted by the writer
                                                            (older items, tests and the demo)

A message's item leaves its kind out ("msg" is what an item without one is, for every reader since the
log began): a page of a thousand claims is a thousand items to serialise. The message id stays, though
the key holds it too: a release rolled back to reads it there.

Whether the log is used at all (`jobs.activity`) and how long it is kept beyond the default are the
policy's, applied by the worker and the jobs (`chalicelib.jobs.activity`). The day in the key is the UTC
day: ingress knows no policy, so no group time zone; readers query the UTC days that cover a group's
local period. Items expire after `LOG_DAYS` (the default `retention.activity`); a policy that keeps them
longer, or keeps the text, makes the worker write the item again (one more write per message, the
documented price of opting in).

Light on purpose: ingress imports it (the standard library, keys, records and events only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.core.events import Event, MessagePosted
from chalicelib.store import keys
from chalicelib.store.base import EVENT_CLAIM_TTL
from chalicelib.store.records import Item

DAY = 86400
LOG_DAYS = 62  # the default `retention.activity` (chalicelib.core.policy): this month and the last
TEXT_LIMIT = 4000  # characters of text kept for the review (the longest rule, length, needs 1500+)
FILE_NAMES = 20  # file names kept per message, each cut to NAME_LIMIT: an item stays about one write unit
NAME_LIMIT = 200
_QUESTION_OPENINGS = ("请问", "請問", "有人知道")
_QUESTION_PARTICLES = frozenset("吗呢么嗎")
_QUESTION_TAIL = frozenset("。.!！~～")


@dataclass(frozen=True)
class Entry:
    """One logged message (`kind` "msg"), file share ("file") or acknowledgement ("ack").

    `bad_files` is how many of the files break the group's file-name convention: judged by the reader
    from `file_names` against the group's current settings (`chalicelib.jobs.activity`)."""

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
    file_names: tuple[str, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict, compare=False)


def is_question(text: str) -> bool:
    """It opens with 请问 / 有人知道, ends with ? / ？, or ends with 吗 / 呢 / 么 followed only by blanks,
    。 . ! ～. Read from the end without a regular expression: this runs at ingress on any text, and a
    pattern with a trailing `[...]*\\s*$` tried at every particle is quadratic in the blanks after them."""
    text = text.strip()
    if text.startswith(_QUESTION_OPENINGS) or text.endswith(("?", "？")):
        return True
    end = len(text)
    while end and (text[end - 1] in _QUESTION_TAIL or text[end - 1].isspace()):
        end -= 1
    return end > 0 and text[end - 1] in _QUESTION_PARTICLES


def log_day(ts: float) -> str:
    """The UTC day (`YYYY-MM-DD`) whose partition holds an entry of time `ts`."""
    return keys.day(ts)


def message_entry(event: MessagePosted, *, text: str | None = None) -> Entry | None:
    """What the log says about a message, or None for one that is not logged: outside a group, in a
    direct conversation, or addressed to the bot (commands and questions to it are not participation;
    on WeCom and DingTalk every group message the bot hears is one)."""
    if not event.chat or event.direct or event.mentions_bot or not event.message_id:
        return None
    names = tuple(f.name.strip()[:NAME_LIMIT] for f in event.files if f.name.strip())[:FILE_NAMES]
    return Entry(
        kind="msg",
        user=event.user,
        at=event.occurred_at,
        message_id=event.message_id,
        reply_to=(event.reply_to or (event.thread if event.thread != event.message_id else None) or ""),
        mentions=tuple(dict.fromkeys(m for m in event.mentions if m and m != event.user)),
        question=is_question(event.text),
        files=len(event.files),
        file_names=names,
        text=None if text is None else text[:TEXT_LIMIT],
    )


def to_item(gid: str, entry: Entry, *, keep_days: int = LOG_DAYS, live_until: float = 0.0) -> Item:
    """The entry as a table item, expiring `keep_days` after the message (and not before `live_until`)."""
    data: dict[str, Any] = {"u": entry.user, "at": entry.at, "id": entry.message_id}
    optional: dict[str, Any] = {
        "k": "" if entry.kind == "msg" else entry.kind,
        "re": entry.reply_to,
        "m": list(entry.mentions),
        "q": int(entry.question),
        "f": entry.files,
        "fn": list(entry.file_names),
        "fb": entry.bad_files,
        "x": entry.text,
        "ref": entry.ref,
    }
    data.update({name: value for name, value in optional.items() if value})
    return Item(
        keys.message_log_pk(gid, log_day(entry.at)),
        keys.message_log_sk(entry.at, entry.message_id),
        data,
        expires_at=max(int(entry.at) + keep_days * DAY, int(live_until)),
    )


def from_item(item: Item) -> Entry:
    """An item as written, without judgement: `bad_files` is the writer's count (`fb`), if any."""
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
        file_names=tuple(str(name) for name in data.get("fn", ())),
        data=data,
    )


def claim_item(event: Event, now: float) -> Item | None:
    """The message-log item that claims `event` at ingress, or None when the event keeps the `EVT#`
    claim. The item lives at least as long as an `EVT#` claim would (`EVENT_CLAIM_TTL` from `now`)."""
    if not isinstance(event, MessagePosted):
        return None
    entry = message_entry(event)
    if entry is None:
        return None
    return to_item(event.gid, entry, live_until=now + EVENT_CLAIM_TTL)
