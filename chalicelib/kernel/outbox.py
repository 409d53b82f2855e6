"""The outbox: a decision is stored before its first action, and each action is marked done once the
platform confirmed it, so that a redelivered event finishes what was left and never decides again.

One item per event (`keys.outbox_pk`), in its own partition like the event's claim:

- `open` stores the decision with a conditional put (one write): its actions (through the generic record
  codec), the group it acts in, when it was decided, the facts the recorders read (the same codec), the
  detail its audit record keeps, and a lease
  (`owner`, `lease_until`) held by the processing that carries it out;
- `settle` records one step's result with a conditional update (one write per step): only if that step
  is not settled yet and the lease is still ours. The update that settles the last open step also marks
  the recording (hooks and audit) `pending`; `recorded` sets `recorded` once they are done;
- a processing killed between its last step and the end of its recording leaves it `pending`: the next
  processing that takes the lease (the SQS redelivery once the lease lapsed, or the job's next run) finds
  no step open and the decision not `recorded`, and records it. The hooks and the audit are keyed by the
  claim (the audit id derives from it), so one that ran before the kill is written again, not twice;
- a later processing (an SQS redelivery, a replayed dead letter, a second worker handed the same record)
  `load`s the item, `take`s the lease over when it is free or has lapsed (a conditional update on the
  owner it read), and performs only the steps that are not settled.

A step is one action for one recipient: a card to two admins is two steps with their own ids
(`<claim>#<position>`), so a failure after the first admin got it sends the second only. The positions
follow the decision's order (most severe first), and `part_of` maps a step back to its action.

A decision that acts on nothing stores nothing: an ordinary message costs no outbox read or write.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib.adapters.base import Sent
from chalicelib.core import actions as action_types
from chalicelib.core.actions import Action, Decision, PostCard, PostImage
from chalicelib.core.facts import FACT_KINDS, Fact
from chalicelib.core.records_codec import RecordCodecError, from_data, to_data
from chalicelib.kernel.executor import ActionResult
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item

log = logging.getLogger("qunguan.outbox")

# Longer than the worker's Lambda timeout (120 s, .chalice/config.json), shorter than the queue's
# visibility timeout (6x the function timeout, infra/data.py): a worker that died holding the lease does
# not keep the redelivery waiting past one receive.
LEASE_SECONDS = 180
# A dead letter may wait for its replay as long as SQS keeps it (14 days at most): the outbox lives as long.
KEEP_SECONDS = 14 * 86400

ACTION_KINDS: dict[str, type] = {
    cls.__name__: cls
    for cls in vars(action_types).values()
    if isinstance(cls, type) and issubclass(cls, Action) and cls is not Action
}


@dataclass(frozen=True)
class Step:
    """One action for one recipient: `position` in the stored decision, `part_of` the action's index."""

    position: int
    part_of: int
    action: Action


def steps_of(actions: Iterable[Action]) -> tuple[Step, ...]:
    """The decision's actions as steps: a card (to a chat and several people) or an image (to several
    people) is one step per recipient."""
    steps: list[Step] = []
    for index, action in enumerate(actions):
        parts: list[Action] = [action]
        if isinstance(action, PostCard) and len(action.users) + bool(action.chat) > 1:
            parts = [replace(action, users=())] if action.chat else []
            parts += [replace(action, chat="", users=(user,)) for user in action.users]
        elif isinstance(action, PostImage) and len(action.users) > 1:
            parts = [replace(action, users=(user,)) for user in action.users]
        for part in parts:
            steps.append(Step(len(steps), index, part))
    return tuple(steps)


@dataclass(frozen=True)
class Claim:
    """Whose decision: the event's platform and claim key (plus a suffix for a second decision on the same
    event, e.g. a spike alert found while recording it). Step ids and the audit id derive from it."""

    platform: str
    key: str

    @property
    def id(self) -> str:
        """The claim as one string, for what a decision writes outside the outbox and must find again
        (a policy version, `chalicelib.kernel.policies.PolicyRepo.apply`)."""
        return f"{self.platform}#{self.key}"

    def step_id(self, position: int) -> str:
        return f"{self.platform}#{self.key}#{position}"


