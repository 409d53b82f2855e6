"""The reminder of an unanswered mention (R5.2): the `mentions` job, run hourly by the `reminders` schedule.

For one group, where the jobs count its message log (`jobs.activity`: `auto` is where the messenger
delivers every group message, Slack; on WeCom and DingTalk the bot hears only the @-mentions of itself and
cannot know whether anyone answered, so nothing is sent there) and `workflows.mentions.enabled`:

1. outside the group's quiet hours only (then it reads nothing: what is due waits for the morning), it
   reads the log of the last `within_hours`: one Query per UTC day partition, never a Scan;
2. finds who is still waiting for an answer (`chalicelib.workflows.unanswered`, the assessment's definition
   of an answer: the member posted in the group since);
3. for those, and only those, reads what excludes a member: on leave (`away`, one Query), opted out
   (`remind off`, a GetItem each), gone (their member record), a bot (the messenger's directory, cached);
   and the group's reminders (one Query: what was reminded, how many each member had today);
4. records each reminder with a conditional put before it is sent (`MentionRecords.claim`), so a second run
   in the hour, a redelivered job or two workers at once send it once; then sends each member one private
   message for their due mentions: who asked, in which group, and when, in the group's time zone. Never the
   message's text (the log keeps none by default). The messengers' adapters have no permalink verb, so the
   time stands in for a link.

The report is quiet (the reminders are what people see); a dry run counts what is due and sends nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from chalicelib.authz import directory_user
from chalicelib.core.actions import Action, SendDirect
from chalicelib.core.events import JobRequested
from chalicelib.core.ids import split_id
from chalicelib.errors import MessengerError
from chalicelib.i18n import t
from chalicelib.jobs.activity import MessageLog, log_used
from chalicelib.jobs.base import JobReport
from chalicelib.jobs.scheduler import request
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.where import Where, job_where
from chalicelib.membership.repository import FORMER, MembershipRepo
from chalicelib.workflows.mention_records import MentionRecords
from chalicelib.workflows.moments import local
from chalicelib.workflows.unanswered import HOUR, Waiting, in_quiet_hours, plan, unanswered

log = logging.getLogger("qunguan.workflows.mentions")

NAME = "mentions"
REASON = "workflows.mentions.remind"


class MentionReminders:
    """The `Job` protocol of `chalicelib.jobs.base`: one run per group and hour."""

    name = NAME

    def period(self, now: float) -> str:
        return datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H")

    def run(self, deps: Deps, gid: str, now: float, *, dry_run: bool = False) -> JobReport:
        period = self.period(now)
        scope = job_where(deps, gid, job=self.name, key=period, now=now, dry_run=dry_run)
        settings = scope.policy.workflows.mentions
        governed = scope.group is not None and scope.group.enabled
        if not (governed and settings.enabled and log_used(gid, scope.policy, deps)):
            return _report(gid, period, dry_run, {}, details={"quiet": True, "disabled": True})
        if in_quiet_hours(now, scope.offset_hours, settings):
            return _report(gid, period, dry_run, {"quiet_hours": 1})
        # UTC day partitions only (offset 0): items written under a local day, before the log moved to UTC
        # days, are not read. At worst a mention of that first day goes unreminded; reading those
        # partitions as well would cost one more Query every hour for good.
        entries = list(MessageLog(deps.store).read(gid, now - settings.within_hours * HOUR, now, 0.0))
        waiting = unanswered(entries, now, settings)
        if not waiting:
            return _report(gid, period, dry_run, {}, items_read=len(entries))
        records = MentionRecords(deps.store)
        sent = records.sent(gid, now, scope.offset_hours)
        platform, tenant, chat = split_id(gid)
        event = request(NAME, period, platform=platform, tenant=tenant, chat=chat, at=now, dry_run=dry_run)
        users = sorted({ask.user for ask in waiting if ask.key not in sent.reminded})
        excluded = _excluded(deps, event, users, now)
        chosen = plan(
            waiting,
            now,
            settings,
            offset_hours=scope.offset_hours,
            excluded=excluded,
            reminded=sent.reminded,
            sent_today=sent.today,
        )
        counts = {f"skipped_{reason}": n for reason, n in chosen.skipped.items()}
        read = len(entries) + sent.items
        if dry_run:
            return _report(gid, period, dry_run, {**counts, "due": len(chosen.remind)}, items_read=read)
        claimed: dict[str, list[Waiting]] = defaultdict(list)
        for ask in chosen.remind:
            if records.claim(
                gid,
                event.uid(ask.user),
                ask.user,
                message_id=ask.message_id,
                at=ask.at,
                now=now,
                within_hours=settings.within_hours,
            ):
                claimed[ask.user].append(ask)
        names = _names(deps, event, {ask.asked_by for asks in claimed.values() for ask in asks})
        links = _links(deps, event, [ask for asks in claimed.values() for ask in asks])
        actions: list[Action] = [
            SendDirect(user=user, text=reminder_text(asks, scope, names, links), reason=REASON)
            for user, asks in sorted(claimed.items())
        ]
        counts.update(reminded=sum(len(asks) for asks in claimed.values()), members=len(claimed))
        log.info("mentions %s %s: %s", gid, period, counts)
        return _report(gid, period, dry_run, counts, items_read=read, actions=tuple(actions))


def _report(
    gid: str,
    period: str,
    dry_run: bool,
    counts: dict[str, int],
    *,
    items_read: int = 0,
    details: dict[str, object] | None = None,
    actions: tuple[Action, ...] = (),
) -> JobReport:
    return JobReport(
        NAME,
        gid,
        period,
        dry_run,
        counts=counts,
        lines=tuple(f"{kind}: {n}" for kind, n in sorted(counts.items())),
        items_read=items_read,
        details=dict(details or {"quiet": True}),
        actions=actions,
    )


def _excluded(deps: Deps, event: JobRequested, users: Sequence[str], now: float) -> dict[str, str]:
    """Why each of `users` is never reminded, if they are not: the cheapest look-ups first."""
    if not users:
        return {}
    messenger = deps.messenger(event.platform)
    try:
        bot = messenger.bot_user_id(event.tenant)
    except MessengerError as exc:
        log.warning("bot id unknown on %s: %s", event.platform, exc.detail)
        bot = None
    away = MembershipRepo(deps.store).away_all(event.gid)
    records = MentionRecords(deps.store)
    excluded: dict[str, str] = {}
    for user in users:
        uid = event.uid(user)
        if user == bot:
            excluded[user] = "bot"
        elif away.get(uid, 0.0) > now:
            excluded[user] = "away"
        elif records.opted_out(uid):
            excluded[user] = "off"
        else:
            member = deps.store.get_member(event.gid, uid)
            person = directory_user(event, user, deps)
            if person is not None and person.is_bot:
                excluded[user] = "bot"
            elif (member is not None and member.role == FORMER) or (person is not None and not person.active):
                excluded[user] = "left"
    return excluded


def _names(deps: Deps, event: JobRequested, users: Iterable[str]) -> dict[str, str]:
    """How each asker is named: their name in the group, else the directory's, else their id."""
    names: dict[str, str] = {}
    for user in users:
        member = deps.store.get_member(event.gid, event.uid(user))
        person = None if member and member.display_name else directory_user(event, user, deps)
        names[user] = (
            (member.display_name if member else "")
            or (person.display_name or person.name if person else "")
            or user
        )
    return names


