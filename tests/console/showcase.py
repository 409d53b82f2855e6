"""A lived-in org for the browser test and the screenshots: named groups on one Slack workspace, members
with activity and points, a year of assessments, open cases of each kind, an audit trail, file downloads
and job runs, all written as the worker writes them."""

from __future__ import annotations

from chalicelib.kernel.policies import PolicyRepo
from chalicelib.store import keys
from chalicelib.store.records import AuditRecord, Item, MemberRecord
from tests.console.world import ADA, AUDREY, BEN, BOSS, CA, CB, MIA, ConsoleWorld, gid, uid

GROUPS = (
    (CA, "产品讨论组", (ADA,)),
    (CB, "华东销售群", (BEN,)),
    ("CC", "研发周会", (ADA,)),
    ("CD", "新员工答疑", ()),
    ("CE", "市场活动筹备", (BEN,)),
)
PEOPLE = ("UWANG", "ULI", "UZHANG", "UCHEN", "ULIU", "UYANG", "UZHAO", "UHUANG")
NAMES = {
    "UWANG": "王芳",
    "ULI": "李强",
    "UZHANG": "张伟",
    "UCHEN": "陈静",
    "ULIU": "刘洋",
    "UYANG": "杨敏",
    "UZHAO": "赵磊",
    "UHUANG": "黄丽",
}
MONTHS = ("2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12")


def populate(world: ConsoleWorld) -> None:
    now = world.clock.now()
    # The owner is also named an admin, as owners usually are: they act in every group of the workspace.
    world.org(workflows={"revisions": {"owners": [uid(BOSS)]}}, auditors=[uid(AUDREY)], admins=[uid(BOSS)])
    for number, (chat, name, admins) in enumerate(GROUPS):
        world.group(chat, name, admins=admins)
        pk = keys.group_pk(gid(chat))
        for index, person in enumerate(PEOPLE[: 5 + number % 4]):
            seen = now - 3600 * (index * 7 + number + 1)
            points = float((index * 3 + number) % 7)
            world.store.put_member(
                MemberRecord(
                    gid=gid(chat),
                    uid=uid(person),
                    user=person,
                    display_name=NAMES[person],
                    points=points,
                    last_active=seen,
                )
            )
        for month, period in enumerate(MONTHS):
            score = 62.0 + (month * 4 + number * 5) % 30
            summary = {
                "period": period,
                "score": score,
                "members": 40 + number * 12,
                "active_members": 28 + month,
            }
            world.store.put_item(Item(pk, keys.assessment_sk(period), summary))
        for n, (kind, actor, actions) in enumerate(
            (
                ("MessagePosted", "UWANG", ("DeleteMessage:rule.flood", "SendDirect:member.warned")),
                ("CardClicked", ADA, ("Mute:admin.mute", "UpdateCard:admin.handled")),
                ("CommandIssued", "ULI", ("Reply:admin.refused",)),
                ("MemberJoined", "UYANG", ("PostCard:membership.welcome",)),
            )
        ):
            detail = {"refused": "not an admin of " + chat} if "refused" in actions[0] else {}
            world.store.append_audit(
                AuditRecord(
                    gid=gid(chat),
                    audit_id=f"{chat}-{n}",
                    at=now - 3600 * (n + 1),
                    event_type=kind,
                    actor=actor,
                    actions=actions,
                    detail=detail,
                )
            )
        world.store.put_item(
            Item(pk, keys.file_sk(f"F{chat}"), {"file_id": f"F{chat}", "name": "季度计划.pdf"})
        )
        for n, (what, who) in enumerate(
            (("link", "UZHANG"), ("download", "UZHANG"), ("refused", "UOUTSIDER"))
        ):
            entry = {"file_id": f"F{chat}", "kind": what, "user": who, "at": now - 600 * (n + 1)}
            world.store.put_item(Item(pk, keys.file_log_sk(f"F{chat}", now - 600 * (n + 1), f"r{n}"), entry))
        for job, state in (("assessment", "done"), ("cleanup", "done"), ("review", "failed")):
            run = {"job": job, "period": "2025-12", "dry_run": False, "state": state, "at": now - 86400}
            world.store.put_item(Item(pk, keys.job_run_sk(job, "2025-12"), run))
    override = "rules:\n  flood:\n    max_messages: 6\nappeal_days: 14\n"
    PolicyRepo(world.store).apply(keys.group_policy_scope(gid(CA)), override, author="ops", now=0)
    world.open_case(CA, "UWANG", "c-prod-2", card="report")
    world.open_case("CC", "ULI", "c-dev-1", card="removal")
    world.member(CA, MIA, points=2.0, name="米娅")
    world.member(CA, ADA, name="艾达")
    _work(world)


def _work(world: ConsoleWorld) -> None:
    """What waits and what was posted in 产品讨论组: a join request, a draft, an announcement half
    acknowledged, archived files, and messages the group kept."""
    from tests.console import work

    work.join_request(world, CA, "UNEW", name="孙悦")
    work.draft(world, CA, "UZHANG", "P3C9A1", "下周一起办公室搬迁，请提前整理个人物品。")
    work.announcement(
        world, CA, "A7D2E4", audience=("UWANG", "ULI", "UZHANG", "UCHEN", MIA), acked=("UWANG", "ULI")
    )
    for number in range(24):
        work.archived_file(world, CA, number, uploader=PEOPLE[number % 5])