@dataclass(frozen=True)
class Entry:
    """A stored decision and how far it got."""

    claim: Claim
    at: float
    chat: str  # the chat it acts in (a card clicked in a direct message acts in the group it names)
    actions: tuple[Action, ...]
    audit: dict[str, Any]
    what: str
    actor: str
    owner: str
    lease_until: float
    results: dict[int, ActionResult] = field(default_factory=dict)
    recorded: bool = False
    retry: str = ""  # the decision's own `retry`, `refused`, `facts` (Decision's typed fields)
    refused: str = ""
    facts: tuple[Fact, ...] = ()

    @property
    def steps(self) -> tuple[Step, ...]:
        return steps_of(self.actions)

    @property
    def open_steps(self) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.position not in self.results)

    @property
    def decision(self) -> Decision:
        return Decision(
            self.actions, retry=self.retry, refused=self.refused, facts=self.facts, audit=dict(self.audit)
        )

    def results_by_action(
        self, failures: Mapping[int, ActionResult] | None = None
    ) -> tuple[ActionResult, ...]:
        """One result per action of the decision (a card's recipients folded into one), in order: what the
        recording hooks zip with `decision.actions`. A step neither settled nor in `failures` counts as
        failed, worth retrying."""
        known = {**self.results, **(failures or {})}
        folded: list[ActionResult] = []
        for index, action in enumerate(self.actions):
            steps = [step for step in self.steps if step.part_of == index]
            mine = [known[step.position] for step in steps if step.position in known]
            folded.append(fold(type(action).__name__, mine, complete=len(mine) == len(steps)))
        return tuple(folded)


def fold(name: str, results: list[ActionResult], *, complete: bool) -> ActionResult:
    """Several recipients' results of one action as one: failed if any failed (retryable if any is),
    else substituted if any was, else done."""
    failed = [r for r in results if r.status == "failed"]
    sent = tuple(s for r in results for s in r.sent)
    if failed or not complete:
        retryable = any(r.retryable for r in failed) or not complete
        detail = "; ".join(r.detail for r in failed if r.detail) or "not done yet"
        return ActionResult(name, "failed", detail, retryable=retryable, sent=sent)
    substituted = [r.detail for r in results if r.status == "substituted"]
    if substituted:
        return ActionResult(name, "substituted", substituted[0], sent=sent)
    return ActionResult(name, "done", sent=sent)


def new_owner() -> str:
    return uuid.uuid4().hex


