"""Policy differences with their values: every changed leaf as `path: old → new`, a list as the items
added and removed (so a new `allow:` that drops five shipped phrases says which five), unset values as
`(unset)`. `changes` compares two mappings (documents as written, or policies as the engine reads them).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel


class _Unset:
    def __repr__(self) -> str:
        return "(unset)"


UNSET: Any = _Unset()


@dataclass(frozen=True)
class Change:
    path: str
    old: Any
    new: Any
    added: tuple[Any, ...] = ()
    removed: tuple[Any, ...] = ()

    def line(self) -> str:
        if self.added or self.removed:
            parts = []
            if self.removed:
                parts.append("removed " + ", ".join(_show(v) for v in self.removed))
            if self.added:
                parts.append("added " + ", ".join(_show(v) for v in self.added))
            return f"{self.path}: " + "; ".join(parts)
        return f"{self.path}: {_show(self.old)} → {_show(self.new)}"


def as_data(value: BaseModel | Mapping[str, Any]) -> dict[str, Any]:
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else dict(value)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves by dotted path; a list is one leaf, an empty mapping too."""
    if isinstance(value, Mapping) and (value or not prefix):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: list(value) if isinstance(value, tuple) else value}


def changes(old: BaseModel | Mapping[str, Any], new: BaseModel | Mapping[str, Any]) -> list[Change]:
    left, right = flatten(as_data(old)), flatten(as_data(new))
    paths = sorted(left.keys() | right.keys())
    found = []
    for path in paths:
        before, after = left.get(path, UNSET), right.get(path, UNSET)
        if before == after or _emptied_parent(path, before, after, paths):
            continue
        if isinstance(before, list) and isinstance(after, list):
            added = tuple(v for v in after if v not in before)
            removed = tuple(v for v in before if v not in after)
            if added or removed:
                found.append(Change(path, before, after, added, removed))
                continue
        found.append(Change(path, before, after))
    return found


def _emptied_parent(path: str, before: Any, after: Any, paths: list[str]) -> bool:
    """`{}` on one side and keys under it on the other: the keys' own lines say it all."""
    empty: tuple[Any, ...] = ({}, UNSET)
    return before in empty and after in empty and any(p.startswith(f"{path}.") for p in paths)


def _show(value: Any) -> str:
    if value is UNSET:
        return "(unset)"
    if isinstance(value, str):
        return (
            value
            if value and value.strip() == value and "," not in value
            else json.dumps(value, ensure_ascii=False)
        )
    return json.dumps(value, ensure_ascii=False)
