"""Privilege escalation, tried the way an attacker found it (issue 19, findings 3 and 10): one group's
admin, with a second account, tried to become admin of every group on every platform through policy
revisions, co-admins and `+` appends; owners named nowhere; pilots into other people's groups; bare ids
in `admins` matched on every platform and tenant; `revision status` showing the org's admin lists to
anyone; a malformed admin patch crashing the worker. Each test reproduces one hole and fails if it opens
again.

The cast, on one Slack workspace: UBOSS, the org's admin (and, where named, an owner) with UOWN2; Mallory
(UMAL), a platform admin of group CA only, and her second account UMAL2, a member of CA; group CB, whose
admin is UBOB.
"""

from __future__ import annotations

import pytest

from chalicelib.core.events import CommandIssued
from chalicelib.core.policy import PolicyError
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.store import keys
from chalicelib.store.records import Item
from chalicelib.workflows.revisions import Revisions, parse_patch
from tests.security.authz_world import CORP, OTHER_CORP, TEAM, World, slack

BOSS, OWNER2, MALLORY, MALLORY2, BOB, CAROL = "UBOSS", "UOWN2", "UMAL", "UMAL2", "UBOB", "UCAROL"
ORG_ADMINS = [slack(BOSS)]


@pytest.fixture
def world() -> World:
    world = World()
    world.group("CA", admins=(MALLORY,))
    world.group("CB", admins=(BOB,))
    for gid, user in (("CA", MALLORY2), ("CA", CAROL), ("CB", CAROL)):
        world.member(f"slack:{TEAM}:{gid}", user)
    return world


def org_admins(world: World) -> tuple[str, ...]:
    return world.policies.org().admins


def may_warn(world: World, user: str, chat: str) -> bool:
    """Whether `user` is obeyed as an admin in `chat`: their `warn` reaches the member."""
    world.forget()
    world.say(user, f"warn <@{CAROL}> test", chat=chat)
    return world.sent_to(CAROL)


def proposed(world: World, user: str, change: str, chat: str = "CA") -> str:
    world.forget()
    world.say(user, f"revision propose {change}", chat=chat)
    return world.ref_in(world.told(user), "R")


# Owners are named, never inferred ------------------------------------------------------------------------


def test_with_no_owners_named_nobody_approves_or_rolls_out_and_is_told_an_operator_must_name_them(
    world: World,
) -> None:
    world.org(admins=ORG_ADMINS)  # the shipped default: `owners: []`
    ref = proposed(world, MALLORY, "rules.flood.max_messages=6")
    assert "workflows.revisions.owners" in world.told(MALLORY)  # the proposer learns it cannot go further
    for user, step in ((BOSS, "approve"), (MALLORY2, "approve"), (MALLORY, "rollout")):
        world.forget()
        event = world.say(user, f"revision {step} {ref}", chat="CA")
        assert "workflows.revisions.owners" in world.told(user)
        assert "no owners named" in str(world.audit(event).detail["refused"])
    world.forget()
    world.press(BOSS, "rev.approve", ref, sealed_for="CA")  # the owners' card, from before
    assert "workflows.revisions.owners" in world.told(BOSS)
    assert Revisions(world.store).get(ref).state == "proposed"  # type: ignore[union-attr]


def test_a_group_admin_with_a_second_account_cannot_make_themselves_admin_of_every_group(
    world: World,
) -> None:
    """The whole chain of finding 3: a co-admin appointed, a revision proposed, approved by the second
    account and rolled out. Every step that needs an owner is refused; nothing changes anywhere."""
    world.org(admins=ORG_ADMINS)
    world.say(MALLORY, f"policy set admins+ [{slack(MALLORY2)}]", chat="CA")
    ref = proposed(world, MALLORY, f"admins+=[{slack(MALLORY)},{slack(MALLORY2)}]")
    world.say(MALLORY2, f"revision approve {ref}", chat="CA")
    world.press(MALLORY2, "rev.approve", ref, sealed_for="CA")
    world.say(MALLORY, f"revision rollout {ref}", chat="CA")

    assert org_admins(world) == (slack(BOSS),)
    assert not may_warn(world, MALLORY, "CB")
    assert not may_warn(world, MALLORY2, "CB")
    assert may_warn(world, BOSS, "CA")  # the org's admin is still an admin in Mallory's group


