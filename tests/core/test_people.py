"""The people a policy names: qualified ids only, of the group's own platform and tenant in its override,
and owners only in the org policy (`chalicelib.core.people`); what a bare id matches at run time
(`chalicelib.core.ids`)."""

from __future__ import annotations

import pytest

from chalicelib.core.ids import is_qualified, natives_in
from chalicelib.core.people import document_problems, override_problems


@pytest.mark.parametrize(
    ("value", "qualified"),
    [
        ("slack:T0123:U0456", True),
        ("wecom:ww1234:zhang:san", True),  # a native id may hold colons
        ("dingtalk:ding1:manager4567", True),
        ("zhangsan", False),
        ("slack:T0123", False),
        ("slack::U1", False),
        ("slack:T1:", False),
        ("feishu:T1:U1", False),
        ("", False),
    ],
)
def test_an_id_is_qualified_when_it_names_platform_tenant_and_user(value: str, qualified: bool) -> None:
    assert is_qualified(value) is qualified


def test_native_ids_are_those_of_the_platform_and_tenant_asked_for_and_never_bare_ones() -> None:
    ids = ["slack:T1:U1", "slack:T2:U2", "dingtalk:T1:D1", "U3", "slack:T1:U1", "slack:T1:U4"]
    assert natives_in(ids, "slack", "T1") == ("U1", "U4")


def test_an_org_document_lists_every_bare_id_by_path() -> None:
    problems = document_problems(
        {
            "admins": ["slack:T1:U1", "zhangsan"],
            "workflows": {"revisions": {"owners": ["lisi"]}, "incidents": {"responders+": ["W1"]}},
            "groups": {"slack:T1:C1": {"approvers": ["U9"]}},
        }
    )
    assert [problem.split(":", 1)[0] for problem in problems] == [
        "admins",
        "workflows.revisions.owners",
        "workflows.incidents.responders+",
        "groups.slack",
    ]
    assert "'zhangsan' is not a qualified id; write platform:tenant:user" in problems[0]
    assert problems[3].startswith("groups.slack:T1:C1.approvers: 'U9'")


def test_a_groups_override_names_people_of_its_own_platform_and_tenant_and_no_owners() -> None:
    assert override_problems("slack:T1:C1", {"admins+": ["slack:T1:U2"], "approvers": ["slack:T1:U3"]}) == []
    problems = override_problems(
        "slack:T1:C1",
        {
            "admins+": ["dingtalk:T1:U2", "slack:T9:U3", [1]],
            "workflows": {"revisions": {"owners": ["slack:T1:U1"]}},
        },
    )
    assert problems == [
        "admins+: a list of ids such as dingtalk:ding1234:zhangsan",
        "workflows.revisions.owners: owners are named in the org policy only, not in a group's override",
    ]
    assert override_problems("slack:T1:C1", {"admins": ["dingtalk:T1:U2"]}) == [
        "admins: 'dingtalk:T1:U2' is not of this group's platform and tenant (slack:T1)"
    ]
