"""The weekly content review (R8.5): the last `jobs.review.days` of recorded messages re-scanned with the
group's current policy, in shadow mode (nothing is done to anyone), and reported to the admins as "what
the current policy would have flagged": findings per rule, how many of them were not flagged when the
message was posted (a policy tightened since, or a rule in shadow then), and a few samples per rule.

It needs the text, which the message log keeps only where the policy sets `retention.messages` (the
worker adds it to the item ingress wrote, where `jobs.activity` records messages); without it the run is
quiet and says so in its stored report. Flood and duplicate signals are recomputed by
replaying the messages in order, so the whole current rule set applies, not only the text rules. A
sample never shows a sensitive finding's text (personal data, secrets): only its rule and time.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field, replace
from typing import cast

from chalicelib.authz import ADMIN_ROLES
from chalicelib.core import engine
from chalicelib.core.events import JobRequested, MessagePosted
from chalicelib.core.ids import Platform, split_id
from chalicelib.core.policy import GroupPolicy
from chalicelib.core.rules.base import RuleContext
from chalicelib.core.text import fingerprint
from chalicelib.i18n import t
from chalicelib.jobs.activity import Entry, MessageLog, kept_text_days, log_used
from chalicelib.jobs.base import JobReport
from chalicelib.jobs.periods import DAY, week_label
from chalicelib.jobs.runs import RecordedJob, RunState
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.people import name_of
from chalicelib.kernel.where import Where
from chalicelib.store import keys

EXCERPT = 60


@dataclass
class _Replay:
    """The flood and duplicate signals the pipeline would have computed, rebuilt from the log."""

    policy: GroupPolicy
    recent: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    prints: dict[str, deque[tuple[float, str]]] = field(default_factory=lambda: defaultdict(deque))
    last: dict[str, float] = field(default_factory=dict)

    def signals(self, entry: Entry, text: str) -> tuple[int, int, int, float | None]:
        flood_window = self.policy.rules.flood.window_seconds
        dup_window = self.policy.rules.duplicate.window_seconds
        mine = self.recent[entry.user]
        while mine and mine[0] <= entry.at - flood_window:
            mine.popleft()
        mine.append(entry.at)
        digest = fingerprint(text) if text.strip() else ""
        group = self.prints[digest]
        while group and group[0][0] <= entry.at - dup_window:
            group.popleft()
        group.append((entry.at, entry.user))
        member_dup = sum(1 for _, user in group if user == entry.user) if digest else 1
        group_dup = len(group) if digest else 1
        previous = self.last.get(entry.user)
        self.last[entry.user] = entry.at
        return len(mine), member_dup, group_dup, previous


class ReviewJob(RecordedJob):
    name = "review"

    def period(self, now: float) -> str:
        return week_label(now)

    def anchor(self, period: str) -> float:
        from datetime import UTC, datetime

        return datetime.strptime(f"{period}-1", "%G-W%V-%u").replace(tzinfo=UTC).timestamp() + 12 * 3600

    def execute(self, deps: Deps, scope: Where[JobRequested], now: float, state: RunState) -> JobReport:
        policy, locale = scope.policy, scope.locale
        settings = policy.jobs.review
        period = self.period(now)
        if not settings.enabled:
            return JobReport(
                self.name, scope.gid, period, state.dry_run, details={"quiet": True, "disabled": True}
            )
        if kept_text_days(policy) <= 0:
            line = t(locale, "jobs.review.no_messages")
            return JobReport(
                self.name, scope.gid, period, state.dry_run, lines=(line,), details={"quiet": True}
            )
        start = now - settings.days * DAY
        counted = log_used(scope.gid, policy, deps)  # `jobs.activity`: whether the group's messages count
        entries = [
            e
            for e in MessageLog(deps.store).read(scope.gid, start, now, scope.offset_hours, messages=counted)
            if e.kind == "msg"
        ]
        flagged_then = _flagged_message_ids(deps, scope.gid, start, now)
        platform, tenant, chat = split_id(scope.gid)
        rules = engine.build_rules(policy)
        roles = _Roles(deps, scope.gid, platform, tenant)
        replay = _Replay(policy)
        by_rule: Counter[str] = Counter()
        new_by_rule: Counter[str] = Counter()
        samples: dict[str, list[str]] = defaultdict(list)
        messages = with_text = 0
        for entry in entries:
            messages += 1
            if entry.text is None:
                continue
            with_text += 1
            flood, member_dup, group_dup, previous = replay.signals(entry, entry.text)
            event = MessagePosted(
                platform=cast(Platform, platform),
                tenant=tenant,
                chat=chat,
                event_id=f"review-{entry.message_id}",
                occurred_at=entry.at,
                user=entry.user,
                message_id=entry.message_id,
                text=entry.text,
                mentions=entry.mentions,
                reply_to=entry.reply_to or None,
            )
            context = RuleContext(
                policy=policy,
                now=entry.at,
                is_admin=policy.is_admin(event.uid(entry.user)),
                flood_count=flood,
                member_duplicates=member_dup,
                group_duplicates=group_dup,
                last_message_at=previous,
            )
            findings = engine.evaluate(event, context, rules).findings
            if findings:  # exemptions go by role: read it for the members whose messages would be flagged
                role = roles.of(entry.user)
                context = replace(context, role=role, is_admin=context.is_admin or role in ADMIN_ROLES)
                findings = engine.evaluate(event, context, rules).findings
            for rule in dict.fromkeys(f.rule for f in findings):
                by_rule[rule] += 1
                if entry.message_id not in flagged_then:
                    new_by_rule[rule] += 1
                if len(samples[rule]) < settings.samples_per_rule:
                    sensitive = any(f.sensitive for f in findings if f.rule == rule) or rule == "pii"
                    who = name_of(scope.event, entry.user, deps)  # a few samples: looked up when shown
                    samples[rule].append(
                        _sample(entry, locale, scope.offset_hours, sensitive=sensitive, who=who)
                    )
        lines = [t(locale, "jobs.review.scope", days=settings.days, messages=messages, scanned=with_text)]
        if not by_rule:
            lines.append(t(locale, "jobs.review.clean"))
        for rule, count in by_rule.most_common():
            label = engine.rule_label(locale, rule)
            lines.append(t(locale, "jobs.review.rule", rule=label, count=count, new=new_by_rule[rule]))
            lines.extend(f"  · {sample}" for sample in samples[rule])
        counts = {"messages": messages, "scanned": with_text, "flagged": sum(by_rule.values())}
        counts["not_flagged_then"] = sum(new_by_rule.values())
        return JobReport(
            self.name,
            scope.gid,
            period,
            state.dry_run,
            counts=counts,
            lines=tuple(lines),
            items_read=len(entries),
            details={"by_rule": dict(by_rule), "new_by_rule": dict(new_by_rule)},
        )


def _flagged_message_ids(deps: Deps, gid: str, start: float, end: float) -> set[str]:
    found = set()
    for item in deps.store.query_items(keys.group_pk(gid), prefix=keys.CASE_SK_PREFIX):
        data = item.data
        if "#" not in item.sk.removeprefix(keys.CASE_SK_PREFIX) and start <= float(data.get("at", 0.0)) < end:
            found.add(str(data.get("message_id", "")))
    return found


class _Roles:
    """Members' platform roles, read once each and only when needed (a group may have 100 000 members)."""

    def __init__(self, deps: Deps, gid: str, platform: str, tenant: str) -> None:
        self.deps, self.gid, self.prefix = deps, gid, f"{platform}:{tenant}:"
        self.known: dict[str, str] = {}

    def of(self, user: str) -> str:
        if user not in self.known:
            member = self.deps.store.get_member(self.gid, self.prefix + user)
            self.known[user] = member.role if member is not None else "member"
        return self.known[user]


def _sample(entry: Entry, locale: str, offset: float, *, sensitive: bool, who: str) -> str:
    """One flagged message for the admins: when, who (by name), and its text unless it is sensitive."""
    from chalicelib.jobs.periods import local_day

    when = f"{local_day(entry.at, offset)} {_clock(entry.at, offset)}"
    if sensitive:
        return t(locale, "jobs.review.sample_hidden", when=when, user=who)
    text = " ".join((entry.text or "").split())
    excerpt = text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"
    return t(locale, "jobs.review.sample", when=when, user=who, text=excerpt)


def _clock(ts: float, offset: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ts + offset * 3600, UTC).strftime("%H:%M")