class Outbox:
    def __init__(self, store: Store) -> None:
        self.store = store

    @staticmethod
    def _key(claim: Claim) -> tuple[str, str]:
        return keys.outbox_pk(claim.platform, claim.key), keys.OUTBOX_SK

    def open(self, entry: Entry) -> bool:
        """Store a new decision, leased to `entry.owner`. False if one is stored for the claim already."""
        pk, sk = self._key(entry.claim)
        data = {
            "at": entry.at,
            "chat": entry.chat,
            "actions": [to_data(action) for action in entry.actions],
            "audit": json_safe(entry.audit),
            "what": entry.what,
            "actor": entry.actor,
            "owner": entry.owner,
            "lease_until": entry.lease_until,
            "retry": entry.retry,
            "refused": entry.refused,
            "facts": [to_data(fact) for fact in entry.facts],
        }
        return self.store.put_item(
            Item(pk, sk, data, expires_at=int(entry.at) + KEEP_SECONDS), if_absent=True
        )

    def load(self, claim: Claim) -> Entry | None:
        pk, sk = self._key(claim)
        item = self.store.get_item(pk, sk)
        if item is None:
            return None
        data = item.data
        try:
            stored = tuple(from_data(Action, raw, ACTION_KINDS) for raw in data.get("actions", []))
            facts = tuple(from_data(Fact, raw, FACT_KINDS) for raw in data.get("facts", []))
        except RecordCodecError as exc:  # written by another version of the code: nothing safe to redo
            log.error("outbox %s unreadable: %s", claim.key, exc)
            return None
        results = {
            int(name[1:]): _result(value)
            for name, value in data.items()
            if name.startswith("s") and name[1:].isdigit() and isinstance(value, dict)
        }
        return Entry(
            claim=claim,
            at=float(data.get("at", 0.0)),
            chat=str(data.get("chat", "")),
            actions=stored,
            audit=dict(data.get("audit") or {}),
            what=str(data.get("what", "")),
            actor=str(data.get("actor", "")),
            owner=str(data.get("owner", "")),
            lease_until=float(data.get("lease_until", 0.0)),
            results=results,
            recorded=bool(data.get("recorded")),
            retry=str(data.get("retry", "")),
            refused=str(data.get("refused", "")),
            facts=facts,
        )

    def take(self, entry: Entry, owner: str, now: float) -> Entry | None:
        """The lease, for `owner`: taken when free (released, or lapsed); None while another holds it."""
        if entry.owner and entry.owner != owner and entry.lease_until > now:
            return None
        pk, sk = self._key(entry.claim)
        until = now + LEASE_SECONDS
        if not self.store.update_item(
            pk, sk, {"owner": owner, "lease_until": until}, expect={"owner": entry.owner}
        ):
            return None  # someone took it between our read and this write
        return replace(entry, owner=owner, lease_until=until)

    def settle(self, entry: Entry, step: Step, result: ActionResult, *, record: bool) -> bool:
        """Mark `step` settled with its result (and, with `record`, the recording pending), if the step is
        still open and the lease still ours."""
        pk, sk = self._key(entry.claim)
        name = f"s{step.position}"
        changes: dict[str, Any] = {name: _stored(result)}
        if record:
            changes["recording"] = "pending"
        if self.store.update_item(pk, sk, changes, expect={name: None, "owner": entry.owner}):
            return True
        # Refused: the lease was lost, or this very write went through and its answer did not (the SDK
        # retried it, and the retry found the step settled). Ours if the item says so.
        item = self.store.get_item(pk, sk)
        return (
            item is not None
            and item.data.get("owner") == entry.owner
            and item.data.get(name) == changes[name]
        )

    def claim_recording(self, entry: Entry) -> bool:
        """Claim the recording of a decision whose steps were all settled and that is not recorded yet (a
        processing that stopped between its last step and the end of its recording), if the lease is
        still ours."""
        pk, sk = self._key(entry.claim)
        return self.store.update_item(
            pk, sk, {"recording": "pending"}, expect={"recorded": None, "owner": entry.owner}
        )

    def recorded(self, entry: Entry) -> bool:
        """Mark the decision recorded (its hooks and audit done): no later processing touches it again."""
        pk, sk = self._key(entry.claim)
        done = self.store.update_item(
            pk, sk, {"recorded": True, "recording": "done"}, expect={"owner": entry.owner}
        )
        if not done:
            log.warning("%s: recorded, but the lease was lost before it could be marked", entry.claim.key)
        return done

    def release(self, entry: Entry) -> None:
        """Give the lease up, so that the redelivery of an event that failed part-way goes on at once."""
        pk, sk = self._key(entry.claim)
        self.store.update_item(pk, sk, {"owner": "", "lease_until": 0}, expect={"owner": entry.owner})


def _stored(result: ActionResult) -> dict[str, Any]:
    return {
        "action": result.action,
        "status": result.status,
        "detail": result.detail,
        "sent": [to_data(sent) for sent in result.sent],
    }


def _result(value: Mapping[str, Any]) -> ActionResult:
    return ActionResult(
        action=str(value.get("action", "")),
        status=str(value.get("status", "done")),
        detail=str(value.get("detail", "")),
        sent=tuple(from_data(Sent, raw) for raw in value.get("sent", [])),
    )


def json_safe(detail: Mapping[str, Any]) -> dict[str, Any]:
    """The audit detail that survives JSON (what the audit record keeps after a redelivery); the rest is
    left out, with a log line."""
    kept: dict[str, Any] = {}
    for name, value in detail.items():
        try:
            kept[name] = json.loads(json.dumps(value))
        except (TypeError, ValueError):
            log.info("audit detail %r is not kept in the outbox (%s)", name, type(value).__name__)
    return kept
