"""Incidents (S7, LANDSCAPE section 4 item 12): an emergency mode for a group.

    incident open <severity> <summary>     an admin or a responder; severity low, medium, high, critical
                                           (or sev1..sev4, p1..p4)
    incident update <text>                 a status update, posted to the group
    incident close <summary>               lifts the isolation and sends the incident report
    incident                               what is open

Opening pages the responders (the policy's `workflows.incidents.responders` and the admins) with a card,
tells the group, and from `isolate_from` on isolates it: newcomers wait for approval (a group override of
`membership.join.review_all`, restored on close) and, where the platform lets the bot mute members (a
DingTalk scene group), everyone but the admins and responders is muted for `isolation_minutes`. Where it
cannot, the responders are asked to restrict posting by hand (escalation). Closing asks for a summary,
lifts the isolation and sends the responders an incident report with a timeline built from the audit
log and the incident's own updates.

Exactly once, whatever fails halfway: the opening's pointer (the group's one open incident) and the
close record the event that made them (`Claim.id`). A worker killed after either leaves the SQS
redelivery of that event to find its own transition and carry on: the joins paused or let in again
under the same claim (`PolicyRepo.apply(claim=...)`: found, never written twice), the opening and
closing updates under keys of their own, then the decision through the outbox. Another event is still
told that one is open, or that none is. The pointer goes only once the isolation is lifted; the close's
marker (`Incidents.closed_by`) lets its redelivery find the incident after that.

Spikes (R7.1): each join, leave and violation case bumps one counter of the group's current window (one
write, on those events only, never on ordinary messages); the event that reaches a threshold alerts the
responders with a card whose button opens an incident.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from chalicelib.authz import admins_of, is_admin
from chalicelib.core.actions import Action, Decision, Mute, PostCard, Reply, SendDirect, Unmute
from chalicelib.core.cards import Button, Card
from chalicelib.core.events import CardClicked, CommandIssued, Event, MemberJoined, MemberLeft
from chalicelib.core.localtime import local_clock
from chalicelib.core.policy import PolicyError, merge
from chalicelib.i18n import t
from chalicelib.kernel.act import event_claim
from chalicelib.kernel.clicks import ClickGate
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context, policies
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.outbox import KEEP_SECONDS
from chalicelib.kernel.people import name_of
from chalicelib.kernel.policies import parse_override
from chalicelib.kernel.where import Where, where_in
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import AuditRecord, Item
from chalicelib.workflows import common
from chalicelib.workflows.common import DAY, Namer, as_is
from chalicelib.workflows.settings import SEVERITIES, IncidentSettings, Severity

KEEP_DAYS = 365
TIMELINE_AUDIT_LIMIT = 200
MAX_TIMELINE = 60
_ALIASES: dict[str, Severity] = {
    **{name: name for name in SEVERITIES},
    "sev1": "critical",
    "sev2": "high",
    "sev3": "medium",
    "sev4": "low",
    "p1": "critical",
    "p2": "high",
    "p3": "medium",
    "p4": "low",
    "紧急": "critical",
    "緊急": "critical",
    "高": "high",
    "中": "medium",
    "低": "low",
}
PAUSE_JOINS = {"membership": {"join": {"review_all": True}}}


@dataclass(frozen=True)
class Incident:
    ref: str
    gid: str
    chat: str
    by: str
    at: float
    severity: Severity
    summary: str
    responders: tuple[str, ...] = ()
    muted: tuple[str, ...] = ()
    joins_paused: bool = False
    joins_before: str | None = None  # the group override before joins were paused
    escalated: bool = False
    state: str = "open"  # open | closed
    closed_at: float = 0.0
    closed_claim: str = ""  # the event (`Claim.id`) whose processing closed it: its redelivery finishes

    def data(self) -> dict[str, Any]:
        closing = (
            {"closed_at": self.closed_at, "closed_claim": self.closed_claim} if self.closed_claim else {}
        )
        return {
            "ref": self.ref,
            "gid": self.gid,
            "chat": self.chat,
            "by": self.by,
            "at": self.at,
            "severity": self.severity,
            "summary": self.summary,
            "responders": list(self.responders),
            "muted": list(self.muted),
            "joins_paused": self.joins_paused,
            "joins_before": self.joins_before,
            "escalated": self.escalated,
            "state": self.state,
            **closing,
        }

    @staticmethod
    def of(data: Mapping[str, Any]) -> Incident:
        before = data.get("joins_before")
        return Incident(
            ref=str(data["ref"]),
            gid=str(data["gid"]),
            chat=str(data["chat"]),
            by=str(data["by"]),
            at=float(data["at"]),
            severity=severity_of(str(data["severity"])) or "medium",
            summary=str(data.get("summary", "")),
            responders=tuple(str(user) for user in data.get("responders", ())),
            muted=tuple(str(user) for user in data.get("muted", ())),
            joins_paused=bool(data.get("joins_paused", False)),
            joins_before=str(before) if before is not None else None,
            escalated=bool(data.get("escalated", False)),
            state=str(data.get("state", "open")),
            closed_at=float(data.get("closed_at", 0.0)),
            closed_claim=str(data.get("closed_claim", "")),
        )


@dataclass(frozen=True)
class Update:
    at: float
    by: str
    what: str  # opened | update | responder | closed
    text: str = ""


# Pure ------------------------------------------------------------------------------------------------


def severity_of(word: str) -> Severity | None:
    return _ALIASES.get(word.strip().lower())


def isolates(severity: Severity, settings: IncidentSettings) -> bool:
    return SEVERITIES.index(severity) >= SEVERITIES.index(settings.isolate_from)


def crossed(before: int, threshold: int) -> bool:
    """The event that brings a window's count to its threshold alerts, once per window; 0 is off."""
    return threshold > 0 and before + 1 == threshold


