"""The membership job (`MembershipJob`, name "membership", hourly): what falls due in a group.

One GSI2 Query finds a group's due items (`MembershipRepo.due`), oldest first:

- a join request (R2.2): the approvers are reminded once, then, at the timeout, the request is rejected
  automatically: the newcomer removed (or an admin card), and every approver's copy of its cards updated
  to say it lapsed (`chalicelib.kernel.request_cards`, as a decision updates them);
- a real-name check (R2.3) whose grace period is over: a report card to the admins (or a removal,
  `after_grace: remove`). The record holds the latest name the bot was told of (profile-change events
  update or clear it), so the job makes no directory calls;
- a rules acknowledgement (R2.7) still missing: one reminder to the newcomer.

Each item leaves the due index when handled, so a second run in the same hour does nothing again. A dry
run reports and changes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from chalicelib.core.actions import Action, Decision, SendDirect
from chalicelib.core.cards import Card
from chalicelib.core.events import JobRequested
from chalicelib.core.localtime import local
from chalicelib.i18n import t
from chalicelib.jobs.base import JobReport
from chalicelib.kernel.act import After
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.executor import ActionResult
from chalicelib.kernel.people import name_of
from chalicelib.kernel.request_cards import keep_sent, updates
from chalicelib.kernel.where import Where, job_where
from chalicelib.membership import joins, names, welcome
from chalicelib.membership.acting import act
from chalicelib.membership.groups import group_view
from chalicelib.membership.inactivity import items_read
from chalicelib.membership.repository import Due, JoinRequest, MembershipRepo, request_of
from chalicelib.membership.repository import name_of as name_record_of
from chalicelib.membership.views import GroupView, Person, to_admins

HOUR = 3600


class MembershipJob:
    name = "membership"

    def period(self, now: float) -> str:
        return datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H")

    def run(self, deps: Deps, gid: str, now: float, *, dry_run: bool = False) -> JobReport:
        start = items_read(deps)
        period = self.period(now)
        run = job_where(deps, gid, job=self.name, key=period, dry_run=dry_run)
        counts: Counter[str] = Counter()
        if run.ctx.group is not None and run.ctx.group.enabled:
            repo = MembershipRepo(deps.store)
            group = group_view(run.ctx, deps, run.event, run.event.chat)
            work = _DueRun(deps, run, repo, group, now)
            for due in list(repo.due(gid, now)):
                counts[work.handle(due)] += 1
        else:
            counts["skipped"] = 1
        return JobReport(
            job=self.name,
            gid=gid,
            period=period,
            dry_run=dry_run,
            counts=dict(counts),
            lines=tuple(f"{kind}: {n}" for kind, n in sorted(counts.items())),
            items_read=items_read(deps) - start,
        )


@dataclass(frozen=True)
class _DueRun:
    """One run's handling of due items; each handler returns what it did, for the report's counts."""

    deps: Deps
    run: Where[JobRequested]
    repo: MembershipRepo
    group: GroupView
    now: float

    @property
    def dry(self) -> bool:
        return self.run.event.dry_run

    def handle(self, due: Due) -> str:
        if due.kind == "join":
            return self.join(due)
        if due.kind == "name":
            return self.name(due)
        if due.kind == "ack":
            return self.ack(due)
        return "unknown"  # pragma: no cover - only these three are put on the index

    def act(self, actions: tuple[Action, ...], what: str, *, after: After | None = None) -> None:
        act(self.deps, self.run, actions, at=self.now, what=what, after=after)

    def keep_join_cards(self, decision: Decision, results: tuple[ActionResult, ...]) -> None:
        """A reminder is a new card: kept with its tokens like the first, so a decision updates it too."""
        keep_sent(self.deps, decision, results, event=self.run.event, now=self.now, kind="join")

    def join(self, due: Due) -> str:
        group, now = self.group, self.now
        request = request_of(group.gid, due.uid, due.item)
        settings = self.run.ctx.policy.membership.join
        if request.status != "pending":  # pragma: no cover - decided requests leave the due index
            return "join.stale"
        timeout_at = request.requested_at + settings.timeout_hours * HOUR
        if not request.reminded and settings.reminder_hours and now < timeout_at:
            if not self.dry:
                card = joins.approval_card(
                    self.person(request), request.standing, group, request.ref, settings, reminder=True
                )
                self.act(
                    (to_admins(group, card, reason="membership.join.reminder", approvers=True),),
                    "join reminder",
                    after=self.keep_join_cards,
                )
                self.repo.remind_request(request, due_at=timeout_at)
            return "join.reminder"
        if self.dry:
            return "join.expired"
        if not self.repo.decide_request(request, "expired", by="qunguan", at=now):
            return "join.stale"
        person = self.person(request)
        self.act(
            (*joins.rejection(person, group), *self.lapsed(request, person)), f"join expired {request.uid}"
        )
        self.repo.history(group.gid, request.uid, request.user, "expired", at=now)
        return "join.expired"

    def person(self, request: JoinRequest) -> Person:
        """The newcomer as the approvers read them: their directory name (one cached look-up)."""
        return Person(request.user, request.uid, name_of(self.run.event, request.user, self.deps))

    def lapsed(self, request: JoinRequest, person: Person) -> tuple[Action, ...]:
        """Every approver's copy of the request's cards (the first and the reminder) says it lapsed and
        loses its buttons, as a decision shows (`request_cards.updates`); a request whose cards were never
        kept (sent before they were) is told to the approvers privately."""
        group, settings = self.group, self.run.ctx.policy
        title = t(group.locale, "membership.join.card.title", name=person.label)
        line = t(
            group.locale,
            "membership.join.lapsed",
            name=person.label,
            group=group.label,
            hours=settings.membership.join.timeout_hours,
            when=local(self.now, settings.jobs.utc_offset_hours),
        )
        shown = updates(
            self.deps,
            platform=self.run.event.platform,
            gid=group.gid,
            kind="join",
            ref=request.ref,
            card=Card(card_id=f"join-{request.ref[:12]}", title=title, body="", footer=line),
            told=f"{title}\n{line}",
            reason="membership.join.expired",
            now=self.now,
        )
        return shown or tuple(
            SendDirect(user=user, text=line, reason="membership.join.expired") for user in group.approvers
        )

    def name(self, due: Due) -> str:
        group, now = self.group, self.now
        record = name_record_of(group.gid, due.uid, due.item)
        settings = self.run.ctx.policy.membership.real_names
        if record.state != "nudged" or not settings.enabled:
            return "name.stale"
        if self.dry:
            return "name.reported"
        if not self.repo.report_name(record, at=now):
            return "name.stale"
        locale = group.locale
        person = Person(record.user, record.uid, record.shown or record.user)
        actions: tuple[Action, ...]
        if settings.after_grace == "remove":
            actions = joins.removal_actions(
                person,
                group,
                why=t(locale, "membership.why.name"),
                member_text=t(locale, "membership.name.removed_member", group=group.label),
                reason="membership.name",
            )
        else:
            card = names.report_card(
                person.label,
                shown=record.shown,
                real=record.real,
                group_label=group.label,
                ref=record.user,
                hours=settings.grace_hours,
                locale=locale,
                at=now,
            )
            actions = (to_admins(group, card, reason="membership.name.report"),)
        self.act(actions, f"name report {record.uid}")
        return "name.reported"

    def ack(self, due: Due) -> str:
        if not self.dry:
            user = str(due.item.data.get("user", ""))
            person = Person(user, due.uid, user)
            settings = self.run.ctx.policy.membership.welcome
            self.act(welcome.reminder(person, self.group, settings, at=self.now), f"rules reminder {due.uid}")
            self.repo.ack_reminded(self.group.gid, due.uid, due.item)
        return "ack.reminder"
