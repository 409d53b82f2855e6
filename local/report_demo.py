"""`make report-demo`: a month of realistic activity for a sample group, assessed, with the HTML report and
its charts written to `out/report-demo/`.

The month is generated from a fixed seed (`generate`): twenty members of a project group in Shanghai, who
talk on working days in working hours, some a lot and some never; they answer each other's questions and
@-mentions, share files (some badly named), acknowledge an announcement (most of them), and now and then
break a rule. September and October 2026 are generated, so that October's report has a trend.

Everything then goes the way production goes: the activity is written through the same repositories the
worker writes with (the message log, the cases, the bot posts), into the table on an embedded DynamoDB
(moto, which also stands in for S3); each month's assessment is requested with a `JobRequested` and run
by the worker (`chalicelib.worker.pipeline.process`); the HTML report is fetched from the archive bucket
through the presigned link the admins get, and the charts are the PNG images the admins were sent.

Written: `report.html`, `dimensions.png`, `distribution.png`, `trend.png`, `daily.png`, `admin-report.txt`
(what the admins read in the messenger), `card-example.txt` (one member's private report card) and
`figures.json` (the group's figures, for checking).
"""

from __future__ import annotations

import json
import os
import random
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from chalicelib.adapters.base import Capabilities, Capability, DirectoryUser, GroupInfo, Sent, Target
from chalicelib.core.cards import Card
from chalicelib.core.events import Event
from chalicelib.core.ids import Platform

OUT = Path(__file__).resolve().parent.parent / "out" / "report-demo"
TABLE = "qunguan-report-demo"
BUCKET = "qunguan-report-demo-archive"
TENANT, CHAT = "T0DEMO", "C0ALPHA"
GID = f"slack:{TENANT}:{CHAT}"
ADMIN = "U00ADMIN"
OFFSET = 8  # Asia/Shanghai
MONTHS = ("2026-09", "2026-10")
SEED = 20261101

NAMES = (
    "张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周婷", "吴昊",
    "徐丽", "孙涛", "胡斌", "朱琳", "高翔", "林峰", "何雪", "郭亮", "马超", "罗丹",
)  # fmt: skip
# Messages on an average working day, by member: a few carry the group, some are quiet, three are silent.
RATES = (6.0, 4.5, 3.0, 2.5, 2.0, 1.8, 1.5, 1.2, 1.0, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.15, 0, 0, 0)
GOOD_FILES = ("Alpha-需求说明-v{n}.docx", "Alpha-周报-v{n}.xlsx", "Alpha-排期-v{n}.pdf")
BAD_FILES = ("新建文档 ({n}).docx", "最终版最终版.pptx", "scan{n}.exe")


@dataclass(frozen=True)
class Message:
    user: str
    at: float
    message_id: str
    reply_to: str = ""
    mentions: tuple[str, ...] = ()
    question: bool = False
    files: int = 0
    bad_files: int = 0


@dataclass(frozen=True)
class Case:
    user: str
    at: float
    ref: str
    rule: str
    points: float


@dataclass
class Month:
    """One month's activity, as plain data: what the demo writes and what a test recomputes from."""

    period: str
    members: tuple[tuple[str, str], ...]  # (user id, display name)
    messages: list[Message] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    announcement_at: float = 0.0
    acks: list[tuple[str, float]] = field(default_factory=list)


def local_time(day: date, hour: float) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() + hour * 3600 - OFFSET * 3600


def working_days(period: str) -> list[date]:
    year, month = (int(part) for part in period.split("-"))
    day, days = date(year, month, 1), []
    while day.month == month:
        if day.weekday() < 5 and not (month == 10 and day.day <= 7):  # the October holiday week
            days.append(day)
        day += timedelta(days=1)
    return days


def generate(period: str, seed: int = SEED) -> Month:
    rng = random.Random(f"{seed}-{period}")  # noqa: S311 - made-up activity, not secrets
    members = tuple((f"U{n + 1:02d}", name) for n, name in enumerate(NAMES))
    users = [user for user, _ in members]
    month = Month(period, ((ADMIN, "项目管理员"), *members))
    days = working_days(period)
    count = 0
    for day in days:
        today: list[Message] = []
        for user, rate in zip(users, RATES, strict=True):
            for _ in range(_poisson(rng, rate)):
                count += 1
                today.append(
                    _message(rng, user, local_time(day, rng.uniform(9.0, 19.0)), f"m{count:05d}", users)
                )
        today.sort(key=lambda m: m.at)
        month.messages.extend(_answer(rng, today, users))
    for n in range(rng.randint(4, 7)):
        offender = rng.choice(users[:14])
        rule, points = rng.choice(
            (("flood", 1.0), ("duplicate", 0.5), ("ads", 1.0), ("lexicon", 1.0), ("pii", 1.0))
        )
        at = local_time(rng.choice(days), rng.uniform(9, 19))
        month.cases.append(Case(offender, at, f"{period}-case{n}", rule, points))
    month.announcement_at = local_time(days[2], 10.0)
    for user in [ADMIN, *users]:
        if rng.random() < 0.75:
            month.acks.append((user, month.announcement_at + rng.uniform(0.1, 30) * 3600))
    month.messages.sort(key=lambda m: m.at)
    return month