def timeline(
    incident: Incident,
    updates: Sequence[Update],
    audit: Sequence[AuditRecord],
    locale: str,
    offset_hours: float = 8.0,
    *,
    name: Namer = as_is,
) -> list[str]:
    """What happened, in time order: the incident's own updates (who, by `name`) and what the audit log
    recorded in the group while it was open."""
    entries: list[tuple[float, str]] = []
    for update in updates:
        line = t(locale, f"workflows.inc.timeline.{update.what}", by=name(update.by), text=update.text)
        entries.append((update.at, line))
    for record in audit:
        if record.at < incident.at or not record.actions:
            continue
        actions = ", ".join(action.split(":", 1)[0] for action in record.actions)
        actor = name(record.actor) if record.actor and record.actor != "qunguan" else record.actor or "-"
        line = f"{record.event_type} {actor}: {actions} ({record.outcome})"
        entries.append((record.at, line))
    entries.sort(key=lambda entry: entry[0])
    lines = [f"{local_clock(at, offset_hours)} {line}" for at, line in entries]
    return lines if len(lines) <= MAX_TIMELINE else [*lines[:10], "…", *lines[-(MAX_TIMELINE - 11) :]]


def report_text(
    incident: Incident,
    *,
    closed_by: str,
    closed_at: float,
    summary: str,
    acknowledged: Sequence[str],
    lines: Sequence[str],
    locale: str,
    offset_hours: float = 8.0,
    name: Namer = as_is,
) -> str:
    """The report its readers get at the close; who opened, closed and answered it by `name`."""
    head = t(
        locale,
        "workflows.inc.report",
        ref=incident.ref,
        severity=t(locale, f"workflows.inc.severity.{incident.severity}"),
        opened=common.when(incident.at, offset_hours),
        by=name(incident.by),
        closed=common.when(closed_at, offset_hours),
        closed_by=name(closed_by),
        minutes=max(1, round((closed_at - incident.at) / 60)),
        opening=incident.summary,
        summary=summary,
        responders=", ".join(map(name, acknowledged)) or "-",
        muted=len(incident.muted),
        joins=t(locale, "workflows.yes" if incident.joins_paused else "workflows.no"),
        escalated=t(locale, "workflows.yes" if incident.escalated else "workflows.no"),
    )
    return "\n".join([head, t(locale, "workflows.inc.report.timeline"), *lines])


# The repository ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pointer:
    """The group's open incident: its ref, when it opened, and the event (`Claim.id`) that opened it."""

    ref: str
    at: float
    claim: str = ""
    taken_now: bool = dataclasses.field(default=False, compare=False)  # written by this `claim` call


# The position of the opening and the closing among the updates of their instant: each is written once,
# under its own key, however often its event is redelivered (`add` counts the updates for the others).
OPENED_N, CLOSED_N = 0, 999


