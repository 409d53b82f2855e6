"""`mydata`: a member's own export of what qunguan holds about them (PIPL art. 45, GDPR art. 15/20).

Built from the same walk as an erasure (`holdings`), as JSON (everything, nested) and CSV (one row per
record), with other people's personal data masked: any other platform id, in a field that names people
(`actor`, `by`, `handled_by`, ...) or inside text, becomes `•••`; other members' messages that mention
them are listed by when and where only. Both files go to the archive bucket under `mydata/` (a
lifecycle rule deletes them after a day, infra/data.py), and the member gets presigned links that
expire in an hour, privately; the export is audited by counts, never by content.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import secrets
from collections import Counter
from collections.abc import Iterator
from typing import Any

from chalicelib.core.actions import Decision, Reply
from chalicelib.core.events import CommandIssued
from chalicelib.files import wiring
from chalicelib.i18n import t
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.people import group_names
from chalicelib.persons.holdings import Found, Identity, holdings
from chalicelib.persons.linking import person_for
from chalicelib.persons.records import Person
from chalicelib.store import keys

LINK_SECONDS = 3600
MASK = "•••"
PEOPLE_FIELDS = frozenset(
    {
        "actor",
        "by",
        "handled_by",
        "decided_by",
        "lifted_by",
        "added_by",
        "reporter",
        "appellant",
        "u",
        "user",
        "uid",
        "admins",
        "approvers",
        "m",
        "owner",
        "users",
    }
)
_QUALIFIED = re.compile(r"(?:slack|wecom|dingtalk):[^:\s]+:[^\s,;'\"]+")
_SLACK_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
HIDDEN = frozenset({"contacts"})  # keyed hashes: of no use to them, and a hash of someone's e-mail


class Masker:
    def __init__(self, identities: list[Identity]) -> None:
        self.uids = tuple(who.uid for who in identities)
        self.mine = set(self.uids) | {who.user for who in identities}

    def __call__(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {self._text(str(k)): self(v, str(k)) for k, v in value.items() if k not in HIDDEN}
        if isinstance(value, list | tuple):
            return [self(v, key) for v in value]
        if not isinstance(value, str):
            return value
        if key in PEOPLE_FIELDS:
            return value if value in self.mine or value in ("", "qunguan", "directory") else MASK
        return self._text(value)

    def _text(self, value: str) -> str:
        """Other people's ids inside a text (or an attribute's name, as counters are keyed)."""
        value = _QUALIFIED.sub(lambda m: m.group(0) if m.group(0).startswith(self.uids) else MASK, value)
        return _SLACK_MENTION.sub(lambda m: m.group(0) if m.group(1) in self.mine else f"<@{MASK}>", value)


def records(person: Person, found: list[Found]) -> Iterator[dict[str, Any]]:
    mask = Masker([Identity.of(uid) for uid in person.identities])
    yield {"kind": "person", "group": "", "data": mask(person.data())}
    for one in found:
        if one.kind in ("person", "contact", "idn"):
            continue  # the person is above; pointers repeat it
        if one.member is not None:
            data: dict[str, Any] = {k: v for k, v in vars(one.member).items() if k != "gid"}
        elif one.audit is not None:
            data = {
                "at": one.audit.at,
                "event": one.audit.event_type,
                "actor": one.audit.actor,
                "actions": list(one.audit.actions),
                "detail": one.audit.detail,
            }
        elif one.group is not None:
            data = {"admin_of": one.group.name or one.group.chat}  # the platform names them its admin
        elif one.item is not None and one.kind == "message_mention":
            data = {"at": one.item.data.get("at"), "id": one.item.data.get("id"), "mentioned": True}
        elif one.item is not None:
            data = dict(one.item.data)
        else:
            continue
        yield {"kind": one.kind, "group": one.gid, "data": mask(data)}


def as_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "group", "group_name", "at", "record"])
    for row in rows:
        data = row["data"]
        at = data.get("at") or data.get("joined_at") or data.get("created_at") or ""
        when = keys.iso(float(at)) if isinstance(at, int | float) and at else ""
        record = json.dumps(data, ensure_ascii=False, sort_keys=True)
        writer.writerow([row["kind"], row["group"], row.get("group_name", ""), when, record])
    return out.getvalue()


def build(deps: Deps, person: Person, now: float) -> tuple[dict[str, Any], str]:
    found = list(holdings(deps.store, person, now))
    rows = list(records(person, found))
    # Each group by its name as well as its id: one cached read per distinct group.
    names = group_names((row["group"] for row in rows if row["group"]), deps)
    rows = [{**row, "group_name": names.get(row["group"], "")} for row in rows]
    document = {"generated_at": keys.iso(now), "format": "qunguan.mydata.v1", "records": rows}
    return document, as_csv(rows)


def mydata(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    locale = ctx.locale
    storage = wiring.storage(deps)
    if storage is None:
        text = t(locale, "persons.mydata.unavailable")
        return Decision.of(Reply(text=text, private=True, reason="persons.mydata.unavailable"))
    person = person_for(command, command.user, deps, ctx.now)
    document, table = build(deps, person, ctx.now)
    folder = f"mydata/{hashlib.sha256(person.pid.encode()).hexdigest()[:20]}/{secrets.token_hex(8)}"
    links = []
    for name, body, kind in (
        ("qunguan-mydata.json", json.dumps(document, ensure_ascii=False, indent=1), "application/json"),
        ("qunguan-mydata.csv", table, "text/csv; charset=utf-8"),
    ):
        key = f"{folder}/{name}"
        stored = storage.put_stream(key, iter([body.encode()]), limit=50 * 1024 * 1024, content_type=kind)
        links.append(storage.link(key, stored.version_id, name=name, content_type=kind, seconds=LINK_SECONDS))
    text = t(locale, "persons.mydata.ready", json=links[0], csv=links[1], minutes=LINK_SECONDS // 60)
    counts = Counter(row["kind"] for row in document["records"])
    audit = {"mydata": {"pid": person.pid, "records": dict(counts)}}
    return Decision(Decision.of(Reply(text=text, private=True, reason="persons.mydata")).actions, audit=audit)
