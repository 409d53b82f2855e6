"""The join gate's price for sanctions wider than a group (issue 20: "at most one extra read").

What is measured: members join a Slack channel through the worker's `process` (every domain's handlers:
moderation's group ban, membership's join gate and welcome, the persons gate), on a `MemoryStore` that
counts every GetItem by the partition it reads. Three cases, each the mean over the joins:

- a known identity (a pointer exists; the person may be banned org-wide elsewhere): the reads of the
  identity's pointer (`IDN#`), the one read the org-wide check adds, and the group's ban item, which
  moderation and membership share through the gate's memo;
- a first-seen identity whose directory entry gives a work e-mail that no person has yet: the pointer's
  miss only; each contact digest (`CONTACT#`) is claimed for the new person by a conditional write, not
  read (a contact some person has already is read, with its person, once in the identity's life);
- an identity banned org-wide: refused, with the same reads.

No peer: the row holds qunguan to its own budget.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from bench import Row
from chalicelib.adapters.base import Capabilities, Capability, DirectoryUser, Sent
from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.events import MemberJoined
from chalicelib.persons.records import Sanction
from chalicelib.persons.repository import PersonRepo
from chalicelib.settings import Settings
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import GroupRecord
from chalicelib.worker.pipeline import process

NOW = 1_750_000_000.0
TENANT, CHAT = "T0BENCH", "C0BENCH"
GID = f"slack:{TENANT}:{CHAT}"


class CountingStore(MemoryStore):
    def __init__(self, clock: FrozenClock) -> None:
        super().__init__(clock=clock)
        self.reads: Counter[str] = Counter()

    def get_item(self, pk: str, sk: str) -> Any:
        self.reads[f"{pk.split('#', 1)[0]}/{sk.split('#', 1)[0]}"] += 1
        return super().get_item(pk, sk)


class Directory:
    """The messenger the bench needs: every member has a work e-mail; removals and messages succeed and
    are forgotten."""

    platform = "slack"
    capabilities = Capabilities(always=frozenset(Capability))

    def post_text(self, target: Any, text: str) -> Sent:
        return Sent()

    def send_direct(self, tenant: str, user: str, text: str) -> Sent:
        return Sent()

    def post_card(self, target: Any, card: Any) -> Sent:
        return Sent()

    def remove_member(self, tenant: str, chat: str, user: str) -> None:
        return None

    def get_user(self, tenant: str, user: str) -> DirectoryUser:
        return DirectoryUser(user=user, name=user, email=f"{user.lower()}@bench.example")

    def bot_user_id(self, tenant: str) -> str | None:
        return "UQGBOT"

    def addressed(self, event: Any) -> Any:
        return event

    def group_info(self, tenant: str, chat: str) -> None:
        return None  # the platform describes no group: the bench's policy names the admins

    def org_admins(self, tenant: str) -> tuple[str, ...]:
        return ()


def _deps() -> tuple[Deps, CountingStore]:
    clock = FrozenClock(NOW)
    store = CountingStore(clock)
    settings = Settings(_env_file=None, qg_dispatch="inline", qg_person_key="bench-key")
    messenger: Any = Directory()
    deps = Deps(settings=settings, clock=clock, store=store, messenger_factory=lambda platform: messenger)
    store.put_group(GroupRecord(gid=GID, platform="slack", tenant=TENANT, chat=CHAT, name="bench"))
    return deps, store


def _joins(deps: Deps, store: CountingStore, users: list[str]) -> Counter[str]:
    process(
        MemberJoined(
            platform="slack", tenant=TENANT, event_id="warm", occurred_at=NOW, chat=CHAT, user="UWARM"
        ),
        deps,
    )
    store.reads.clear()
    for n, user in enumerate(users):
        process(
            MemberJoined(
                platform="slack", tenant=TENANT, event_id=f"j{n}", occurred_at=NOW, chat=CHAT, user=user
            ),
            deps,
        )
    return store.reads


def main(*, quick: bool = False) -> list[Row]:
    count = 3 if quick else 50
    users = [f"U{n:05d}" for n in range(count)]

    deps, store = _deps()
    for user in users:
        PersonRepo(store).create(f"slack:{TENANT}:{user}", via="admin", by="bench", at=NOW)
    known = _joins(deps, store, users)

    deps, store = _deps()
    first = _joins(deps, store, users)

    deps, store = _deps()
    repo = PersonRepo(store)
    for n, user in enumerate(users):
        person = repo.create(f"slack:{TENANT}:{user}", via="admin", by="bench", at=NOW)
        repo.impose(
            Sanction(
                sid=f"s{n}",
                pid=person.pid,
                kind="ban",
                scope="org",
                target="",
                reason="bench",
                by="slack:T0BENCH:UOWNER",
                at=NOW,
                until=NOW + 86400,
                gid=GID,
                uid=person.identities[0],
            )
        )
    banned = _joins(deps, store, users)

    def per_join(counts: Counter[str], *prefixes: str) -> float:
        return sum(counts[prefix] for prefix in prefixes) / count

    print(
        f"  join gate GetItems over {count} joins: known {dict(known)}, first seen {dict(first)}, "
        f"banned {dict(banned)}"
    )
    return [
        Row(
            "join gate: extra reads for org-wide sanctions, known identity (aim ≤ 1)",
            "reads/join",
            per_join(known, "IDN/PERSON"),
        ),
        Row(
            "join gate: extra reads for org-wide sanctions, banned org-wide (aim ≤ 1)",
            "reads/join",
            per_join(banned, "IDN/PERSON"),
        ),
        Row(
            "join gate: reads to link a first-seen identity by its e-mail (once per identity, aim ≤ 1)",
            "reads/join",
            per_join(first, "IDN/PERSON", "CONTACT/PERSON"),
        ),
        Row(
            "join gate: the group's ban item, shared by moderation and membership (aim 1)",
            "reads/join",
            per_join(known, "GRP/BAN"),
        ),
    ]