def _poisson(rng: random.Random, rate: float) -> int:
    count, threshold, product = 0, pow(2.718281828459045, -rate), rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


def _message(rng: random.Random, user: str, at: float, message_id: str, users: list[str]) -> Message:
    question = rng.random() < 0.15
    others = [u for u in users if u != user]
    weights = [RATES[users.index(u)] + 0.1 for u in others]  # people @-mention those who take part
    mentions = (rng.choices(others, weights)[0],) if rng.random() < 0.12 else ()
    files = 1 if rng.random() < 0.05 else 0
    bad = 1 if files and rng.random() < 0.3 else 0
    return Message(user, at, message_id, mentions=mentions, question=question, files=files, bad_files=bad)


def _answer(rng: random.Random, today: list[Message], users: list[str]) -> list[Message]:
    """Some of the day's messages reply to the question or the message just before them."""
    answered: list[Message] = []
    for n, message in enumerate(today):
        before = today[n - 1] if n else None
        if before and message.user != before.user and (before.question or rng.random() < 0.2):
            answered.append(Message(**{**message.__dict__, "reply_to": before.message_id}))
        else:
            answered.append(message)
    return answered


# Writing it, and running the assessment the way production does ---------------------------------------------
class DemoMessenger:
    """Stands in for Slack: keeps what the bot sent (the admins' report, the cards, the charts)."""

    platform: Platform = "slack"
    capabilities = Capabilities(always=frozenset(Capability))

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []
        self.images: list[tuple[str, bytes, str]] = []

    def post_text(self, target: Target, text: str) -> Sent:
        self.texts.append((target.user or target.chat, text))
        return Sent()

    def send_direct(self, tenant: str, user: str, text: str) -> Sent:
        self.texts.append((user, text))
        return Sent()

    def post_card(self, target: Target, card: Card) -> Sent:
        return Sent()

    def update_card(
        self, tenant: str, card_ref: str, card: Card, *, response_token: str | None = None
    ) -> None:
        return None

    def delete_message(self, tenant: str, chat: str, message_id: str) -> None:
        return None

    def remove_member(self, tenant: str, chat: str, user: str) -> None:
        return None

    def mute_member(self, tenant: str, chat: str, user: str, seconds: int) -> None:
        return None

    def get_user(self, tenant: str, user: str) -> DirectoryUser | None:
        return DirectoryUser(user=user, name=user)

    def bot_user_id(self, tenant: str) -> str | None:
        return "U0QGBOT"

    def addressed(self, event: Event) -> Event | None:
        return event

    def list_members(self, tenant: str, chat: str) -> tuple[str, ...]:
        return ()

    def group_info(self, tenant: str, chat: str) -> GroupInfo | None:
        return None

    def org_admins(self, tenant: str) -> tuple[str, ...]:
        return ()

    def create_group(self, tenant: str, name: str, owner: str, members: tuple[str, ...]) -> str:
        return "C0NEWGROUP"

    def post_image(self, target: Target, png: bytes, name: str, caption: str = "") -> Sent:
        self.images.append((name, png, caption))
        return Sent()

    def permalink(self, tenant: str, chat: str, message_id: str) -> str | None:
        return None

    def recall_own(self, tenant: str, chat: str, message_id: str, *, token: str | None = None) -> None:
        return None


def write_month(deps: Any, month: Month) -> None:
    from chalicelib.core.policy import DEFAULT_ORG_POLICY
    from chalicelib.jobs.activity import Entry, MessageLog
    from chalicelib.jobs.posts import BotPost, BotPosts
    from chalicelib.moderation.cases import CaseRepo
    from chalicelib.store.records import MemberRecord

    store = deps.store
    for user, name in month.members:
        role = "admin" if user == ADMIN else "member"
        store.put_member(
            MemberRecord(gid=GID, uid=f"slack:{TENANT}:{user}", user=user, display_name=name, role=role)
        )
    log = MessageLog(store)
    for m in month.messages:
        entry = Entry(
            kind="msg", user=m.user, at=m.at, message_id=m.message_id, reply_to=m.reply_to,
            mentions=m.mentions, question=m.question, files=m.files, bad_files=m.bad_files,
        )  # fmt: skip
        log.record(GID, entry, DEFAULT_ORG_POLICY)
    ref = f"ann-{month.period}"
    at = month.announcement_at
    title = "十月例会安排" if month.period.endswith("10") else "九月例会安排"
    post = BotPost(
        gid=GID, message_id=ref, chat=CHAT, kind="announcement", at=at, due=at, title=title, ack=True, ref=ref
    )
    BotPosts(store).settle(post, "posted")
    for user, at in month.acks:
        log.record(
            GID,
            Entry(kind="ack", user=user, at=at, message_id=f"ack-{ref}-{user}", ref=ref),
            DEFAULT_ORG_POLICY,
        )
    cases = CaseRepo(store)
    for case in month.cases:
        data = {"user": case.user, "rule": case.rule, "points": case.points, "outcome": "Warn:done"}
        cases.open(
            gid=GID,
            uid=f"slack:{TENANT}:{case.user}",
            ref=case.ref,
            data=data,
            at=case.at,
            retention_days=365,
        )


