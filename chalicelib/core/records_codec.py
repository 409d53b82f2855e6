"""One generic codec for frozen dataclasses: to JSON-like data and back, driven by the type hints.

What the outbox stores (actions, their results) goes through it, so no type needs a hand-written
`data()`/`of()` pair. Supported field types: str, int, float, bool, bytes (as base64 text), None,
`X | None`, `tuple[X, ...]`, fixed tuples (`tuple[str, str]`), `dict[str, <JSON>]`, `Any` (kept as is),
and nested dataclasses. A field holding a subclass of its declared type (an `Action` field holding a
`Mute`) is written with its type's name under `"type"` and revived through the `kinds` the caller passes.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import types
import typing
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")
TYPE_KEY = "type"


class RecordCodecError(ValueError):
    """Stored data that does not fit the type it is read as."""


def to_data(value: Any) -> Any:
    """`value` as JSON-like data: dataclasses as dicts (with their `type`), tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
        data[TYPE_KEY] = type(value).__name__
        return data
    if isinstance(value, tuple | list):
        return [to_data(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_data(item) for key, item in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise RecordCodecError(f"cannot store a {type(value).__name__}")


def from_data(cls: type[T], data: Any, kinds: Mapping[str, type] | None = None) -> T:
    """The `cls` instance `data` describes; `kinds` names the subclasses a field may hold."""
    return typing.cast(T, _revive(cls, data, kinds or {}))


@lru_cache(maxsize=256)
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _revive(hint: Any, data: Any, kinds: Mapping[str, type]) -> Any:
    if hint is Any:
        return data
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [arg for arg in get_args(hint) if arg is not type(None)]
        if data is None:
            return None
        return _revive(options[0], data, kinds) if len(options) == 1 else data
    if origin is tuple:
        args = get_args(hint)
        if not isinstance(data, list):
            raise RecordCodecError(f"expected a list for {hint}, got {type(data).__name__}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_revive(args[0], item, kinds) for item in data)
        return tuple(_revive(arg, item, kinds) for arg, item in zip(args, data, strict=True))
    if origin is dict or hint is dict:
        if not isinstance(data, dict):
            raise RecordCodecError(f"expected a dict for {hint}")
        return dict(data)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass(hint, data, kinds)
    return _scalar(hint, data)


def _scalar(hint: Any, data: Any) -> Any:
    """A number as its hint says (JSON and DynamoDB do not keep int apart from float); bytes from base64."""
    if hint in (float, int) and isinstance(data, int | float) and not isinstance(data, bool):
        return hint(data)
    if hint is bytes:
        return _bytes(data)
    return data


def _bytes(data: Any) -> bytes:
    if not isinstance(data, str):
        raise RecordCodecError(f"expected base64 text for bytes, got {type(data).__name__}")
    try:
        return base64.b64decode(data, validate=True)
    except binascii.Error as exc:
        raise RecordCodecError(f"bad base64 for bytes: {exc}") from exc


def _dataclass(cls: type, data: Any, kinds: Mapping[str, type]) -> Any:
    if not isinstance(data, dict):
        raise RecordCodecError(f"expected a dict for {cls.__name__}, got {type(data).__name__}")
    name = data.get(TYPE_KEY, cls.__name__)
    found = cls if name == cls.__name__ else kinds.get(str(name))
    if found is None or not issubclass(found, cls) or not dataclasses.is_dataclass(found):
        raise RecordCodecError(f"{name!r} is not a known {cls.__name__}")
    actual: Any = found
    hints = _hints(actual)
    values = {
        f.name: _revive(hints.get(f.name, Any), data[f.name], kinds)
        for f in dataclasses.fields(actual)
        if f.name in data and f.init
    }
    try:
        return actual(**values)
    except TypeError as exc:
        raise RecordCodecError(f"bad fields for {actual.__name__}: {exc}") from exc