def test_an_owner_is_never_an_admin_who_happens_to_be_there(world: World) -> None:
    world.org(admins=ORG_ADMINS, workflows={"revisions": {"owners": [slack(BOSS), slack(OWNER2)]}})
    ref = proposed(world, MALLORY, "rules.flood.max_messages=6")
    world.forget()
    event = world.say(MALLORY2, f"revision approve {ref}", chat="CA")
    assert "by a non-owner" in str(world.audit(event).detail["refused"])
    world.say(BOSS, f"revision approve {ref}", chat="CA")
    assert Revisions(world.store).get(ref).state == "approved"  # type: ignore[union-attr]


# `+` stays an append -------------------------------------------------------------------------------------


def test_an_append_is_kept_as_an_append_by_the_patch_parser() -> None:
    assert parse_patch([f"admins+=[{slack('UNEW')}]"]) == ({"admins+": [slack("UNEW")]}, "")
    assert parse_patch(["admins+=[slack:T:A]", "admins+=[slack:T:B]"]) == (
        {"admins+": ["slack:T:A", "slack:T:B"]},
        "",
    )


def test_an_appended_admin_list_rolled_out_adds_to_the_orgs_admins_and_never_replaces_them(
    world: World,
) -> None:
    world.org(admins=ORG_ADMINS, workflows={"revisions": {"owners": [slack(BOSS), slack(OWNER2)]}})
    world.group("CBOSS", admins=(BOSS,))
    ref = proposed(world, BOSS, f"admins+=[{slack('UNEW')}]", chat="CBOSS")
    world.say(OWNER2, f"revision approve {ref}", chat="CBOSS")
    world.say(BOSS, f"revision rollout {ref}", chat="CBOSS")
    assert Revisions(world.store).get(ref).state == "rolled_out"  # type: ignore[union-attr]
    assert org_admins(world) == (slack(BOSS), slack("UNEW"))


def test_a_co_admin_appended_in_a_group_adds_to_the_orgs_admins_there(world: World) -> None:
    world.org(admins=ORG_ADMINS)
    world.say(MALLORY, f"policy set admins+ [{slack(MALLORY2)}]", chat="CA")
    assert world.policies.for_group(f"slack:{TEAM}:CA", world.clock.now() + 120).admins == (
        slack(BOSS),
        slack(MALLORY2),
    )
    assert may_warn(world, BOSS, "CA")


def test_a_group_admin_cannot_unname_the_orgs_admins_in_their_group(world: World) -> None:
    world.org(admins=ORG_ADMINS)
    world.say(MALLORY, f"policy set admins [{slack(MALLORY2)}]", chat="CA")
    assert may_warn(world, BOSS, "CA")
    assert may_warn(world, MALLORY2, "CA")


# Co-admins: in the appointer's own group, recorded -------------------------------------------------------


def test_a_co_admin_is_appointed_in_the_appointers_group_only_and_the_audit_log_says_who(
    world: World,
) -> None:
    world.org(admins=ORG_ADMINS)
    event = world.say(MALLORY, f"policy set admins+ [{slack(MALLORY2)}]", chat="CA")
    assert world.audit(event).detail["audit"] == {
        "policy_set": "admins+",
        "value": f"[{slack(MALLORY2)}]",
        "version": 1,
        "co_admins": [slack(MALLORY2)],
    }
    assert may_warn(world, MALLORY2, "CA")
    assert not may_warn(world, MALLORY2, "CB")
    assert org_admins(world) == (slack(BOSS),)


@pytest.mark.parametrize(
    "setting",
    [
        f"workflows.revisions.owners [{slack(MALLORY)}]",  # owners are the org's
        f"workflows.revisions.owners+ [{slack(MALLORY)}]",
        "admins+ [dingtalk:dingcorp1:mallory]",  # a co-admin of another platform
        "admins+ [slack:T0ELSE:UMAL]",  # or of another workspace
        "admins+ [UMAL2]",  # or nobody in particular
    ],
)
def test_a_group_admin_cannot_name_owners_nor_admins_outside_their_group(world: World, setting: str) -> None:
    world.org(admins=ORG_ADMINS)
    world.forget()
    world.say(MALLORY, f"policy set {setting}", chat="CA")
    assert "Not applied" in world.told(MALLORY)
    assert world.policies.current(keys.group_policy_scope(f"slack:{TEAM}:CA")) is None