ENV_KEYS = (
    "AWS_ENDPOINT_URL_DYNAMODB",
    "AWS_ENDPOINT_URL_S3",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_DEFAULT_REGION",
)


def build(out: Path = OUT, *, endpoint: str | None = None) -> dict[str, Any]:
    """Generate, write, assess, and write the results under `out`; returns the last month's summary.
    Uses the embedded DynamoDB at `endpoint`, or starts one; the environment is left as it was found."""
    from local.dynamo import DUMMY_CREDENTIAL, REGION, start_dynamodb

    server = start_dynamodb() if endpoint is None else None
    url = endpoint or (server.endpoint_url if server else "")
    saved = {key: os.environ.get(key) for key in ENV_KEYS}
    os.environ.update(
        dict(zip(ENV_KEYS, (url, url, DUMMY_CREDENTIAL, DUMMY_CREDENTIAL, REGION), strict=True))
    )  # the worker builds its own S3 client for the archive, as in Lambda: it finds moto through these
    try:
        return _assess_and_write(out, url)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if server is not None:
            server.stop()


def _fresh_table_and_bucket() -> None:
    import boto3  # type: ignore[import-untyped, unused-ignore]

    from chalicelib.store.table import create_table

    session = boto3.session.Session()
    dynamodb = session.client("dynamodb")
    if TABLE in dynamodb.list_tables()["TableNames"]:
        dynamodb.delete_table(TableName=TABLE)
    create_table(dynamodb, TABLE)
    s3 = session.client("s3")
    if BUCKET not in [b["Name"] for b in s3.list_buckets().get("Buckets", [])]:
        s3.create_bucket(Bucket=BUCKET)


def _assess_and_write(out: Path, endpoint: str) -> dict[str, Any]:
    from chalicelib.bootstrap import Deps
    from chalicelib.clock import FrozenClock
    from chalicelib.core.events import JobRequested
    from chalicelib.settings import Settings
    from chalicelib.store import keys
    from chalicelib.store.dynamodb import DynamoStore
    from chalicelib.store.records import GroupRecord
    from chalicelib.worker.pipeline import process

    _fresh_table_and_bucket()
    clock = FrozenClock(0)
    settings = Settings(_env_file=None, qg_table_name=TABLE, qg_archive_bucket=BUCKET, qg_dispatch="inline")
    messenger = DemoMessenger()
    store = DynamoStore(TABLE, endpoint_url=endpoint, clock=clock)
    deps = Deps(settings=settings, clock=clock, store=store, messenger_factory=lambda platform: messenger)
    deps.store.put_group(
        GroupRecord(GID, "slack", TENANT, CHAT, name="Alpha 项目组", locale="zh-CN", admins=(ADMIN,))
    )
    for period in MONTHS:
        write_month(deps, generate(period))
    for period in MONTHS:  # each month assessed on the 1st of the next, as the schedule does
        year, month = (int(part) for part in period.split("-"))
        clock.at = datetime(year + month // 12, month % 12 + 1, 1, 12, tzinfo=UTC).timestamp()
        messenger.texts.clear()
        messenger.images.clear()
        event = JobRequested(
            platform="slack", tenant=TENANT, chat=CHAT, event_id=f"job:assessment:{period}:{CHAT}",
            occurred_at=clock.at, job="assessment", period=period,
        )  # fmt: skip
        process(event, deps)
    summary = deps.store.get_item(keys.group_pk(GID), keys.assessment_sk(MONTHS[-1]))
    run = deps.store.get_item(keys.group_pk(GID), keys.job_run_sk("assessment", MONTHS[-1]))
    if summary is None or run is None:
        raise RuntimeError("the assessment did not store its summary and run")
    with urllib.request.urlopen(str(run.data["report"]["links"]["html"]), timeout=10) as response:  # noqa: S310
        html = response.read().decode("utf-8")  # through the presigned link the admins got
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.html").write_text(html, encoding="utf-8")
    for name, png, _ in messenger.images:
        (out / f"{name.split('-')[0]}.png").write_bytes(png)
    admin = [text for user, text in messenger.texts if user == ADMIN and text.startswith("【群管】群考核")]
    (out / "admin-report.txt").write_text("\n\n".join(admin) + "\n", encoding="utf-8")
    card = next(text for user, text in messenger.texts if user == "U01")
    (out / "card-example.txt").write_text(card + "\n", encoding="utf-8")
    figures = dict(summary.data)
    (out / "figures.json").write_text(
        json.dumps(figures, ensure_ascii=False, indent=2, sort_keys=True), "utf-8"
    )
    return figures


def main() -> int:
    figures = build()
    score, members = figures["score"], figures["members"]
    print(f"report-demo: {MONTHS[-1]} assessed for {GID}: group score {score}, {members} members")
    for path in sorted(OUT.iterdir()):
        print(f"  {path.relative_to(OUT.parent.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
