"""The ledger entry each domain writes when something happens to a member, so that it is also recorded
against the person (`LEDGER#{uid}`, read by `PersonRepo.ledger` for the history and the export).

Keyed by the platform identity, not the person: writing it costs no read on the hot path (no look-up of
the person), and a person's history is the union of their identities' ledgers. It expires with what it
records (a case's retention, a mute's record).
"""

from __future__ import annotations

from typing import Any

from chalicelib.store import keys
from chalicelib.store.records import Item


def ledger_entry(
    uid: str, *, at: float, kind: str, ref: str, gid: str, expires_at: int | None, **data: Any
) -> Item:
    return Item(
        keys.ledger_pk(uid),
        keys.ledger_sk(at, kind, ref),
        {"kind": kind, "ref": ref, "gid": gid, "at": at, **data},
        expires_at=expires_at,
    )
