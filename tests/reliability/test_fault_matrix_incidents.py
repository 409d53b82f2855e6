"""The fault matrix, for incidents: `incident open` takes the group's one incident (its pointer), pauses the
joins (a policy version), saves the incident, then tells the group, pages the responders and mutes the
members; `incident close` closes it, lifts the pause (another version), unmutes, tells the group and sends
the report. The worker is killed at each step of the processing (the Lambda runtime ending it: nothing
after the kill runs), then SQS redelivers the event once the lease lapsed.

Whatever step the kill hit, the group ends with exactly what a processing without faults gives it: one
incident, its joins paused by one version and let in again by one more (the override as it was before);
one notice to the group, one page, one mute and one unmute of the member, one report to each reader; one
audit record of the opening and one of the close. Before, a kill after the pointer (or after the close)
left the redelivery answering "already open" (or "no incident"): nobody was told, or the joins stayed
paused for good.

(A kill after the platform took a message and before the outbox settled it sends it again: no platform
API here takes an idempotency key. That gap is the outbox's, and the same for every decision.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml

from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.core.events import CommandIssued
from chalicelib.core.policy import default_policy_text
from chalicelib.kernel.outbox import LEASE_SECONDS
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.settings import Settings
from chalicelib.store import keys
from chalicelib.store.records import GroupRecord, MemberRecord
from chalicelib.worker.pipeline import process
from chalicelib.workflows.incidents import Incidents
from tests.reliability.test_fault_matrix_policy import DyingMessenger, DyingStore, Killed, Write

T0 = 1_700_000_000.0
GID = "slack:T1:C1"
SCOPE = keys.group_policy_scope(GID)
ADMIN, SECOND, OPS, MEMBER = "UADMIN", "UADMIN2", "UOPS", "UMEM"
BEFORE = "rules:\n  flood:\n    max_messages: 7\n"  # the group's override before the incident


class RacingStore(DyingStore):
    """Also runs another processing (`racing`) just before the first write `race_at` matches."""

    def __init__(self, *, clock: FrozenClock) -> None:
        super().__init__(clock=clock)
        self.race_at: Write | None = None
        self.racing: Callable[[], object] | None = None

    def _write(self, what: str, pk: str, sk: str, write: Callable[[], Any]) -> Any:
        if self.racing is not None and self.race_at is not None and self.race_at(what, pk, sk):
            racing, self.racing = self.racing, None
            racing()
        return super()._write(what, pk, sk, write)


@dataclass
class World:
    store: RacingStore
    messenger: DyingMessenger
    clock: FrozenClock
    deps: Deps = field(init=False)
    events: int = 0

    def __post_init__(self) -> None:
        self.deps = self.worker()

    def worker(self) -> Deps:
        """A worker of its own (a new Lambda container) on the same table and platform."""
        return Deps(
            settings=Settings(_env_file=None, qg_default_locale="en"),
            clock=self.clock,
            store=self.store,
            messenger_factory=lambda platform: self.messenger,
        )

    def command(self, text: str, user: str = ADMIN) -> CommandIssued:
        self.events += 1
        words = text.split()
        return CommandIssued(
            platform="slack",
            tenant="T1",
            event_id=f"cmd-{self.events}",
            occurred_at=self.clock.now(),
            chat="C1",
            user=user,
            name=words[0],
            args=tuple(words[1:]),
            text=text,
        )

    def texts(self, verb: str, *, to: str = "") -> list[str]:
        """What `verb` carried (a text, or a card's title), to `to` if given (a person or the chat)."""
        found = []
        for called, kwargs in self.messenger.calls:
            target = kwargs.get("target")
            whom = kwargs.get("user") or (target.user or target.chat if target else "")
            if called == verb and (not to or whom == to):
                card = kwargs.get("card")
                found.append(str(kwargs.get("text") or (card.title if card else "")))
        return found


def world() -> World:
    clock = FrozenClock(T0)
    store = RacingStore(clock=clock)
    store.put_group(
        GroupRecord(
            gid=GID,
            platform="slack",
            tenant="T1",
            chat="C1",
            name="Alpha",
            locale="en",
            admins=(ADMIN, SECOND),
        )
    )
    for user, role in ((ADMIN, "admin"), (SECOND, "admin"), (MEMBER, "member")):
        uid = f"slack:T1:{user}"
        store.put_member(MemberRecord(gid=GID, uid=uid, user=user, role=role, last_active=T0 - 3600))
    policies = PolicyRepo(store)
    org = {**yaml.safe_load(default_policy_text()), "locale": "en"}
    org["workflows"] = {**org.get("workflows", {}), "incidents": {"responders": [f"slack:T1:{OPS}"]}}
    policies.apply(keys.ORG_SCOPE, yaml.safe_dump(org, allow_unicode=True), author="ops", now=0)
    policies.apply(SCOPE, BEFORE, author="ops", now=0)
    return World(store, DyingMessenger(), clock)


OPEN = "incident open high Phishing links in the group"
CLOSE = "incident close Links removed, nobody harmed"


def is_outbox(pk: str) -> bool:
    return pk.startswith(keys.outbox_pk("slack", "").removesuffix("slack#"))


def policy_write(what: str, pk: str, sk: str) -> bool:
    return pk == keys.policy_pk(SCOPE) and what == "put" and sk.startswith(keys.POLICY_VERSION_SK_PREFIX)


def pointer_write(what: str, pk: str, sk: str) -> bool:
    return pk == keys.policy_pk(SCOPE) and sk == keys.POLICY_CURRENT_SK


def the_open_pointer(what: str, pk: str, sk: str) -> bool:
    return what == "put" and sk == keys.OPEN_INCIDENT_SK


def the_incident(what: str, pk: str, sk: str) -> bool:
    return what == "put" and sk.startswith("INC#") and "#" not in sk.removeprefix("INC#")


def closing(what: str, pk: str, sk: str) -> bool:
    return what == "update" and sk.startswith("INC#") and "#" not in sk.removeprefix("INC#")


def marker_write(what: str, pk: str, sk: str) -> bool:
    return what == "put" and sk.startswith(keys.incident_closed_by_sk(""))


KillAt = tuple[Write | None, Write | None, bool]  # (after this write, before this write, in the messenger)
COMMON: dict[str, KillAt] = {
    "after the outbox, before the announcement": (
        lambda w, pk, sk: w == "put" and is_outbox(pk),
        None,
        False,
    ),
    "during the announcement": (None, None, True),
    "after the announcement settled, before the audit": (None, lambda w, pk, sk: w == "audit", False),
    "after the audit, before it is marked recorded": (lambda w, pk, sk: w == "audit", None, False),
}
OPEN_KILLS: dict[str, KillAt] = {
    "after the claim, before the pause": (the_open_pointer, None, False),
    "after the pause's version, before its pointer": (policy_write, None, False),
    "after the pause, before the incident is saved": (pointer_write, None, False),
    "after the incident is saved, before its opening update": (the_incident, None, False),
    **COMMON,
}
CLOSE_KILLS: dict[str, KillAt] = {
    "after the close, before the report": (closing, None, False),
    "after the report, before the joins were let in": (None, policy_write, False),
    "after the lift's version, before its pointer": (policy_write, None, False),
    "after the joins were let in, before the marker": (pointer_write, None, False),
    "after the marker, before the pointer went": (marker_write, None, False),
    "after the pointer went, before the outbox": (
        None,
        lambda w, pk, sk: w == "put" and is_outbox(pk),
        False,
    ),
    **COMMON,
}


def killed_then_redelivered(w: World, event: CommandIssued, kill: KillAt) -> None:
    w.store.after, w.store.before, w.messenger.dying = kill
    with pytest.raises(Killed):
        process(event, w.deps)
    w.store.revive()
    w.messenger.dying = False
    w.clock.advance(LEASE_SECONDS + 1)  # the dead worker's lease lapses before SQS hands it out again
    redelivery = w.worker()
    process(event, redelivery, redelivered=True)


def opened(w: World) -> dict[str, Any]:
    repo = Incidents(w.store)
    ref = repo.open_ref(GID)
    incident = repo.get(GID, ref) if ref else None
    live = PolicyRepo(w.store).for_group(GID, w.clock.now())
    return {
        "open": incident is not None and incident.state == "open",
        "joins_before": incident.joins_before if incident else None,
        "versions": len(PolicyRepo(w.store).versions(SCOPE)),
        "joins paused": live.membership.join.review_all,
        "updates": [u.what for u in repo.updates(incident)] if incident else [],
        "told the group": len([t for t in w.texts("post_text", to="C1") if t.startswith("🚨 Incident")]),
        "paged": len(w.texts("post_card", to=OPS)),
        "muted": mutes(w, lifted=False),
        "answered": len([t for t in w.texts("post_ephemeral") + w.texts("post_text") if "is open and" in t]),
        "audited": audited(w, "opened"),
    }


def mutes(w: World, *, lifted: bool) -> list[str]:
    """Who was muted (or, `lifted`, unmuted: a mute of 0 seconds)."""
    return [
        kwargs["user"]
        for verb, kwargs in w.messenger.calls
        if verb == "mute_member" and (kwargs["seconds"] == 0) is lifted
    ]


def audited(w: World, what: str) -> int:
    return sum(
        1
        for a in w.store.list_audit(GID)
        if a.detail.get("audit", {}).get("incident", {}).get("what") == what
    )


OPENED = {
    "open": True,
    "joins_before": BEFORE,
    "versions": 2,
    "joins paused": True,
    "updates": ["opened"],
    "told the group": 1,
    "paged": 1,
    "muted": [MEMBER],
    "answered": 1,
    "audited": 1,
}


def closed(w: World) -> dict[str, Any]:
    repo = Incidents(w.store)
    versions = PolicyRepo(w.store).versions(SCOPE)
    incidents = [
        item for item in w.store.query_items(keys.group_pk(GID), prefix="INC#") if "#" not in item.sk[4:]
    ]
    return {
        "open": repo.open_ref(GID),
        "states": [item.data["state"] for item in incidents],
        "versions": len(versions),
        "override": versions[-1].text,
        "updates": [u.what for u in repo.updates(repo.get(GID, str(incidents[0].data["ref"])))],  # type: ignore[arg-type]
        "told the group": len([t for t in w.texts("post_text", to="C1") if t.startswith("✅ Incident")]),
        "reports": sorted(
            kwargs["user"]
            for verb, kwargs in w.messenger.calls
            if verb == "send_direct" and "📋" in kwargs["text"]
        ),
        "unmuted": mutes(w, lifted=True),
        "audited": audited(w, "closed"),
    }


CLOSED = {
    "open": None,
    "states": ["closed"],
    "versions": 3,
    "override": BEFORE,
    "updates": ["opened", "closed"],
    "told the group": 1,
    "reports": [ADMIN, SECOND, OPS],  # the responders: the named one and the admins
    "unmuted": [MEMBER],
    "audited": 1,
}


def opened_world() -> World:
    w = world()
    process(w.command(OPEN), w.deps)
    assert opened(w) == OPENED
    return w


# Opening ---------------------------------------------------------------------------------------------


def test_without_a_fault_an_opening_is_one_incident_one_pause_one_notice_page_and_mute() -> None:
    w = world()
    process(w.command(OPEN), w.deps)
    assert opened(w) == OPENED


@pytest.mark.parametrize("kill", list(OPEN_KILLS))
def test_an_opening_killed_at_any_step_is_finished_by_its_redelivery_once(kill: str) -> None:
    """Before, a kill after the claim left the redelivery answering "already open": nobody was told."""
    w = world()
    killed_then_redelivered(w, w.command(OPEN), OPEN_KILLS[kill])
    assert opened(w) == OPENED
    assert not [t for t in w.texts("post_text") if "already open" in t]


def test_an_opening_redelivered_after_it_finished_changes_nothing() -> None:
    w = world()
    event = w.command(OPEN)
    process(event, w.deps)
    again = w.worker()
    process(event, again, redelivered=True)
    assert opened(w) == OPENED


def test_a_twin_processing_of_the_same_opening_leaves_one_incident_and_one_of_each_message() -> None:
    """SQS may hand the same record to two workers: the one that loses the pointer finds it its own."""
    w = world()
    event = w.command(OPEN)
    twin = w.worker()
    w.store.race_at, w.store.racing = the_open_pointer, lambda: process(event, twin)
    process(event, w.deps)
    assert opened(w) == OPENED


def test_two_admins_opening_at_once_make_one_incident_the_other_is_told_it_is_open() -> None:
    w = world()
    other = w.worker()
    theirs = w.command("incident open critical Spam wave", SECOND)
    w.store.race_at, w.store.racing = the_open_pointer, lambda: process(theirs, other)
    process(w.command(OPEN), w.deps)
    ref = Incidents(w.store).open_ref(GID)
    incident = Incidents(w.store).get(GID, ref or "")
    assert incident is not None and (incident.by, incident.severity) == (SECOND, "critical")
    assert w.texts("post_text", to=ADMIN) == [f"Incident {ref} is already open in this group."]
    assert len(PolicyRepo(w.store).versions(SCOPE)) == 2  # paused once
    assert len([t for t in w.texts("post_text", to="C1") if t.startswith("🚨 Incident")]) == 1


# Closing ---------------------------------------------------------------------------------------------


def test_without_a_fault_a_close_lifts_the_pause_once_and_sends_one_report_to_each_reader() -> None:
    w = opened_world()
    process(w.command(CLOSE), w.deps)
    assert closed(w) == CLOSED


@pytest.mark.parametrize("kill", list(CLOSE_KILLS))
def test_a_close_killed_at_any_step_is_finished_by_its_redelivery_once(kill: str) -> None:
    """Before, a kill after the close left the redelivery answering "no incident": the joins stayed
    paused for good, the member muted, and nobody had the report."""
    w = opened_world()
    killed_then_redelivered(w, w.command(CLOSE), CLOSE_KILLS[kill])
    assert closed(w) == CLOSED
    assert not [t for t in w.texts("post_text") if "No incident is open" in t]


def test_a_close_redelivered_after_it_finished_changes_nothing() -> None:
    w = opened_world()
    event = w.command(CLOSE)
    process(event, w.deps)
    again = w.worker()
    process(event, again, redelivered=True)
    assert closed(w) == CLOSED


def test_a_twin_processing_of_the_same_close_lifts_once_and_reports_once() -> None:
    w = opened_world()
    event = w.command(CLOSE)
    twin = w.worker()
    w.store.race_at, w.store.racing = closing, lambda: process(event, twin)
    process(event, w.deps)
    assert closed(w) == CLOSED


def test_two_admins_closing_at_once_close_it_once_the_other_is_told_none_is_open() -> None:
    w = opened_world()
    ref = Incidents(w.store).open_ref(GID)
    other = w.worker()
    theirs = w.command("incident close Handled", SECOND)
    w.store.race_at, w.store.racing = closing, lambda: process(theirs, other)
    process(w.command(CLOSE), w.deps)
    assert w.texts("post_text", to=ADMIN)[-1] == "No incident is open in this group."
    assert closed(w) == CLOSED  # the other admin's close, once
    assert [t for t in w.texts("post_text", to="C1") if t.startswith("✅")] == [
        f"✅ Incident {ref} is closed: Handled"
    ]


def test_a_close_killed_after_the_pointer_went_finishes_without_touching_the_next_incident() -> None:
    """The pointer goes only once the joins are let in again: the next incident pauses them itself, keeps
    the override as it was, and the first close's redelivery (found by its marker) leaves it alone."""
    w = opened_world()
    close = w.command(CLOSE)
    w.store.before = lambda what, pk, sk: what == "put" and is_outbox(pk)
    with pytest.raises(Killed):
        process(close, w.deps)
    w.store.revive()
    process(w.command("incident open high Again"), w.deps)
    newer = Incidents(w.store).open_ref(GID)
    w.clock.advance(LEASE_SECONDS + 1)
    process(close, w.worker(), redelivered=True)
    incident = Incidents(w.store).get(GID, newer or "")
    assert incident is not None and incident.state == "open" and incident.joins_before == BEFORE
    assert PolicyRepo(w.store).for_group(GID, w.clock.now()).membership.join.review_all
    assert len([t for t in w.texts("post_text", to="C1") if t.startswith("✅ Incident")]) == 1
