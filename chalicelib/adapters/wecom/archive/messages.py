"""A decrypted archive message -> the normalised events every platform produces (doc path/91774, 消息格式).

Only group messages count (a non-empty `roomid`); one-to-one conversations are not governed. By type:

    text, markdown, link, news, docmsg, mixed   MessagePosted (mixed: its text parts, and its images as
                                                files); link/news/docmsg: title, description and URL
    file, image, video, voice, emotion          FileShared, `file_id` = `sdkfileid:` and the `sdkfileid`
                                                (fetched with GetMediaData for the file archive)
    revoke (action "recall")                    MessageWithdrawn of `revoke.pre_msgid`
    agree, disagree                             ConsentChanged of the external contact
    switch                                      nothing: a member's login switch, not a message

Anything else is not governed and reported as ignored, by type, so the puller can count it. The event
id is the archive's `msgid`, the time `msgtime` (milliseconds). Senders keep their ids as WeCom gives
them: external contacts' `wo`/`wm` ids included. The archive has no list of @-mentioned ids (the text
holds display names), so `mentions` stays empty. Decoders never raise on a missing field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from chalicelib.adapters.wecom.archive.media import ARCHIVE_FILE_PREFIX
from chalicelib.core.events import (
    ConsentChanged,
    Event,
    FileInfo,
    FileShared,
    MessagePosted,
    MessageWithdrawn,
)

Message = Mapping[str, Any]


class Mapped(NamedTuple):
    """What one archive message became: its events, or the type it was ignored as ("" if it mapped).
    A named tuple: one is made per archived message."""

    events: tuple[Event, ...] = ()
    ignored: str = ""


def to_events(message: Message, tenant: str) -> Mapped:
    action = _string(message, "action")
    if action == "switch":
        return Mapped(ignored="switch")
    kind = _string(message, "msgtype") or action
    room = _string(message, "roomid")
    msgid = _string(message, "msgid")
    sender = _string(message, "from")
    if not room or not msgid or not sender:
        return Mapped(ignored="one-to-one" if msgid and sender else "incomplete")
    decode = _DECODERS.get(kind)
    if decode is None:
        return Mapped(ignored=kind or "untyped")
    common: dict[str, Any] = {
        "platform": "wecom",
        "tenant": tenant,
        "event_id": msgid,
        "occurred_at": _seconds(message.get("msgtime")),
        "chat": room,
        "user": sender,
    }
    event = decode(message, kind, common)
    return Mapped(events=(event,)) if event is not None else Mapped(ignored=kind)


def _text(message: Message, kind: str, common: dict[str, Any]) -> Event | None:
    return _posted(common, _string(_section(message, "text"), "content"))


def _markdown(message: Message, kind: str, common: dict[str, Any]) -> Event | None:
    # markdown keeps its content under "info" (and, in some accounts, under "markdown").
    body = _section(message, "info") or _section(message, "markdown")
    return _posted(common, _string(body, "content"))


def _link(message: Message, kind: str, common: dict[str, Any]) -> Event | None:
    link = _section(message, "link")
    return _posted(common, _join(link, "title", "description", "link_url"))


def _news(message: Message, kind: str, common: dict[str, Any]) -> Event | None:
    items = _section(message, "info").get("item")
    parts = [_join(item, "title", "description", "url") for item in _dicts(items)]
    return _posted(common, "\n".join(part for part in parts if part))


def _doc(message: Message, kind: str, common: dict[str, Any]) -> Event | None:
    return _posted(common, _join(_section(message, "doc"), "title", "link_url"))


def _mixed(message: Message, kind: str, common: dict[str, Any]) -> Event | None:
    texts: list[str] = []
    files: list[FileInfo] = []
    for item in _dicts(_section(message, "mixed").get("item")):
        content = _inner_json(item.get("content"))
        part = _string(item, "type")
        if part == "text" and (text := _string(content, "content")):
            texts.append(text)
        elif part in _FILE_KINDS and (info := _file_info(part, content)) is not None:
            files.append(info)
    return _posted(common, "\n".join(texts), files=tuple(files))


def _file(message: Message, kind: str, common: dict[str, Any]) -> Event | None:
    info = _file_info(kind, _section(message, kind))
    if info is None:
        return None
    return FileShared(file=info, message_id=common["event_id"], **common)


def _revoke(message: Message, kind: str, common: dict[str, Any]) -> Event | None:
    original = _string(_section(message, "revoke"), "pre_msgid")
    return MessageWithdrawn(message_id=original, **common) if original else None


def _consent(message: Message, kind: str, common: dict[str, Any]) -> Event | None:
    who = _string(_section(message, kind), "userid") or common["user"]
    return ConsentChanged(**{**common, "user": who}, agreed=kind == "agree")


_FILE_KINDS = frozenset({"file", "image", "video", "voice", "emotion"})
_DECODERS: dict[str, Callable[[Message, str, dict[str, Any]], Event | None]] = {
    "text": _text,
    "markdown": _markdown,
    "link": _link,
    "news": _news,
    "docmsg": _doc,
    "mixed": _mixed,
    **dict.fromkeys(_FILE_KINDS, _file),
    "revoke": _revoke,
    "agree": _consent,
    "disagree": _consent,
}


def _posted(common: dict[str, Any], text: str, files: tuple[FileInfo, ...] = ()) -> Event | None:
    if not text and not files:
        return None
    return MessagePosted(message_id=common["event_id"], text=text, files=files, **common)


def _file_info(kind: str, body: Mapping[str, Any]) -> FileInfo | None:
    file_id = _string(body, "sdkfileid")
    if not file_id:
        return None
    size = body.get("filesize", body.get("imagesize", body.get("voice_size")))
    # The archive names only real files; an image, voice or video gets its kind and checksum as a name.
    name = _string(body, "filename") or f"{kind}-{_string(body, 'md5sum')[:12] or 'unnamed'}"
    return FileInfo(
        file_id=f"{ARCHIVE_FILE_PREFIX}{file_id}",
        name=name,
        size=int(size) if isinstance(size, int) else None,
    )


def _seconds(msgtime: object) -> float:
    if isinstance(msgtime, int | float) and not isinstance(msgtime, bool) and math.isfinite(msgtime):
        return float(msgtime) / 1000.0
    return 0.0


def _join(body: Mapping[str, Any], *names: str) -> str:
    return "\n".join(value for name in names if (value := _string(body, name).strip()))


def _section(message: Message, name: str) -> dict[str, Any]:
    value = message.get(name)
    return value if isinstance(value, dict) else {}


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _inner_json(value: object) -> dict[str, Any]:
    """mixed items carry their content as a JSON string (or, in some answers, an object)."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str):
        return {}
    try:
        parsed = json.loads(value)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _string(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return value if isinstance(value, str) else ""
