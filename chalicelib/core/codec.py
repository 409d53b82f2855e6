"""Events to and from JSON, for the queue and for golden fixtures.

The wire form is `{"type": "MessagePosted", ...fields}`; tuples travel as lists and come back as tuples.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, get_type_hints

from chalicelib.core.events import EVENT_TYPES, Event, FileInfo

_BY_NAME: dict[str, type[Event]] = {cls.__name__: cls for cls in EVENT_TYPES}


class CodecError(ValueError):
    """A queued or fixture payload is not a known event."""


def event_to_dict(event: Event) -> dict[str, Any]:
    return {"type": type(event).__name__, **dataclasses.asdict(event)}


def event_from_dict(data: dict[str, Any]) -> Event:
    fields = dict(data)
    cls = _BY_NAME.get(str(fields.pop("type", "")))
    if cls is None:
        raise CodecError(f"unknown event type {data.get('type')!r}")
    hints = get_type_hints(cls)
    try:
        for name, value in fields.items():
            fields[name] = _revive(hints.get(name), value)
        return cls(**fields)
    except TypeError as exc:
        raise CodecError(f"bad fields for {cls.__name__}: {exc}") from exc


def _revive(hint: Any, value: Any) -> Any:
    text = str(hint)
    if isinstance(value, dict) and "FileInfo" in text:
        return FileInfo(**value)
    if isinstance(value, list):
        if "FileInfo" in text:
            return tuple(FileInfo(**item) for item in value)
        return tuple(value)
    return value


def dumps(event: Event) -> str:
    return json.dumps(event_to_dict(event), ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def loads(text: str) -> Event:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CodecError(f"not JSON: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise CodecError("an event must be a JSON object")
    return event_from_dict(data)
