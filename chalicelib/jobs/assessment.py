"""The monthly assessment (S9: R9.2, R9.3, R4.12, R8.6), per group.

Run on the 1st for the month before. It reads the month's message log (a Query per day partition; the
messages count only where `jobs.activity` says so, acknowledgements always, and file names are judged
against the group's file settings of now: `chalicelib.jobs.activity`), the group's members and cases, the
announcements that asked for acknowledgement, and the group's earlier summaries (for the trend); scores
every member and the group (`chalicelib.jobs.scoring`); and then:

- stores the group's summary (`ASSESS#{period}`, what next month's trend compares with) and the members'
  results in parts of a few hundred (`ASSESS#{period}#R#{n}`), which the report cards are sent from;
- writes the HTML report (`chalicelib.jobs.report_html`) to the archive bucket and links it for the
  admins for `report_link_hours`;
- tells the admins privately: the group's score and trend, each dimension, the top contributors, the
  link, and the charts as PNG images;
- sends each member their own report card privately, `CARDS_PER_PART` per part: a large group's cards
  continue in follow-up parts from the checkpoint, so no part outlives the worker's timeout.

A dry run computes and stores its report for the admins to read, and changes nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib.core.actions import Action, PostText, SendDirect
from chalicelib.core.events import JobRequested
from chalicelib.core.ids import split_id
from chalicelib.core.localtime import local
from chalicelib.i18n import t
from chalicelib.jobs.activity import MessageLog, log_used
from chalicelib.jobs.archive import Archive, archive_for, report_key
from chalicelib.jobs.base import Image, JobReport
from chalicelib.jobs.charts import png
from chalicelib.jobs.charts.spec import PALETTE, Chart, Series
from chalicelib.jobs.periods import DAY, days, local_day, month_bounds, previous_month, previous_month_label
from chalicelib.jobs.posts import BotPosts
from chalicelib.jobs.report_html import render as render_html
from chalicelib.jobs.runs import RecordedJob, RunState, report_days
from chalicelib.jobs.scoring import Facts, GroupResult, MemberScore, gather, score, summarise
from chalicelib.jobs.settings import DIMENSIONS
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.where import Where
from chalicelib.store import keys
from chalicelib.store.records import Item

CARDS_PER_PART = 50  # Slack posts about one message a second: a part stays well inside a few minutes
MEMBERS_PER_ITEM = 400
TREND_PERIODS = 6


class AssessmentJob(RecordedJob):
    name = "assessment"

    def __init__(self, *, archive: Archive | None = None) -> None:
        self._archive = archive

    def period(self, now: float) -> str:
        return previous_month_label(now)

    def anchor(self, period: str) -> float:
        year, month = (int(part) for part in period.split("-"))
        following = datetime(year + (month == 12), month % 12 + 1, 1, 12, tzinfo=UTC)
        return following.timestamp()

    def archive(self, deps: Deps) -> Archive | None:
        return self._archive or archive_for(deps.settings.qg_archive_bucket)

    def execute(self, deps: Deps, scope: Where[JobRequested], now: float, state: RunState) -> JobReport:
        settings = scope.policy.jobs.assessment
        period = self.period(now)
        if not settings.enabled:
            return JobReport(
                self.name, scope.gid, period, state.dry_run, details={"quiet": True, "disabled": True}
            )
        if state.checkpoint.get("computed"):
            return self._send_cards(deps, scope, period, state)
        return self._assess(deps, scope, now, period, state)

    # The assessment ------------------------------------------------------------------------------------
    def assess(self, deps: Deps, scope: Where[JobRequested], period: str) -> Assessed:
        """Everything the period's figures are made of (no writes)."""
        settings = scope.policy.jobs.assessment
        start, end = month_bounds(period, scope.offset_hours)
        facts, read = _roster(deps, scope.gid, end)
        entries = list(
            MessageLog(deps.store).read(
                scope.gid,
                start,
                end,
                scope.offset_hours,
                files=scope.policy.rules.files,
                messages=log_used(scope.gid, scope.policy, deps),
            )
        )
        announced = BotPosts(deps.store).announcements(scope.gid, start, end)
        refs = {ref: post.message_id for post in announced for ref in (post.ref, post.message_id) if ref}
        convo = gather(
            entries,
            day_of=lambda ts: local_day(ts, scope.offset_hours),
            window_minutes=settings.reply_window_hours * 60,
            announcements=refs,
            facts=facts,
        )
        cases = points = 0.0
        case_items = 0
        for item in deps.store.query_items(keys.group_pk(scope.gid), prefix=keys.CASE_SK_PREFIX):
            case_items += 1
            data = item.data
            if (
                "#" in item.sk.removeprefix(keys.CASE_SK_PREFIX)
                or not start <= float(data.get("at", 0.0)) < end
            ):
                continue
            member = facts.setdefault(str(data.get("user", "")), Facts(str(data.get("user", ""))))
            member.cases += 1
            member.points += float(data.get("points", 0.0))
            cases += 1
            points += float(data.get("points", 0.0))
        for member in facts.values():
            member.acks_required = len(announced)
        scores = [score(f, settings, (end - start) / DAY) for f in facts.values() if f.user]
        result = summarise(
            period,
            scores,
            convo,
            settings,
            cases=int(cases),
            points=points,
            announcements=len(announced),
            days=days(start, end, scope.offset_hours),
        )
        history = []
        label = period
        for _ in range(TREND_PERIODS - 1):
            label = previous_month(label)
            earlier = deps.store.get_item(keys.group_pk(scope.gid), keys.assessment_sk(label))
            if earlier is not None:
                history.append(dict(earlier.data))
        read += len(entries) + case_items + len(announced) + TREND_PERIODS - 1
        return Assessed(result, scores, history[::-1], read)

    def render(self, deps: Deps, scope: Where[JobRequested], period: str, now: float) -> Rendered:
        """The period's assessment with its charts and HTML report (no writes): for the run, the CLI's
        `--out` and `make report-demo`."""
        settings = scope.policy.jobs.assessment
        assessed = self.assess(deps, scope, period)
        history = assessed.history
        previous = history[-1] if history and history[-1].get("period") == previous_month(period) else None
        charts = build_charts(assessed.result, previous, history, scope.locale)
        html = render_html(
            locale=scope.locale,
            group_name=_group_name(scope),
            result=assessed.result,
            previous=previous,
            members=assessed.members,
            charts=charts,
            weights={d: settings.weights.of(d) for d in DIMENSIONS},
            generated=local(now, scope.offset_hours),  # the group's time zone, labelled
        )
        return Rendered(assessed, previous, charts, html)

    def _assess(
        self, deps: Deps, scope: Where[JobRequested], now: float, period: str, state: RunState
    ) -> JobReport:
        settings = scope.policy.jobs.assessment
        rendered = self.render(deps, scope, period, now)
        assessed, previous, charts, html = (
            rendered.assessed,
            rendered.previous,
            rendered.charts,
            rendered.html,
        )
        result, scores = assessed.result, assessed.members
        group_name = _group_name(scope)
        links: dict[str, str] = {}
        parts = 0
        if not state.dry_run:
            parts = self._store(deps, scope, period, result, scores=scores, now=now)
            archive = self.archive(deps)
            if archive is not None:
                key = report_key(scope.gid, self.name, period)
                archive.store_report(key, html)
                links["html"] = archive.report_link(key, settings.report_link_hours * 3600)
        lines = admin_lines(result, previous, scope.locale)
        if "html" not in links and not state.dry_run:
            lines.append(t(scope.locale, "jobs.assessment.no_archive"))
        images = tuple(
            Image(f"{chart.key}-{period}.png", png.render(chart), chart.caption or chart.title)
            for chart in charts
        )
        actions: list[Action] = []
        if settings.recognise_in_group and result.top and not state.dry_run:
            names = "、".join(m.name or m.user for m in result.top)
            text = t(scope.locale, "jobs.assessment.recognition", period=period, names=names)
            actions.append(PostText(chat=split_id(scope.gid)[2], text=text, reason="jobs.assessment"))
        cards_to_send = len(scores) if settings.member_cards and not state.dry_run else 0
        first = min(CARDS_PER_PART, cards_to_send)
        ordered = sorted(scores, key=lambda m: m.user)
        actions.extend(member_card(m, result, group_name, scope.locale) for m in ordered[:first])
        state.checkpoint = {
            "computed": True,
            "parts": parts,
            "next": first,
            "total": cards_to_send,
            "lines": lines,
            "links": links,
        }
        return JobReport(
            self.name,
            scope.gid,
            period,
            state.dry_run,
            counts=_counts(result),
            lines=tuple(lines),
            items_read=assessed.items_read,
            status="partial" if first < cards_to_send else "done",
            details={"notify": True, "group": result.to_data()},
            links=links,
            actions=tuple(actions),
            images=images,
        )

    def _store(
        self,
        deps: Deps,
        scope: Where[JobRequested],
        period: str,
        result: GroupResult,
        *,
        scores: Sequence[MemberScore],
        now: float,
    ) -> int:
        expires = int(now) + report_days(scope.policy) * DAY
        pk = keys.group_pk(scope.gid)
        ordered = sorted(scores, key=lambda m: m.user)
        parts = 0
        for parts, start in enumerate(range(0, len(ordered), MEMBERS_PER_ITEM), start=1):
            chunk = [m.to_data() for m in ordered[start : start + MEMBERS_PER_ITEM]]
            deps.store.put_item(
                Item(
                    pk,
                    keys.assessment_part_sk(period, parts - 1),
                    {"members": chunk, "at": now},
                    expires_at=expires,
                )
            )
        summary = {**result.to_data(), "at": now, "parts": parts}
        deps.store.put_item(Item(pk, keys.assessment_sk(period), summary, expires_at=expires))
        score, active = summary.get("score"), summary.get("active_members")
        deps.store.note_assessment(  # the console's overview (store/summaries.py)
            scope.gid,
            period,
            None if score is None else float(score),
            None if active is None else int(active),
        )
        return parts

    def _send_cards(self, deps: Deps, scope: Where[JobRequested], period: str, state: RunState) -> JobReport:
        """A follow-up part: the next report cards, read back from the stored results."""
        checkpoint = state.checkpoint
        start, total = int(checkpoint["next"]), int(checkpoint["total"])
        end = min(total, start + CARDS_PER_PART)
        pk = keys.group_pk(scope.gid)
        summary = deps.store.get_item(pk, keys.assessment_sk(period))
        result_data = dict(summary.data) if summary else {}
        members: list[dict[str, Any]] = []
        for part in range(start // MEMBERS_PER_ITEM, (end - 1) // MEMBERS_PER_ITEM + 1):
            item = deps.store.get_item(pk, keys.assessment_part_sk(period, part))
            chunk = list(item.data.get("members", [])) if item else []
            offset = part * MEMBERS_PER_ITEM
            members.extend(m for n, m in enumerate(chunk, start=offset) if start <= n < end)
        group_name = _group_name(scope)
        actions = [stored_card(m, result_data, group_name, scope.locale) for m in members]
        state.checkpoint = {**checkpoint, "next": end}
        return JobReport(
            self.name,
            scope.gid,
            period,
            state.dry_run,
            counts={"cards": len(actions)},
            lines=tuple(checkpoint.get("lines", ())),
            items_read=2 + end // MEMBERS_PER_ITEM - start // MEMBERS_PER_ITEM,
            status="partial" if end < total else "done",
            details={"notify": False},
            links=dict(checkpoint.get("links", {})),
            actions=tuple(actions),
        )


@dataclass(frozen=True)
class Assessed:
    result: GroupResult
    members: list[MemberScore]
    history: list[dict[str, Any]]  # the earlier summaries, oldest first
    items_read: int


@dataclass(frozen=True)
class Rendered:
    assessed: Assessed
    previous: Mapping[str, Any] | None
    charts: list[Chart]
    html: str


def _roster(deps: Deps, gid: str, end: float) -> tuple[dict[str, Facts], int]:
    """The group's members as the table knows them (joined before the period ended)."""
    facts: dict[str, Facts] = {}
    read = 0
    for item in deps.store.query_items(keys.group_pk(gid), prefix=keys.member_sk("")):
        read += 1
        data = item.data
        joined = data.get("joined_at")
        if joined is not None and float(joined) >= end:
            continue
        user = str(data.get("user") or item.sk.rsplit(":", 1)[-1])
        facts[user] = Facts(
            user, name=str(data.get("display_name", "")), role=str(data.get("role", "member"))
        )
    if not facts:  # a store that keeps members apart from its items: the activity index has them all
        for member in deps.store.members_inactive_since(gid, end + 400 * DAY):
            read += 1
            if member.joined_at is None or member.joined_at < end:
                facts[member.user] = Facts(member.user, name=member.display_name, role=member.role)
    return facts, read


def _group_name(scope: Where[JobRequested]) -> str:
    return (scope.group.name if scope.group and scope.group.name else "") or split_id(scope.gid)[2]


def _counts(result: GroupResult) -> dict[str, int]:
    f = result.figures
    return {
        "members": result.members,
        "active_members": result.active_members,
        "messages": int(f["messages"]),
        "cases": int(f["cases"]),
    }


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def admin_lines(result: GroupResult, previous: Mapping[str, Any] | None, locale: str) -> list[str]:
    f = result.figures
    if previous is not None and previous.get("score") is not None:
        change = f"{result.score - float(previous['score']):+.1f}"
        head = t(
            locale,
            "jobs.assessment.score_trend",
            score=_fmt(result.score),
            previous=_fmt(float(previous["score"])),
            change=change,
        )
    else:
        head = t(locale, "jobs.assessment.score", score=_fmt(result.score))
    lines = [
        head,
        t(locale, "jobs.assessment.members", members=result.members, active=result.active_members),
        " · ".join(
            f"{t(locale, f'jobs.dimension.{d}')} {_fmt(result.dimensions.get(d))}" for d in DIMENSIONS
        ),
        t(
            locale,
            "jobs.assessment.figures",
            messages=f["messages"],
            answered=f["questions_answered"],
            questions=f["questions"],
            cases=f["cases"],
        ),
    ]
    if result.top:
        names = "、".join(f"{m.name or m.user} ({m.total:.1f})" for m in result.top)
        lines.append(t(locale, "jobs.assessment.top", names=names))
    return lines


def _card_text(
    data: Mapping[str, Any],
    scores: Mapping[str, Any],
    *,
    group_score: Any,
    group_name: str,
    period: str,
    locale: str,
) -> str:
    applicable = {d: v for d, v in scores.items() if v is not None}
    lines = [
        t(locale, "jobs.card.head", group=group_name, period=period),
        t(locale, "jobs.card.total", total=_fmt(float(data["total"])), group=_fmt(float(group_score or 0.0))),
        t(
            locale,
            "jobs.card.compliance",
            score=_fmt(scores.get("compliance")),
            cases=data["cases"],
            points=data["points"],
        ),
        t(
            locale,
            "jobs.card.participation",
            score=_fmt(scores.get("participation")),
            days=data["active_days"],
            messages=data["messages"],
            replies=data["replies"],
        ),
        t(
            locale,
            "jobs.card.responsiveness",
            score=_fmt(scores.get("responsiveness")),
            mentions=data["mentions"],
            answered=data["answered"],
        ),
        t(
            locale,
            "jobs.card.acknowledgements",
            score=_fmt(scores.get("acknowledgements")),
            acks=data["acks"],
            required=data["acks_required"],
        ),
        t(
            locale,
            "jobs.card.files",
            score=_fmt(scores.get("files")),
            tidy=data["files"] - data["bad_files"],
            files=data["files"],
        ),
    ]
    if applicable:
        weakest = min(applicable, key=lambda d: (applicable[d], DIMENSIONS.index(d)))
        if applicable[weakest] < 80:
            lines.append(t(locale, f"jobs.card.tip.{weakest}"))
    return "\n".join(lines)


def member_card(member: MemberScore, result: GroupResult, group_name: str, locale: str) -> SendDirect:
    text = _card_text(
        member.to_data(),
        member.scores,
        group_score=result.score,
        group_name=group_name,
        period=result.period,
        locale=locale,
    )
    return SendDirect(user=member.user, text=text, reason="jobs.assessment.card")


def stored_card(
    data: Mapping[str, Any], summary: Mapping[str, Any], group_name: str, locale: str
) -> SendDirect:
    period = str(summary.get("period", ""))
    text = _card_text(
        data,
        dict(data.get("scores", {})),
        group_score=summary.get("score"),
        group_name=group_name,
        period=period,
        locale=locale,
    )
    return SendDirect(user=str(data["user"]), text=text, reason="jobs.assessment.card")


# Charts ----------------------------------------------------------------------------------------------------
def build_charts(
    result: GroupResult, previous: Mapping[str, Any] | None, history: Sequence[Mapping[str, Any]], locale: str
) -> list[Chart]:
    names = [t(locale, f"jobs.dimension.{d}") for d in DIMENSIONS]
    legend = "  ".join(f"{n + 1} {name}" for n, name in enumerate(names))
    series = [
        Series(result.period, result.period, tuple(result.dimensions.get(d) for d in DIMENSIONS), PALETTE[0])
    ]
    if previous is not None:
        dims = dict(previous.get("dimensions", {}))
        label = str(previous.get("period", ""))
        series.append(Series(label, label, tuple(dims.get(d) for d in DIMENSIONS), PALETTE[1]))
    charts = [
        Chart(
            "dimensions",
            "bar",
            t(locale, "jobs.chart.dimensions"),
            tuple(names),
            tuple(str(n + 1) for n in range(len(names))),
            tuple(series),
            y_max=100,
            caption=t(locale, "jobs.chart.dimensions_caption", legend=legend),
        )
    ]
    buckets = [f"{n * 10}-{n * 10 + 9}" if n < 9 else "90-100" for n in range(10)]
    charts.append(
        Chart(
            "distribution",
            "bar",
            t(locale, "jobs.chart.distribution"),
            tuple(buckets),
            tuple(str(n * 10) for n in range(10)),
            (
                Series(
                    t(locale, "jobs.chart.members"),
                    "",
                    tuple(float(c) for c in result.distribution),
                    PALETTE[2],
                ),
            ),
            caption=t(locale, "jobs.chart.distribution"),
        )
    )
    points = [*[(str(h.get("period", "")), h.get("score")) for h in history], (result.period, result.score)]
    charts.append(
        Chart(
            "trend",
            "line",
            t(locale, "jobs.chart.trend"),
            tuple(p for p, _ in points),
            tuple(p for p, _ in points),
            (
                Series(
                    t(locale, "jobs.chart.group_score"),
                    "",
                    tuple(None if s is None else float(s) for _, s in points),
                    PALETTE[3],
                ),
            ),
            y_max=100,
            caption=t(locale, "jobs.chart.trend"),
        )
    )
    daily = dict(result.figures.get("daily", {}))
    if daily:
        charts.append(
            Chart(
                "daily",
                "bar",
                t(locale, "jobs.chart.daily"),
                tuple(daily),
                tuple(day[-2:] for day in daily),
                (
                    Series(
                        t(locale, "jobs.chart.messages"),
                        "",
                        tuple(float(v) for v in daily.values()),
                        PALETTE[0],
                    ),
                ),
                caption=t(locale, "jobs.chart.daily"),
            )
        )
    return charts