# Pilots: rights in every target group --------------------------------------------------------------------


def test_a_pilot_into_a_group_the_owner_does_not_administer_is_refused_and_pilots_nowhere(
    world: World,
) -> None:
    world.org(admins=ORG_ADMINS, workflows={"revisions": {"owners": [slack(MALLORY), slack(OWNER2)]}})
    ref = proposed(world, MALLORY, "rules.flood.max_messages=6")
    world.say(OWNER2, f"revision approve {ref}", chat="CA")
    world.forget()
    event = world.say(MALLORY, f"revision pilot {ref} CA CB CNOWHERE", chat="CA")

    assert "CB, CNOWHERE" in world.told(MALLORY)
    assert "does not administer" in str(world.audit(event).detail["refused"])
    for chat in ("CA", "CB", "CNOWHERE"):
        assert world.policies.current(keys.group_policy_scope(f"slack:{TEAM}:{chat}")) is None
    assert Revisions(world.store).get(ref).state == "approved"  # type: ignore[union-attr]

    world.say(MALLORY, f"revision pilot {ref} CA", chat="CA")  # her own group: piloted
    assert world.policies.for_group(f"slack:{TEAM}:CA", world.clock.now() + 120).rules.flood.max_messages == 6


# Qualified ids only --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [
        "admins: [zhangsan]",
        "approvers: [zhangsan]",
        "workflows: {revisions: {owners: [zhangsan]}}",
        "workflows: {incidents: {responders: [zhangsan]}}",
        "admins: ['nowhere:T1:zhangsan']",
        "admins: ['dingtalk::zhangsan']",
        "groups: {'slack:T1:C1': {admins: [zhangsan]}}",
    ],
)
def test_a_bare_id_is_refused_when_an_org_policy_is_written(document: str) -> None:
    with pytest.raises(PolicyError, match="qualified id; write platform:tenant:user"):
        PolicyRepo(World().store).apply(keys.ORG_SCOPE, document, author="ops", now=0)


def test_a_bare_id_is_refused_in_a_group_override_with_a_clear_message(world: World) -> None:
    world.org(admins=ORG_ADMINS)
    with pytest.raises(PolicyError, match="'zhangsan' is not a qualified id"):
        world.policies.apply(
            keys.group_policy_scope(f"slack:{TEAM}:CA"), "admins: [zhangsan]", author="ops", now=0
        )


def test_a_bare_id_stored_before_the_rule_names_nobody_on_any_platform_or_tenant(world: World) -> None:
    """An org policy written before qualified ids were required is still read, and its bare id is
    nobody: a DingTalk user "zhangsan" of an unrelated corp, or of ours, or a Slack "zhangsan", cannot
    `warn`. The qualified id of our corp's zhangsan does not stretch to the other corp's."""
    legacy = {"text": f"admins: [zhangsan, 'dingtalk:{CORP}:lisi']\n", "author": "ops", "at": 0, "version": 1}
    world.store.put_item(Item(keys.policy_pk(keys.ORG_SCOPE), keys.POLICY_CURRENT_SK, legacy))
    for tenant in (CORP, OTHER_CORP):
        world.group("cidG", platform="dingtalk", tenant=tenant)
    world.group("CZ")
    for platform, tenant, chat, user in (
        ("dingtalk", OTHER_CORP, "cidG", "zhangsan"),
        ("dingtalk", CORP, "cidG", "zhangsan"),
        ("slack", TEAM, "CZ", "zhangsan"),
        ("dingtalk", OTHER_CORP, "cidG", "lisi"),
    ):
        world.forget()
        event = world.say(user, "warn @victim x", chat=chat, platform=platform, tenant=tenant)  # type: ignore[arg-type]
        assert "non-admin" in str(world.audit(event).detail["refused"]), (platform, tenant, user)
        assert not world.sent_to("victim", platform)  # type: ignore[arg-type]
    world.forget()
    world.say("lisi", "warn @victim x", chat="cidG", platform="dingtalk", tenant=CORP)
    assert world.sent_to("victim", "dingtalk")


# What `revision status` shows ----------------------------------------------------------------------------


