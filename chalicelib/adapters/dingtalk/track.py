"""A DingTalk card instance's `outTrackId`: one instance per recipient, "{card id}-{recipient}", at most
120 characters (DingTalk's limit). The client writes it; erasure reads it to find the copy sent to a
person. Standard library only."""

from __future__ import annotations

LIMIT = 120


def out_track_id(card_id: str, recipient: str) -> str:
    return f"{card_id}-{recipient}"[:LIMIT]


def is_copy_for(token: str, user: str) -> bool:
    """Whether `token` is the instance sent to `user` (one cut at the limit names nobody it can tell)."""
    return bool(user) and token.endswith(f"-{user}")
