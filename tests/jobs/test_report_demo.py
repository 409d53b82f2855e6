"""`make report-demo`: the figures in the HTML report it writes are the ones this test works out by
itself from the generated month (`local.report_demo.generate`), with its own plain arithmetic after the
documented method, not the job's code."""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path

import pytest

from local.dynamo import EmbeddedDynamo
from local.report_demo import ADMIN, MONTHS, OFFSET, Month, build, generate

DAY = 86400.0


@pytest.fixture(scope="module")
def written(dynamodb: EmbeddedDynamo, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report-demo")
    build(out, endpoint=dynamodb.endpoint_url)
    return out


def figures_in(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="([\w.]+)">([^<]*)<', html))


def member_cells(html: str) -> dict[tuple[str, str], str]:
    return {(m, d): v for m, d, v in re.findall(r'data-member="(\w+)" data-dimension="(\w+)">([^<]*)<', html)}


def expected(month: Month) -> dict[str, object]:
    """October's figures, from the generated data and the method in chalicelib/jobs/scoring.py's docstring."""
    msgs = month.messages
    users = [user for user, _ in month.members]
    days_in_month = 31
    scale = days_in_month / 30

    def local_day(ts: float) -> int:
        return int((ts + OFFSET * 3600) // DAY)

    totals: dict[str, float] = {}
    dims: dict[str, dict[str, float]] = {}
    for user in users:
        own = [m for m in msgs if m.user == user]
        replies = sum(1 for m in own if m.reply_to)
        points = sum(c.points for c in month.cases if c.user == user)
        score = {"compliance": 100 * max(0.0, 1 - points / 5)}
        score["participation"] = 100 * (
            0.5 * min(1.0, len({local_day(m.at) for m in own}) / (8 * scale))
            + 0.5 * min(1.0, (len(own) + replies) / (20 * scale))
        )
        waits = []
        for n, m in enumerate(msgs):
            if user in m.mentions:
                answer = next((later for later in msgs[n + 1 :] if later.user == user), None)
                waits.append(None if answer is None else (answer.at - m.at) / 60)
        if waits:
            credit = [
                0.0 if w is None or w >= 1440 else 1.0 if w <= 60 else 1 - (w - 60) / 1380 for w in waits
            ]
            score["responsiveness"] = 100 * sum(credit) / len(credit)
        score["acknowledgements"] = 100.0 if user in {u for u, _ in month.acks} else 0.0
        files = sum(m.files for m in own)
        if files:
            score["files"] = 100 * (files - sum(m.bad_files for m in own)) / files
        weights = {
            "compliance": 30,
            "participation": 30,
            "responsiveness": 20,
            "acknowledgements": 10,
            "files": 10,
        }
        rounded = {d: round(v, 1) for d, v in score.items()}
        dims[user] = rounded
        totals[user] = round(sum(weights[d] * score[d] for d in score) / sum(weights[d] for d in score), 1)
    questions = [(n, m) for n, m in enumerate(msgs) if m.question]
    answered = 0
    for n, q in questions:
        reply = next((m for m in msgs if m.reply_to == q.message_id and m.user != q.user), None)
        later = reply or next((m for m in msgs[n + 1 :] if m.user != q.user), None)
        answered += later is not None and later.at - q.at <= DAY
    return {
        "score": round(statistics.fmean(totals.values()), 1),
        "members": len(users),
        "active_members": len({m.user for m in msgs}),
        "messages": len(msgs),
        "questions_answered": f"{answered}/{len(questions)}",
        "cases": len(month.cases),
        "files": f"{sum(m.files - m.bad_files for m in msgs)}/{sum(m.files for m in msgs)}",
        "compliance": round(statistics.fmean(d["compliance"] for d in dims.values()), 1),
        "totals": totals,
    }


def test_the_reports_figures_match_an_independent_computation(written: Path) -> None:
    html = (written / "report.html").read_text(encoding="utf-8")
    shown = figures_in(html)
    want = expected(generate(MONTHS[-1]))
    assert float(shown["score"]) == want["score"]
    assert int(shown["members"]) == want["members"] and int(shown["active_members"]) == want["active_members"]
    assert int(shown["messages"]) == want["messages"] and int(shown["cases"]) == want["cases"]
    assert shown["questions_answered"] == want["questions_answered"]
    assert shown["tidy_files"] == want["files"]
    assert float(shown["dimension.compliance"]) == want["compliance"]
    cells = member_cells(html)
    totals = want["totals"]
    assert isinstance(totals, dict)
    assert {user: float(cells[(user, "total")]) for user in totals} == totals


def test_the_demo_writes_the_report_its_charts_and_what_the_admins_and_a_member_read(written: Path) -> None:
    names = sorted(path.name for path in written.iterdir())
    assert names == [
        "admin-report.txt",
        "card-example.txt",
        "daily.png",
        "dimensions.png",
        "distribution.png",
        "figures.json",
        "report.html",
        "trend.png",
    ]
    assert all((written / name).read_bytes()[:4] == b"\x89PNG" for name in names if name.endswith(".png"))
    figures = json.loads((written / "figures.json").read_text(encoding="utf-8"))
    assert figures["period"] == MONTHS[-1] and figures["members"] == 21
    admin = (written / "admin-report.txt").read_text(encoding="utf-8")
    assert (
        admin.startswith(f"【群管】群考核 · {MONTHS[-1]}") and "上期" in admin
    )  # the trend against September
    assert "你在「Alpha 项目组」" in (written / "card-example.txt").read_text(encoding="utf-8")


def test_the_generated_month_is_the_same_every_time() -> None:
    assert generate(MONTHS[-1]) == generate(MONTHS[-1])
    assert ADMIN in [user for user, _ in generate(MONTHS[-1]).members]