class Incidents:
    def __init__(self, store: Store) -> None:
        self.store = store

    def pointer(self, gid: str) -> Pointer | None:
        item = self.store.get_item(keys.group_pk(gid), keys.OPEN_INCIDENT_SK)
        if item is None:
            return None
        return Pointer(str(item.data["ref"]), float(item.data["at"]), str(item.data.get("claim", "")))

    def open_ref(self, gid: str) -> str | None:
        pointer = self.pointer(gid)
        return None if pointer is None else pointer.ref

    def claim(self, gid: str, ref: str, at: float, claim: str) -> Pointer | None:
        """One open incident per group: the pointer is written only if absent. The pointer that holds
        then: this one; or the one written before, by an earlier processing of the same event (its claim is
        `claim`: the opening goes on) or by another event's; None if that one closed meanwhile."""
        item = Item(keys.group_pk(gid), keys.OPEN_INCIDENT_SK, {"ref": ref, "at": at, "claim": claim})
        if self.store.put_item(item, if_absent=True):
            return Pointer(ref, at, claim, taken_now=True)
        return self.pointer(gid)

    def save(self, incident: Incident) -> None:
        item = Item(
            keys.group_pk(incident.gid),
            keys.incident_sk(incident.ref),
            incident.data(),
            expires_at=int(incident.at + KEEP_DAYS * DAY),
        )
        self.store.put_item(item)

    def get(self, gid: str, ref: str) -> Incident | None:
        item = self.store.get_item(keys.group_pk(gid), keys.incident_sk(ref))
        return None if item is None else Incident.of(item.data)

    def close(self, incident: Incident, *, by: str, at: float, summary: str, claim: str) -> bool:
        """The transition: open to closed, once whoever else closes it at the same time, recording the
        event (`claim`) that closed it, so that its redelivery knows the close as its own (`closed_by`)."""
        return self.store.update_item(
            keys.group_pk(incident.gid),
            keys.incident_sk(incident.ref),
            {
                "state": "closed",
                "closed_by": by,
                "closed_at": at,
                "close_summary": summary,
                "closed_claim": claim,
            },
            expect={"state": "open"},
        )

    def keep_report(self, incident: Incident, report: str) -> None:
        self.store.update_item(
            keys.group_pk(incident.gid), keys.incident_sk(incident.ref), {"report": report}
        )

    def release(self, incident: Incident, at: float) -> None:
        """After the close and the isolation lifted: the marker by which the closing event finds the
        incident again (`closed_by`, for as long as the event may be redelivered), then the pointer gone,
        so that a new incident may open. Both safe to write again."""
        pk = keys.group_pk(incident.gid)
        marker = Item(
            pk,
            keys.incident_closed_by_sk(incident.closed_claim),
            {"ref": incident.ref},
            expires_at=int(at + KEEP_SECONDS),
        )
        self.store.put_item(marker)
        self.store.delete_item(pk, keys.OPEN_INCIDENT_SK)

    def closed_by(self, gid: str, claim: str) -> Incident | None:
        """The incident the event `claim` closed, if its processing got that far (one read when not)."""
        marker = self.store.get_item(keys.group_pk(gid), keys.incident_closed_by_sk(claim))
        incident = None if marker is None else self.get(gid, str(marker.data["ref"]))
        return incident if incident is not None and incident.closed_claim == claim else None

    def add(self, incident: Incident, update: Update) -> None:
        n = sum(
            1
            for _ in self.store.query_items(
                keys.group_pk(incident.gid), prefix=keys.incident_events_prefix(incident.ref)
            )
        )
        self._put(incident, update, n)

    def add_once(self, incident: Incident, update: Update, n: int) -> None:
        """An update with its own place (`OPENED_N`, `CLOSED_N`): written only if it is not there yet."""
        self._put(incident, update, n, once=True)

    def _put(self, incident: Incident, update: Update, n: int, *, once: bool = False) -> None:
        self.store.put_item(
            Item(
                keys.group_pk(incident.gid),
                keys.incident_event_sk(incident.ref, update.at, n),
                {"at": update.at, "by": update.by, "what": update.what, "text": update.text},
                expires_at=int(incident.at + KEEP_DAYS * DAY),
            ),
            if_absent=once,
        )

    def updates(self, incident: Incident) -> list[Update]:
        items = self.store.query_items(
            keys.group_pk(incident.gid), prefix=keys.incident_events_prefix(incident.ref)
        )
        return [
            Update(float(i.data["at"]), str(i.data["by"]), str(i.data["what"]), str(i.data.get("text", "")))
            for i in items
        ]

    def respond(self, incident: Incident, uid: str, user: str, at: float) -> bool:
        item = Item(
            keys.group_pk(incident.gid),
            keys.incident_responder_sk(incident.ref, uid),
            {"user": user, "at": at},
            expires_at=int(incident.at + KEEP_DAYS * DAY),
        )
        return self.store.put_item(item, if_absent=True)

    def acknowledged(self, incident: Incident) -> list[str]:
        items = self.store.query_items(
            keys.group_pk(incident.gid), prefix=keys.incident_responders_prefix(incident.ref)
        )
        return [str(item.data["user"]) for item in items]