def _links(deps: Deps, event: JobRequested, asks: Sequence[Waiting]) -> dict[str, str]:
    """A link to each message, where the platform gives one (Slack's permalinks): one call each."""
    messenger = deps.messenger(event.platform)
    found = {ask.message_id: messenger.permalink(event.tenant, event.chat, ask.message_id) for ask in asks}
    return {message_id: link for message_id, link in found.items() if link}


def reminder_text(
    asks: Sequence[Waiting],
    scope: Where[JobRequested],
    names: dict[str, str],
    links: Mapping[str, str] | None = None,
) -> str:
    """One member's reminder: the group, then who asked and when (local time), oldest first, each with a
    link to the message where the platform gives one (never its text)."""
    locale = scope.locale
    platform, _, chat = split_id(scope.gid)
    group = (scope.group.name if scope.group else "") or chat
    lines = [t(locale, "workflows.mentions.remind.head", group=group)]
    for ask in asks:
        kind = "question" if ask.question else "mention"
        who, when = names.get(ask.asked_by, ask.asked_by), local(ask.at, scope.offset_hours)
        lines.append(t(locale, f"workflows.mentions.remind.{kind}", who=who, when=when))
        if links and links.get(ask.message_id):
            lines.append(f"  {links[ask.message_id]}")
    lines.append(t(locale, "workflows.mentions.remind.foot", prefix=command_prefix(platform)))
    return "\n".join(lines)
