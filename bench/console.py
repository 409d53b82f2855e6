"""The web console's server time per page (issue #18): 1 000 groups of 100 members each (100 000
members), an assessment per group, an open admin card in one group in five, on the embedded DynamoDB
(moto on loopback, `local/dynamo.py`), through `DynamoStore`, signed in as an owner, a group admin and a
member. Every page is a handful of index Queries and key reads, never a Scan, whatever the number of
groups: the rows give each page's wall time on moto (the server's time: the console's work, boto3's and
moto's answers), its DynamoDB requests, and the time outside moto. The budget is 300 ms a page.

Items are put straight into moto's memory in the shapes `DynamoStore` writes (`bench.embedded_dynamo`),
and moto is sped up for a large table (`faster_moto`, its answers unchanged). Each page is measured
warm (a Lambda container's second request): the median of five.

    python -m bench.console          # prints the table, returns the rows
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from typing import Any, cast
from urllib.parse import parse_qsl, quote

from bench import Row
from bench.embedded_dynamo import faster_moto, put_items
from chalicelib.adapters.base import DirectoryUser, Messenger
from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.console.entry import Console, build_console, serve_page
from chalicelib.console.settings import ConsoleSettings
from chalicelib.http import InboundRequest
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.moderation.followups import FollowUp, FollowUps
from chalicelib.settings import Settings
from chalicelib.store import keys, summaries
from chalicelib.store.dynamodb import DynamoStore, _Codec, _group_item, _member_item, _raw_item
from chalicelib.store.records import GroupRecord, GroupSummary, Item, MemberRecord
from local.dynamo import start_dynamodb

NOW = 1_767_225_600.0  # 2026-01-01, UTC
TENANT = "TBENCH"
GROUPS, PER_GROUP = 1_000, 100
QUICK = (50, 20)
OWNER, ADMIN, MEMBER = "UOWNER", "U0000007", "U0000042"
REPEAT = 5
BUDGET_MS = 300.0


def gid(n: int) -> str:
    return f"slack:{TENANT}:C{n:05d}"


def uid(user: str) -> str:
    return f"slack:{TENANT}:{user}"


def items(groups: int, per_group: int) -> Iterator[dict[str, Any]]:
    """Every item of the org, in DynamoDB's wire format, as `DynamoStore` writes them: each group's item,
    members (and each person's pointer to the group), assessment and summary, the admin's pointer, and
    the org's rollup (the open cards are opened through the store, `open_cards`)."""
    codec = _Codec()
    for n in range(groups):
        chat = f"C{n:05d}"
        admins = (ADMIN,) if n == 7 else ()
        group = GroupRecord(
            gid=gid(n), platform="slack", tenant=TENANT, chat=chat, name=f"群 {n:04d}", admins=admins
        )
        yield codec.serialize_item(_group_item(group))
        for admin in summaries.admin_uids(group):
            yield codec.serialize_item({"PK": keys.admin_groups_pk(admin), "SK": group.gid, "gid": group.gid})
        for m in range(per_group):
            user = f"U{(n * 37 + m) % (groups * per_group // 10):07d}"  # people are in about ten groups
            member = MemberRecord(
                gid=gid(n), uid=uid(user), user=user, last_active=NOW - 60 * (m + 1), points=m % 6
            )
            yield codec.serialize_item(_member_item(member))
            yield codec.serialize_item(
                {"PK": keys.member_groups_pk(member.uid), "SK": group.gid, "gid": group.gid}
            )
        score = 60 + n % 40
        assessment = {
            "period": "2025-12",
            "score": score,
            "members": per_group,
            "active_members": per_group // 2,
        }
        yield codec.serialize_item(
            _raw_item(Item(keys.group_pk(gid(n)), keys.assessment_sk("2025-12"), assessment))
        )
        summary = GroupSummary(
            gid=group.gid,
            members=per_group,
            last_active=NOW - 60,
            score=float(score),
            period="2025-12",
            active_members=per_group // 2,
            admins=summaries.known_admins(group),
        )
        yield codec.serialize_item(
            _raw_item(Item(keys.group_pk(gid(n)), keys.GROUP_SUMMARY_SK, summaries.summary_data(summary)))
        )
    rollup = {"groups": groups, "open_cases": 0, "no_admin": groups - 1}
    yield codec.serialize_item(_raw_item(Item(keys.ORG_SUMMARY_PK, keys.ORG_SUMMARY_SK, rollup)))


def check_summaries(store: DynamoStore, groups: int) -> None:
    """The seeded summaries are what a recount of the items finds (`store.summaries.recount_group`)."""
    for n in (0, 7, groups - 1):
        group = store.get_group(gid(n))
        assert group is not None
        kept, counted = summaries.recount_group(store, group)
        if kept != counted:
            raise RuntimeError(f"the seeded summary of {group.gid} is not its recount: {kept} != {counted}")


def open_cards(store: DynamoStore, groups: int) -> None:
    cards = FollowUps(store)
    for n in range(0, groups, 5):
        ref = f"case{n:05d}"
        store.put_item(
            Item(
                keys.group_pk(gid(n)),
                keys.case_item_sk(ref),
                {"ref": ref, "user": MEMBER, "state": "open", "rule": "flood"},
            )
        )
        cards.open(
            FollowUp(
                gid=gid(n),
                chat=f"C{n:05d}",
                ref=ref,
                kind="case",
                card="violation",
                opened_at=NOW - n,
                member=MEMBER,
                rule="flood",
                recipients=(ADMIN,),
                plan=(),
            )
        )


class Directory:
    """The messenger as authz asks it: who a person is in the directory (nobody is a workspace admin)."""

    def get_user(self, tenant: str, user: str) -> DirectoryUser | None:
        return DirectoryUser(user=user, name=user)


def console_for(store: DynamoStore, clock: FrozenClock) -> Console:
    stand_ins: dict[str, Any] = {
        "slack_signing_secret": "bench",
        "slack_bot_token": "xoxb-bench",
    }  # nothing is sent
    settings = Settings(_env_file=None, **stand_ins)
    deps = Deps(
        settings=settings, clock=clock, store=store, messenger_factory=lambda _: cast(Messenger, Directory())
    )
    return build_console(deps, ConsoleSettings(_env_file=None, qg_console_session_key="bench"))


def measure(
    console: Console, cookie: str, route: str, path: str, **params: str
) -> tuple[float, float, int, int]:
    """(median wall ms, median ms outside moto, DynamoDB requests, status) of a warm page (`path` may
    carry a query string)."""
    path, _, query = path.partition("?")
    request = InboundRequest.build("GET", path, {"cookie": cookie}, dict(parse_qsl(query)), b"")
    walls, own, requests, status = [], [], 0, 0
    with faster_moto() as moto:
        serve_page(route, request, params, console)  # warm: the policy cache, boto3's client
        for _ in range(REPEAT):
            moto.reset()
            started = time.perf_counter_ns()
            reply = serve_page(route, request, params, console)
            wall = (time.perf_counter_ns() - started) / 1e6
            walls.append(wall)
            own.append(wall - moto.seconds * 1000)
            requests, status = moto.requests, reply.status
    return statistics.median(walls), statistics.median(own), requests, status


def main(*, quick: bool = False) -> list[Row]:
    groups, per_group = QUICK if quick else (GROUPS, PER_GROUP)
    server = start_dynamodb()
    table = f"bench-console-{time.time_ns()}"
    server.create_table(table)
    rows: list[Row] = []
    try:
        put_items(table, items(groups, per_group))
        clock = FrozenClock(NOW)
        store = DynamoStore(table, client=server.client(), clock=clock)
        open_cards(store, groups)
        check_summaries(store, groups)
        org = f"workflows:\n  revisions:\n    owners: ['{uid(OWNER)}']\n"
        PolicyRepo(store).apply(keys.ORG_SCOPE, org, author="bench", now=NOW)
        console = console_for(store, clock)
        cookies = {
            who: console.sessions.start(uid=uid(who), name=who, locale="en", via="bench", now=NOW)[1].split(
                ";"
            )[0]
            for who in (OWNER, ADMIN, MEMBER)
        }
        group_path = quote(gid(7), safe="")
        person_path = quote(uid(MEMBER), safe="")
        pages = [
            ("owner", OWNER, "overview", "/console", {}),
            ("owner", OWNER, "groups", "/console/groups", {}),
            ("owner", OWNER, "group", f"/console/groups/{group_path}", {"gid": group_path}),
            ("owner", OWNER, "cases", "/console/cases", {}),
            ("owner", OWNER, "policy", "/console/policy", {}),
            ("owner", OWNER, "assessments", "/console/assessments", {}),
            ("owner", OWNER, "audit", "/console/audit", {}),
            ("owner", OWNER, "files", "/console/files", {}),
            ("owner", OWNER, "jobs", "/console/jobs", {}),
            # the group picker's search: the names starting with "群 09" (100 of them, 20 a page)
            ("owner", OWNER, "pick", f"/console/pick?find={quote('群 09')}", {}),
            ("owner", OWNER, "files", f"/console/files?find={quote('群 09')}", {}),
            ("owner", OWNER, "person", f"/console/people/{person_path}", {"uid": person_path}),
            (
                "owner",
                OWNER,
                "group-announcements",
                f"/console/groups/{group_path}/announcements",
                {"gid": group_path},
            ),
            ("owner", OWNER, "group-files", f"/console/groups/{group_path}/files", {"gid": group_path}),
            ("group admin", ADMIN, "overview", "/console", {}),
            ("group admin", ADMIN, "cases", "/console/cases", {}),
            ("group admin", ADMIN, "pick", f"/console/pick?find={quote('群')}", {}),
            ("member", MEMBER, "me", "/console/me", {}),
        ]
        label = f"{groups:,} groups, {groups * per_group:,} members".replace(",", " ").replace("  ", ", ")
        for role, who, route, path, params in pages:
            wall, own, requests, status = measure(console, cookies[who], route, path, **params)
            if status != 200:
                raise RuntimeError(f"{route} as {role} answered {status}")
            shown = route + (" search" if "find=" in path and route != "pick" else "")
            print(
                f"  console {shown} ({role}): {wall:.1f} ms, {requests} requests, {own:.1f} ms outside moto",
                flush=True,
            )
            name = f"console: {shown} page as {role}, {label}"
            rows.append(Row(f"{name}: server time", "ms", round(wall, 1)))
            rows.append(Row(f"{name}: DynamoDB requests", "requests", requests))
        worst = max(row.qunguan or 0 for row in rows if row.unit == "ms")
        rows.append(Row(f"console: slowest page, {label} (budget {BUDGET_MS:.0f} ms)", "ms", round(worst, 1)))
    finally:
        server.client().delete_table(TableName=table)
        server.stop()
    return rows


if __name__ == "__main__":
    for row in main():
        print(f"{row.name:<90} {row.qunguan:>10} {row.unit}")
