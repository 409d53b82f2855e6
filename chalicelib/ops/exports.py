"""The auditors' exports: cases and audit records as CSV that Excel opens as it should (UTF-8 with a
byte-order mark, so Chinese reads as Chinese; RFC 4180 quoting; one header row).

Personal data is masked by default: a member, actor or admin id becomes a stable pseudonym (the same
person the same pseudonym in every row and every export, `pseudonym`), and free text in the audit's
detail has personal data and secrets masked as the moderation rules mask them. `unmasked=True` writes
the ids as they are; the command that asks for it records that it did, in each group's audit log,
before the file is written (`record_unmasked`).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, TextIO

from chalicelib.moderation.cases import Case
from chalicelib.ops.trial import mask_text
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import AuditRecord, GroupRecord

BOM = "\ufeff"
CASE_COLUMNS = (
    "group",
    "group_name",
    "case",
    "time_utc",
    "member",
    "rule",
    "rules",
    "severity",
    "points",
    "outcome",
    "state",
    "policy_revision",
    "source",
    "actor",
    "handled_by",
)
AUDIT_COLUMNS = ("group", "group_name", "time_utc", "event", "actor", "actions", "outcome", "detail")
AUDIT_LIMIT = 1_000_000


def pseudonym(value: str) -> str:
    """A stable stand-in for an id: its platform and tenant kept, the person replaced by a short hash."""
    if not value:
        return ""
    digest = hashlib.sha256(value.encode()).hexdigest()[:10]
    platform, _, rest = value.partition(":")
    return f"{platform}:…:{digest}" if rest else f"…{digest}"


def _when(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _id(value: Any, unmasked: bool) -> str:
    text = str(value or "")
    return text if unmasked else pseudonym(text)


def cases_of(store: Store, group: GroupRecord, since: float = 0.0) -> Iterator[Case]:
    for item in store.query_items(keys.group_pk(group.gid), prefix=keys.CASE_SK_PREFIX):
        ref = item.sk.removeprefix(keys.CASE_SK_PREFIX)
        if "#" in ref:
            continue  # a case's events, snapshot and appeal follow it under the same prefix
        case = Case(group.gid, ref, dict(item.data))
        if case.at >= since:
            yield case


def write_cases(
    store: Store, groups: Iterable[GroupRecord], out: TextIO, *, since: float = 0.0, unmasked: bool = False
) -> int:
    writer = _writer(out, CASE_COLUMNS)
    rows = 0
    for group in groups:
        for case in cases_of(store, group, since):
            data = case.data
            writer.writerow(
                [
                    group.gid,
                    group.name,
                    case.ref,
                    _when(case.at),
                    _id(data.get("uid") or data.get("user"), unmasked),
                    data.get("rule", ""),
                    " ".join(str(r) for r in data.get("rules") or ()),
                    data.get("severity", ""),
                    case.points,
                    data.get("outcome", ""),
                    case.state,
                    data.get("policy_revision", ""),
                    data.get("source", ""),
                    _actor(data.get("actor"), unmasked),
                    _actor(data.get("handled_by"), unmasked),
                ]
            )
            rows += 1
    return rows


def write_audit(
    store: Store, groups: Iterable[GroupRecord], out: TextIO, *, since: float = 0.0, unmasked: bool = False
) -> int:
    writer = _writer(out, AUDIT_COLUMNS)
    rows = 0
    for group in groups:
        for record in reversed(store.list_audit(group.gid, limit=AUDIT_LIMIT)):  # oldest first
            if record.at < since:
                continue
            detail = record.detail if unmasked else _masked_detail(record.detail)
            writer.writerow(
                [
                    group.gid,
                    group.name,
                    _when(record.at),
                    record.event_type,
                    _actor(record.actor, unmasked),
                    " ".join(record.actions),
                    record.outcome,
                    json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
                ]
            )
            rows += 1
    return rows


ID_KEYS = frozenset({"user", "uid", "actor", "by", "member", "target", "admin", "admins", "inviter", "users"})


def _masked_detail(value: Any, key: str = "") -> Any:
    """Ids under the keys that hold people pseudonymised; personal data in any text masked."""
    if isinstance(value, dict):
        return {k: _masked_detail(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_masked_detail(v, key) for v in value]
    if isinstance(value, str):
        return _actor(value, False) if key in ID_KEYS else mask_text(value)
    return value


def _actor(value: Any, unmasked: bool) -> str:
    """The bot itself ("qunguan") and the command line ("cli:...") are not people."""
    text = str(value or "")
    if unmasked or not text or text == "qunguan" or text.startswith("cli:"):
        return text
    return pseudonym(text)


def _writer(out: TextIO, columns: tuple[str, ...]) -> Any:
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    return writer


def record_unmasked(store: Store, groups: Iterable[GroupRecord], *, what: str, actor: str, at: float) -> None:
    """An unmasked export is itself audited, in each group it covers, before anything is written."""
    for group in groups:
        store.append_audit(
            AuditRecord(
                gid=group.gid,
                audit_id=hashlib.sha256(f"{what}#{group.gid}#{at}".encode()).hexdigest()[:16],
                at=at,
                event_type="export.unmasked",
                actor=actor,
                actions=(f"export:{what}",),
                detail={"what": what, "unmasked": True},
            )
        )