# Who responds -----------------------------------------------------------------------------------------


def responders_of(ctx: Context, event: Event) -> tuple[str, ...]:
    named = common.native_ids(ctx.policy.workflows.incidents.responders, event)
    return tuple(dict.fromkeys((*named, *admins_of(ctx, event))))


def may_respond(event: Event, user: str, ctx: Context, deps: Deps) -> bool:
    return common.named(user, ctx.policy.workflows.incidents.responders, event) or is_admin(
        event, user, ctx, deps
    )


# Opening ----------------------------------------------------------------------------------------------


def on_command(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    prefix = command_prefix(command.platform)
    if not command.chat or command.direct:
        return common.private(ctx.locale, "workflows.need_group", prefix=prefix)
    sub = command.args[0].lower() if command.args else ""
    if sub not in ("open", "update", "close", ""):
        return common.private(ctx.locale, "workflows.inc.usage", prefix=prefix)
    if not may_respond(command, command.user, ctx, deps):
        return common.refused(ctx.locale, f"incident {sub or 'status'} by a non-admin")
    if sub == "open":
        severity = severity_of(command.args[1]) if len(command.args) > 1 else None
        summary = common.text_after(command, 2)
        if severity is None or not summary:
            return common.private(ctx.locale, "workflows.inc.usage", prefix=prefix)
        return open_incident(command, ctx, deps, severity=severity, summary=summary, by=command.user)
    repo = Incidents(deps.store)
    # A close processed before, killed after closing: its redelivery finds the incident it closed.
    incident = repo.closed_by(command.gid, event_claim(command).id) if sub == "close" else None
    if incident is None:
        ref = repo.open_ref(command.gid)
        incident = repo.get(command.gid, ref) if ref else None
    if incident is None:  # nothing open: say so, and how to open one
        return common.private(ctx.locale, "workflows.inc.none_usage", prefix=prefix)
    text = common.text_after(command, 1)
    if sub == "update":
        return (
            _update(command, ctx, deps, incident, text)
            if text
            else common.private(ctx.locale, "workflows.inc.usage", prefix=prefix)
        )
    if sub == "close":
        return _close(command, ctx, deps, incident, text)
    status = t(
        ctx.locale,
        "workflows.inc.status",
        ref=incident.ref,
        severity=t(ctx.locale, f"workflows.inc.severity.{incident.severity}"),
        summary=incident.summary,
        since=common.when(incident.at, ctx.policy.jobs.utc_offset_hours),
    )
    return Decision.of(Reply(text=status, private=True, reason="workflows.inc.status"))


def open_incident(
    event: CommandIssued | CardClicked, ctx: Context, deps: Deps, *, severity: Severity, summary: str, by: str
) -> Decision:
    """Open the group's one incident: tell the group, page the responders, isolate where it may.

    The pointer records the event (`Claim.id`) that opened it: a worker killed after taking it leaves
    the redelivery of the same event to find its own pointer and carry on (the incident as it was saved,
    or as far as it got: the joins paused under the same claim are found, not paused twice); another
    event is told one is open already."""
    place = where_in(deps, event, ctx)
    repo = Incidents(deps.store)
    ref = common.short_ref("I", event)
    claim = event_claim(event).id
    held = repo.claim(place.gid, ref, ctx.now, claim)
    if held is None or held.claim != claim:
        return common.answer(event, ctx.locale, "workflows.inc.already", ref=held.ref if held else "?")
    settings = ctx.policy.workflows.incidents
    responders = responders_of(ctx, event)
    incident = None if held.taken_now else repo.get(place.gid, held.ref)  # saved before the kill?
    if incident is None:
        incident = Incident(held.ref, place.gid, place.chat, by, held.at, severity, summary, responders)
        if isolates(severity, settings):
            incident = _isolate(deps, ctx, place, incident, settings, claim=claim)
        repo.save(incident)
    ref = incident.ref
    repo.add_once(incident, Update(incident.at, by, "opened", summary), OPENED_N)
    seconds = settings.isolation_minutes * 60
    actions: list[Action] = [
        Mute(chat=place.chat, user=user, seconds=seconds, reason="workflows.inc.isolate", rule="incident")
        for user in incident.muted
    ]
    locale = ctx.locale
    severity_label = t(locale, f"workflows.inc.severity.{severity}")
    notice = t(locale, "workflows.inc.opened", ref=ref, severity=severity_label, summary=summary)
    audience = () if place.can_post else common.members(deps, place.gid, ctx.now)
    page = Card(
        card_id=f"inc-{ref}",
        title=t(locale, "workflows.inc.card.title", ref=ref, severity=severity_label, group=place.label),
        body=summary,
        fields=(
            (t(locale, "workflows.inc.field.by"), by),
            (t(locale, "workflows.inc.field.isolation"), _isolation_line(incident, locale)),
        ),
        buttons=(Button(t(locale, "workflows.inc.button.ack"), "inc.ack", ref, "primary"),),
        footer=t(locale, "workflows.inc.footer", prefix=command_prefix(event.platform)),
    )
    paged = tuple(user for user in responders if user != by)
    if paged:
        shown = common.sealed(page, deps, platform=event.platform, tenant=event.tenant, chat=place.chat)
        actions.append(PostCard(card=shown, users=paged, reason="workflows.inc.page"))
    if incident.escalated:
        hint = t(locale, f"workflows.inc.escalate.{event.platform}")
        text = t(locale, "workflows.inc.escalate", ref=ref, group=place.label, hint=hint)
        actions += [SendDirect(user=user, text=text, reason="workflows.inc.escalate") for user in responders]
    actions += common.to_group(place, notice, audience, reason="workflows.inc.opened")
    done = t(locale, "workflows.inc.opened.you", ref=ref, isolation=_isolation_line(incident, locale))
    answer = (
        Reply(text=done, private=True, reason="workflows.inc.opened")
        if isinstance(event, CommandIssued)
        else common.tell(
            event.user,
            locale,
            "workflows.inc.opened.you",
            ref=ref,
            isolation=_isolation_line(incident, locale),
        )
    )
    audit: dict[str, Any] = {"incident": {"ref": ref, "what": "opened", "severity": severity}}
    return common.decided(*actions, answer, audit=audit)


def _isolation_line(incident: Incident, locale: str) -> str:
    parts = []
    if incident.muted:
        parts.append(t(locale, "workflows.inc.isolation.muted", count=len(incident.muted)))
    if incident.joins_paused:
        parts.append(t(locale, "workflows.inc.isolation.joins"))
    if incident.escalated:
        parts.append(t(locale, "workflows.inc.isolation.escalated"))
    return "; ".join(parts) or t(locale, "workflows.inc.isolation.none")


def _isolate(
    deps: Deps,
    ctx: Context,
    place: Where[Event],
    incident: Incident,
    settings: IncidentSettings,
    *,
    claim: str,
) -> Incident:
    """The incident with its isolation decided: the joins paused (a policy version written under the
    opening event's `claim`: its redelivery finds that version, and what was there before it, rather than
    pausing twice), who is muted, whether the responders must restrict posting by hand."""
    joins_before: str | None = None
    joins_paused = False
    if settings.pause_joins:
        repo = policies(deps)
        scope = keys.group_policy_scope(place.gid)
        live = repo.current(scope)
        joins_before = live.text if live else None
        try:
            merged = merge(parse_override(joins_before or ""), PAUSE_JOINS)
            text = yaml.safe_dump(merged, allow_unicode=True)
            paused = repo.apply(scope, text, author="qunguan", now=ctx.now, claim=claim)
            if paused.version != (live.version if live else 0) + 1:  # paused by this event before, found
                before = repo.version(scope, paused.version - 1)
                joins_before = before.text if before else None
            joins_paused = True
        except PolicyError:  # a group override that no longer validates is left alone
            joins_before = None
    muted: tuple[str, ...] = ()
    escalated = False
    if settings.mute_all and place.can_mute:
        keep = {*place.admins, *incident.responders, incident.by}
        muted = common.members(deps, place.gid, ctx.now, leave_out=keep)
    elif settings.mute_all:
        escalated = True
    return dataclasses.replace(
        incident, muted=muted, joins_paused=joins_paused, joins_before=joins_before, escalated=escalated
    )


# Updating and closing ---------------------------------------------------------------------------------


def _update(command: CommandIssued, ctx: Context, deps: Deps, incident: Incident, text: str) -> Decision:
    Incidents(deps.store).add(incident, Update(ctx.now, command.user, "update", text))
    place = where_in(deps, command, ctx)
    by = name_of(command, command.user, deps)
    notice = t(ctx.locale, "workflows.inc.updated", ref=incident.ref, text=text, by=by)
    audience = () if place.can_post else common.members(deps, place.gid, ctx.now)
    done = Reply(
        text=t(ctx.locale, "workflows.inc.updated.you", ref=incident.ref),
        private=True,
        reason="workflows.inc.updated",
    )
    return common.decided(*common.to_group(place, notice, audience, reason="workflows.inc.updated"), done)


def _close(command: CommandIssued, ctx: Context, deps: Deps, incident: Incident, summary: str) -> Decision:
    """Close the incident, then what follows: the report, the isolation lifted, the pointer gone, the
    group and the readers told. The close records the command's claim: a worker killed after it leaves
    the redelivery of the same command to find the incident closed by itself and finish the rest (the
    joins let in again under the same claim, never twice); another command is told nothing is open."""
    if not summary:
        return common.private(
            ctx.locale, "workflows.inc.summary_needed", prefix=command_prefix(command.platform)
        )
    repo = Incidents(deps.store)
    claim = event_claim(command).id
    if incident.closed_claim != claim:  # not closed by this command before its worker was killed
        if repo.close(incident, by=command.user, at=ctx.now, summary=summary, claim=claim):
            incident = dataclasses.replace(incident, state="closed", closed_at=ctx.now, closed_claim=claim)
        else:  # closed by another command, or by a twin processing of this one a moment ago
            now_closed = repo.get(incident.gid, incident.ref)
            if now_closed is None or now_closed.closed_claim != claim:
                return common.private(ctx.locale, "workflows.inc.none")
            incident = now_closed
    closed_at = incident.closed_at
    repo.add_once(incident, Update(closed_at, command.user, "closed", summary), CLOSED_N)
    name = common.namer(command, deps)
    lines = timeline(
        incident,
        repo.updates(incident),
        deps.store.list_audit(incident.gid, TIMELINE_AUDIT_LIMIT),
        ctx.locale,
        ctx.policy.jobs.utc_offset_hours,
        name=name,
    )
    acknowledged = repo.acknowledged(incident)
    report = report_text(
        incident,
        closed_by=command.user,
        closed_at=closed_at,
        summary=summary,
        acknowledged=acknowledged,
        lines=lines,
        locale=ctx.locale,
        offset_hours=ctx.policy.jobs.utc_offset_hours,
        name=name,
    )
    repo.keep_report(incident, report)
    place = where_in(deps, command, ctx)
    actions = _lift(deps, ctx, place, incident, claim=claim)
    repo.release(incident, ctx.now)  # only once lifted: a new incident never finds the joins still paused
    notice = t(ctx.locale, "workflows.inc.closed", ref=incident.ref, summary=summary)
    audience = () if place.can_post else common.members(deps, place.gid, ctx.now)
    actions += common.to_group(place, notice, audience, reason="workflows.inc.closed")
    readers = tuple(dict.fromkeys((*incident.responders, incident.by, command.user)))
    actions += [SendDirect(user=user, text=report, reason="workflows.inc.report") for user in readers]
    return common.decided(*actions, audit={"incident": {"ref": incident.ref, "what": "closed"}})


def _lift(deps: Deps, ctx: Context, place: Where[Event], incident: Incident, *, claim: str) -> list[Action]:
    """Undo the isolation: unmute who the incident muted, let newcomers in as before (a policy version
    under the closing event's `claim`: found again by its redelivery, not written twice)."""
    from chalicelib.moderation.mutes import MuteRepo

    actions: list[Action] = []
    text = t(ctx.locale, "workflows.inc.unmuted", group=place.label)
    mutes = MuteRepo(deps.store)
    for user in incident.muted:
        mutes.end(place.gid, f"{place.platform}:{place.tenant}:{user}")
        actions.append(Unmute(chat=place.chat, user=user, text=text, reason="workflows.inc.lift"))
    if incident.joins_paused:
        repo = policies(deps)
        scope = keys.group_policy_scope(place.gid)
        try:
            repo.apply(scope, incident.joins_before or "", author="qunguan", now=ctx.now, claim=claim)
        except PolicyError:
            live = repo.current(scope)
            current = parse_override(live.text) if live else {}
            current.get("membership", {}).get("join", {}).pop("review_all", None)
            text = yaml.safe_dump(current, allow_unicode=True)
            repo.apply(scope, text, author="qunguan", now=ctx.now, claim=claim)
    return actions


# Cards ------------------------------------------------------------------------------------------------


CARD_GATE = ClickGate(
    common.CLICK_ANSWERS,
    kinds=("ack", "open"),
    allowed=may_respond,
    refusal="incident {kind} by a non-responder",
)


def on_card(click: CardClicked, ctx: Context, deps: Deps) -> Decision:
    opened = CARD_GATE.open(click, ctx, deps)
    if isinstance(opened, Decision):
        return opened
    sealed, gctx, located, kind = opened.sealed, opened.ctx, opened.located, opened.kind
    if kind == "open":
        what, _, count = sealed.ref.partition(":")
        summary = t(
            gctx.locale,
            "workflows.inc.spike.summary",
            what=t(gctx.locale, f"workflows.inc.spike.{what}"),
            count=count,
        )
        decision = open_incident(located, gctx, deps, severity="medium", summary=summary, by=click.user)
        return dataclasses.replace(decision, acting_chat=common.acting(sealed.chat, click))
    repo = Incidents(deps.store)
    incident = repo.get(located.gid, sealed.ref)
    if incident is None or incident.state != "open":
        return common.click_answer(click, gctx.locale, "workflows.inc.none")
    if not repo.respond(incident, click.uid(click.user), click.user, gctx.now):
        return Decision()  # a second click does nothing
    repo.add(incident, Update(gctx.now, click.user, "responder"))
    return common.click_answer(click, gctx.locale, "workflows.inc.responding", ref=incident.ref)


# Spikes -----------------------------------------------------------------------------------------------


def count(deps: Deps, gid: str, what: str, now: float, settings: IncidentSettings) -> int | None:
    """Add one to this window's count of `what` (joins, leaves, violations): one write. The count when it
    reaches the threshold, else None; nothing is written when the alert is off."""
    threshold = int(getattr(settings.spikes, what))
    if threshold <= 0:
        return None
    window = settings.spikes.window_minutes * 60
    bucket = int(now // window)
    before = deps.store.bump_counters(
        keys.spike_window_pk(gid),
        keys.spike_window_sk(bucket),
        {what: 1},
        {},
        expires_at=(bucket + 2) * window,
    )
    return threshold if crossed(int(before.get(what, 0)), threshold) else None


def alert(event: Event, ctx: Context, deps: Deps, what: str, count_: int) -> list[Action]:
    """The responders' card for a spike, unless an incident is already open."""
    place = where_in(deps, event, ctx)
    if Incidents(deps.store).open_ref(place.gid) is not None:
        return []
    responders = responders_of(ctx, event)
    if not responders:
        return []
    locale = ctx.locale
    minutes = ctx.policy.workflows.incidents.spikes.window_minutes
    card = Card(
        card_id=f"spike-{what}-{int(ctx.now // 60)}",
        title=t(locale, "workflows.inc.spike.title", group=place.label),
        body=t(
            locale,
            "workflows.inc.spike.body",
            count=count_,
            what=t(locale, f"workflows.inc.spike.{what}"),
            minutes=minutes,
        ),
        buttons=(Button(t(locale, "workflows.inc.button.open"), "inc.open", f"{what}:{count_}", "danger"),),
    )
    shown = common.sealed(card, deps, platform=event.platform, tenant=event.tenant, chat=place.chat)
    return [PostCard(card=shown, users=responders, reason="workflows.inc.spike")]


def on_membership(event: MemberJoined | MemberLeft, ctx: Context, deps: Deps) -> Decision:
    """A join or a leave counts toward its spike alert."""
    if not event.chat or (ctx.group is not None and not ctx.group.enabled):
        return Decision()
    what = "joins" if isinstance(event, MemberJoined) else "leaves"
    reached = count(deps, event.gid, what, ctx.now, ctx.policy.workflows.incidents)
    if reached is None:
        return Decision()
    return common.decided(*alert(event, ctx, deps, what, reached), audit={"spike": what})
