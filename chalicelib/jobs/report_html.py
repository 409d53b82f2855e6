"""The assessment's HTML report for the admins: one self-contained file (inline CSS and SVG, no script, no
external fetch), in the group's language. Every figure sits in an element with a `data-figure` (group)
or `data-member`/`data-dimension` (members) attribute, so that a test can read the numbers back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from chalicelib.i18n import t
from chalicelib.jobs.charts import svg
from chalicelib.jobs.charts.spec import Chart
from chalicelib.jobs.scoring import GroupResult, MemberScore
from chalicelib.jobs.settings import DIMENSIONS

MAX_MEMBER_ROWS = 1000  # a group of 100 000 would make a report nobody opens: the best 1 000, and a count

STYLE = """
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:24px;
color:#222;max-width:1000px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
.muted{color:#777;font-size:13px}.score{font-size:40px;font-weight:600}.up{color:#2a8a4a}.down{color:#b8485a}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:4px 8px;border-bottom:1px solid #eee;
text-align:right}th:first-child,td:first-child{text-align:left}.chart{width:100%;max-width:720px;height:auto}
.tiles{display:flex;gap:24px;flex-wrap:wrap}.tile{min-width:140px}
"""


def _number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}" if isinstance(value, float) and value != int(value) else f"{value:g}"


def _delta(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return ""
    change = round(now - before, 1)
    css = "up" if change > 0 else "down" if change < 0 else "muted"
    return f'<span class="{css}">{change:+.1f}</span>'


def render(
    *,
    locale: str,
    group_name: str,
    result: GroupResult,
    previous: Mapping[str, Any] | None,
    members: Sequence[MemberScore],
    charts: Sequence[Chart],
    weights: Mapping[str, float],
    generated: str,
) -> str:
    def tr(key: str, **params: Any) -> str:
        return escape(t(locale, key, **params))

    dims = {d: t(locale, f"jobs.dimension.{d}") for d in DIMENSIONS}
    before = dict(previous.get("dimensions", {})) if previous else {}
    f = result.figures
    answered = f"{f['questions_answered']}/{f['questions']}"
    tiles = [
        ("members", tr("jobs.html.members"), str(result.members)),
        ("active_members", tr("jobs.html.active_members"), str(result.active_members)),
        ("messages", tr("jobs.html.messages"), str(f["messages"])),
        ("questions_answered", tr("jobs.html.questions_answered"), answered),
        ("median_answer_minutes", tr("jobs.html.median_answer"), _number(f["median_answer_minutes"])),
        ("mentions_answered", tr("jobs.html.mentions_answered"), f"{f['mentions_answered']}/{f['mentions']}"),
        ("cases", tr("jobs.html.cases"), str(f["cases"])),
        ("points", tr("jobs.html.points"), _number(f["points"], 2)),
        ("announcements", tr("jobs.html.announcements"), str(f["announcements"])),
        ("tidy_files", tr("jobs.html.tidy_files"), f"{f['tidy_files']}/{f['files']}"),
    ]
    out = [
        f'<!doctype html><html lang="{escape(locale)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="robots" content="noindex">',
        f"<title>{tr('jobs.html.title', group=group_name, period=result.period)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{tr('jobs.html.title', group=group_name, period=result.period)}</h1>",
        f'<p class="muted">{tr("jobs.html.generated", at=generated)}</p>',
        f'<p><span class="score" data-figure="score">{_number(result.score)}</span> ',
        _delta(result.score, previous.get("score") if previous else None),
        f' <span class="muted">{tr("jobs.html.group_score")}</span></p>',
        '<div class="tiles">',
        *(
            f'<div class="tile"><div class="muted">{label}</div>'
            f'<div data-figure="{key}">{escape(value)}</div></div>'
            for key, label, value in tiles
        ),
        "</div>",
        f"<h2>{tr('jobs.html.dimensions')}</h2><table><tr><th>{tr('jobs.html.dimension')}</th>"
        f"<th>{tr('jobs.html.weight')}</th><th>{tr('jobs.html.this_period')}</th>"
        f"<th>{tr('jobs.html.last_period')}</th><th>{tr('jobs.html.change')}</th></tr>",
    ]
    for d in DIMENSIONS:
        now_value = result.dimensions.get(d)
        was = before.get(d)
        out.append(
            f"<tr><td>{escape(dims[d])}</td><td>{_number(weights.get(d))}</td>"
            f'<td data-figure="dimension.{d}">{_number(now_value)}</td><td>{_number(was)}</td>'
            f"<td>{_delta(now_value, was)}</td></tr>"
        )
    out.append("</table>")
    out.append(f"<h2>{tr('jobs.html.charts')}</h2>")
    out.extend(
        f"<figure>{svg.render(chart)}<figcaption class='muted'>{escape(chart.title)}</figcaption></figure>"
        for chart in charts
    )
    out.append(f"<h2>{tr('jobs.html.top')}</h2><ol>")
    out.extend(
        f'<li data-top="{escape(m.user)}">{escape(m.name or m.user)} — {_number(m.total)}</li>'
        for m in result.top
    )
    out.append("</ol>" if result.top else f"</ol><p class='muted'>{tr('jobs.html.no_top')}</p>")
    out.append(
        f"<h2>{tr('jobs.html.member_table')}</h2><table><tr><th>{tr('jobs.html.member')}</th>"
        f"<th>{tr('jobs.html.total')}</th>"
        + "".join(f"<th>{escape(dims[d])}</th>" for d in DIMENSIONS)
        + f"<th>{tr('jobs.html.active_days')}</th><th>{tr('jobs.html.messages')}</th>"
        f"<th>{tr('jobs.html.replies')}</th><th>{tr('jobs.html.points')}</th></tr>"
    )
    ranked = sorted(members, key=lambda m: (-m.total, m.user))
    for m in ranked[:MAX_MEMBER_ROWS]:
        user = escape(m.user)
        cells = "".join(
            f'<td data-member="{user}" data-dimension="{d}">{_number(m.scores.get(d))}</td>'
            for d in DIMENSIONS
        )
        out.append(
            f"<tr><td>{escape(m.name or m.user)}</td>"
            f'<td data-member="{user}" data-dimension="total">{_number(m.total)}</td>{cells}'
            f"<td>{m.facts.active_days}</td><td>{m.facts.messages}</td><td>{m.facts.replies}</td>"
            f"<td>{_number(round(m.facts.points, 2), 2)}</td></tr>"
        )
    out.append("</table>")
    if len(ranked) > MAX_MEMBER_ROWS:
        out.append(
            f"<p class='muted'>{tr('jobs.html.more_members', count=len(ranked) - MAX_MEMBER_ROWS)}</p>"
        )
    out.append(f"<p class='muted'>{tr('jobs.html.method')}</p></body></html>")
    return "".join(out)