def test_revision_status_shows_admin_lists_and_names_to_the_owners_only(world: World) -> None:
    world.org(admins=ORG_ADMINS, workflows={"revisions": {"owners": [slack(BOSS), slack(OWNER2)]}})
    world.group("CBOSS", admins=(BOSS,))
    secret = slack("USECRETADMIN")
    ref = proposed(world, BOSS, f"admins+=[{secret}] rules.flood.max_messages=6", chat="CBOSS")
    world.say(OWNER2, f"revision approve {ref}", chat="CBOSS")
    world.group("cidD", platform="dingtalk", tenant=OTHER_CORP)

    for platform, tenant, chat, user in (
        ("slack", TEAM, "CB", CAROL),  # a member elsewhere
        ("slack", TEAM, "CB", BOB),  # another group's admin
        ("dingtalk", OTHER_CORP, "cidD", "zhangsan"),  # someone on another platform
    ):
        world.forget()
        world.say(user, f"revision status {ref}", chat=chat, platform=platform, tenant=tenant)  # type: ignore[arg-type]
        shown = world.last_reply(platform)  # type: ignore[arg-type]
        assert ref in shown and "rules.flood.max_messages: 8 → 6" in shown
        assert "admins: changed" in shown
        for name in (secret, BOSS, OWNER2):
            assert name not in shown, (user, shown)

    world.forget()
    world.say(OWNER2, f"revision status {ref}", chat="CB")
    assert secret in world.last_reply() and BOSS in world.last_reply()


def test_revision_status_names_each_approver_from_their_own_platforms_directory_not_by_id(
    world: World,
) -> None:
    """The approvals list names people, an approval kept before approvals kept their platform too (its
    key says whose it is: here an owner on DingTalk)."""
    world.org(admins=ORG_ADMINS, workflows={"revisions": {"owners": [slack(BOSS), slack(OWNER2)]}})
    world.group("CBOSS", admins=(BOSS,))
    world.messengers["slack"].names.update({BOSS: "Wang Fang", OWNER2: "Li Lei"})
    world.messengers["dingtalk"].names["lisi"] = "李四"
    ref = proposed(world, BOSS, "rules.flood.max_messages=6", chat="CBOSS")
    world.say(OWNER2, f"revision approve {ref}", chat="CBOSS")
    earlier = Item(
        keys.REVISIONS_PK, keys.revision_approval_sk(ref, f"dingtalk:{CORP}:lisi"), {"user": "lisi"}
    )
    world.store.put_item(earlier)  # as approvals were kept before: the native id only

    world.forget()
    world.say(OWNER2, f"revision status {ref}", chat="CB")

    shown = world.last_reply()
    assert "proposed by Wang Fang" in shown and "Li Lei" in shown and "李四" in shown
    for user in (BOSS, OWNER2, "lisi"):
        assert user not in shown, shown


def test_the_groups_see_a_change_to_the_admins_only_as_a_change(world: World) -> None:
    world.org(admins=ORG_ADMINS, workflows={"revisions": {"owners": [slack(BOSS), slack(OWNER2)]}})
    world.group("CBOSS", admins=(BOSS,))
    world.member(f"slack:{TEAM}:CBOSS", CAROL)
    secret = slack("USECRETADMIN")
    ref = proposed(world, BOSS, f"admins+=[{secret}]", chat="CBOSS")
    world.say(OWNER2, f"revision approve {ref}", chat="CBOSS")
    world.say(BOSS, f"revision rollout {ref}", chat="CBOSS")
    to_group = world.in_groups()
    assert to_group and not any(secret in text for text in to_group)


# Malformed admin patches ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "policy set admins+ [[1]]",
        "policy set admins+ {a: 1}",
        "policy set admins+ [unclosed",
        "policy set admins [[1]]",
        "policy set rules+.flood 1",
        "policy set .admins x",
        "revision propose admins+=[[1]]",
        "revision propose admins+=1",
    ],
)
def test_a_malformed_admin_patch_is_answered_with_an_error_never_a_crash(world: World, command: str) -> None:
    world.org(admins=ORG_ADMINS)
    world.forget()
    event: CommandIssued = world.say(BOSS, command, chat="CB")  # raises on the old code: TypeError
    answer = world.told(BOSS)
    assert answer and ("Not applied" in answer or "Usage" in answer or "not a valid policy" in answer), answer
    assert world.policies.current(keys.group_policy_scope(event.gid)) is None
    assert org_admins(world) == (slack(BOSS),)
