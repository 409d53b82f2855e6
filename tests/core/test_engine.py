"""The engine: every applicable rule runs, findings merge by severity, modes decide what is done, and
the member is always told privately why and how to appeal (issue 3, items 1-3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib.core.actions import Action, Decision, DeleteMessage, Mute, PostCard, SendDirect
from chalicelib.core.engine import build_rules, case_ref, decide, evaluate, moderate
from chalicelib.core.events import Event, FileShared, MemberJoined, MessagePosted
from chalicelib.core.facts import CaseDecided, Points, Threshold
from chalicelib.core.rules.base import Finding, Rule, RuleContext
from chalicelib.core.rules.flood import FloodRule
from tests.core.factories import NOW, context, file_shared, message, policy, rules_override

ABUSE = "你真是个傻 逼"
VALID_ID = "11010519491231002X"


def case(decision: Decision) -> CaseDecided:
    """The case the engine decided (every decision on a finding carries one)."""
    found = decision.fact(CaseDecided)
    assert found is not None, decision
    return found


def _points(decision: Decision) -> Points:
    points = case(decision).points
    assert points is not None
    return points


def kinds(decision: Decision) -> list[str]:
    return [type(action).__name__ for action in decision.actions]


def only(decision: Decision, kind: type[Action]) -> Any:
    [action] = [a for a in decision.actions if isinstance(a, kind)]
    return action


def test_abusive_message_is_removed_explained_and_reported() -> None:
    event = message(ABUSE)
    decision = moderate(event, context(admins=("ADMIN",)))
    assert kinds(decision) == ["DeleteMessage", "PostCard", "SendDirect"]
    delete = only(decision, DeleteMessage)
    assert (delete.chat, delete.message_id, delete.user, delete.text) == ("C1", "M1", "U1", ABUSE)
    assert (delete.reason, delete.rule) == ("moderation.rule.lexicon", "lexicon")
    dm = only(decision, SendDirect)
    assert dm.user == "U1"
    assert "不当用语" in dm.text  # the rule, in the group's locale (zh-CN)
    assert ABUSE in dm.text  # the removed text, returned to its author
    assert f"/qg appeal {case_ref(event)}" in dm.text  # how to appeal
    card = only(decision, PostCard)
    assert card.users == ("ADMIN",)
    assert [b.action for b in card.card.buttons] == ["warn", "mute", "remove", "dismiss"]
    assert {b.value for b in card.card.buttons} == {case_ref(event)}
    assert _points(decision).total == 1.0
    assert case(decision).policy_revision == "1"


def test_explanation_follows_the_group_locale_and_platform() -> None:
    event = message(ABUSE, platform="wecom")
    dm = only(moderate(event, context(policy({"locale": "en"}))), SendDirect)
    assert "Inappropriate language" in dm.text
    assert f"@qunguan appeal {case_ref(event)}" in dm.text
    dm_tw = only(
        moderate(message(ABUSE, platform="dingtalk"), context(policy({"locale": "zh-TW"}))), SendDirect
    )
    assert "不當用語" in dm_tw.text
    assert "@群管 appeal" in dm_tw.text


def test_a_valid_id_number_is_removed_but_never_shown_to_the_admins() -> None:
    decision = moderate(message(f"我的身份证 {VALID_ID}"), context(admins=("ADMIN",)))
    assert kinds(decision) == ["DeleteMessage", "PostCard", "SendDirect"]
    card = only(decision, PostCard).card
    assert VALID_ID not in repr(card)
    assert "1101**********002X" in only(decision, SendDirect).text
    assert case(decision).sensitive is True
    assert VALID_ID not in repr(decision.facts) + repr(decision.audit)


def test_a_flood_mutes_explains_and_reports() -> None:
    decision = moderate(message("hi"), context(flood_count=9, admins=("ADMIN",)))
    assert kinds(decision) == ["Mute", "PostCard", "SendDirect"]
    assert only(decision, Mute).seconds == 600
    assert "10 分钟" in only(decision, SendDirect).text


def test_the_rest_of_a_flood_is_only_recorded() -> None:
    decision = moderate(message("hi"), context(flood_count=12))
    assert decision.actions == ()
    assert list(case(decision).rules) == ["flood"]
    assert case(decision).points is None


def test_shadow_mode_records_and_acts_on_nothing() -> None:
    decision = moderate(
        message(ABUSE), context(rules_override(lexicon={"mode": "shadow"}), admins=("ADMIN",))
    )
    assert decision.actions == ()
    assert decision.shadow
    assert case(decision).findings[0]["mode"] == "shadow"
    assert [a["type"] for a in case(decision).shadow_actions] == [
        "DeleteMessage",
        "PostCard",
        "SendDirect",
    ]
    assert case(decision).points is None
    assert ABUSE not in repr(decision.facts)  # the would-be actions carry no message text


def test_a_group_in_shadow_mode_acts_on_nothing() -> None:
    decision = moderate(message(ABUSE), context(policy({"mode": "shadow"}), flood_count=20))
    assert decision.actions == ()
    assert decision.shadow


def test_warn_only_rule_only_explains() -> None:
    decision = moderate(message(ABUSE), context(rules_override(lexicon={"mode": "warn"})))
    assert kinds(decision) == ["SendDirect"]
    dm = only(decision, SendDirect)
    assert "提醒" in dm.text
    assert "appeal" in dm.text
    assert case(decision).points is None


def test_enforced_and_warned_findings_share_one_explanation() -> None:
    decision = moderate(message(ABUSE + "😂" * 12), context(rules_override(emoji={"mode": "warn"})))
    dm = only(decision, SendDirect)
    assert "表情过多（仅提醒）" in dm.text
    assert "不当用语" in dm.text


@pytest.mark.parametrize(
    "signals",
    [{"role": "admin"}, {"role": "owner"}, {"is_admin": True}],
)
def test_an_exempt_admin_is_not_flagged(signals: dict[str, Any]) -> None:
    decision = moderate(message(ABUSE), context(flood_count=20, **signals))
    assert decision.actions == ()
    assert decision.fact(CaseDecided) is None


def test_members_named_as_exempt_or_admin_in_the_policy_are_not_flagged() -> None:
    exempt = rules_override(lexicon={"exempt": {"members": ["slack:T1:U1"]}})
    assert moderate(message(ABUSE), context(exempt)).actions == ()
    named_admin = policy({"admins": ["slack:T1:U1"]})
    assert moderate(message(ABUSE), context(named_admin)).actions == ()


def test_an_admin_named_on_another_platform_or_tenant_is_flagged_like_anyone() -> None:
    for elsewhere in ("dingtalk:T1:U1", "slack:T9:U1"):
        assert moderate(message(ABUSE), context(policy({"admins": [elsewhere]}))).actions != ()


def test_exempt_roles_can_be_narrowed() -> None:
    strict = rules_override(lexicon={"exempt": {"roles": []}})
    assert moderate(message(ABUSE), context(strict, role="admin")).actions != ()


def test_modes_and_exemptions_are_read_from_each_policy_object() -> None:
    """The engine resolves a policy's modes and exemptions once per policy object: another policy object
    (a changed policy) is read afresh, even with a rule set built for the first, and the first is
    still read as it was."""
    first = policy()
    rules = build_rules(first)
    event = message(ABUSE)
    assert "DeleteMessage" in kinds(moderate(event, context(first), rules))
    exempt = rules_override(lexicon={"exempt": {"members": ["U1"]}})
    assert moderate(event, context(exempt), rules).actions == ()
    shadow = rules_override(lexicon={"mode": "shadow"})
    assert moderate(event, context(shadow), rules).shadow
    off = rules_override(lexicon={"mode": "off"})
    decision = moderate(event, context(off), rules)
    assert decision.actions == ()
    assert decision.fact(CaseDecided) is None
    assert "DeleteMessage" in kinds(moderate(event, context(first), rules))


@dataclass(frozen=True)
class Exploding:
    name: str = "exploding"
    applies_to: tuple[type[Event], ...] = (MessagePosted,)

    def evaluate(self, event: Event, ctx: RuleContext) -> list[Finding]:
        raise RuntimeError("boom")


def test_a_rule_that_raises_does_not_stop_the_others() -> None:
    ctx = context(flood_count=9)
    rules: list[Rule] = [Exploding(), FloodRule(ctx.policy.rules.flood)]
    evaluation = evaluate(message("hi"), ctx, rules)
    assert [e.rule for e in evaluation.errors] == ["exploding"]
    assert "RuntimeError: boom" in evaluation.errors[0].error
    assert [f.rule for f in evaluation.findings] == ["flood"]
    decision = decide(evaluation, ctx, message("hi"))
    assert decision.audit["errors"][0]["rule"] == "exploding"
    assert "Mute" in kinds(decision)


def test_every_applicable_rule_runs_and_findings_merge_by_severity() -> None:
    text = f"傻逼，我的身份证 {VALID_ID}"
    evaluation = evaluate(message(text), context(flood_count=9), build_rules(policy()))
    assert {"flood", "lexicon", "pii"} <= {f.rule for f in evaluation.findings}
    assert evaluation.findings[0].severity == "high"
    decision = decide(evaluation, context(flood_count=9, admins=("ADMIN",)), message(text))
    assert kinds(decision) == ["Mute", "DeleteMessage", "PostCard", "SendDirect"]
    assert only(decision, DeleteMessage).rule == "pii"
    dm = only(decision, SendDirect).text
    assert "刷屏" in dm and "不当用语" in dm and "敏感信息" in dm
    assert _points(decision).added == 1.0  # one message is one violation, at its worst


def test_escalation_three_points_in_thirty_days_mute() -> None:
    ctx = context(points=2.0, points_at=NOW - 3600)
    decision = moderate(message(ABUSE), ctx)
    mute = only(decision, Mute)
    assert (mute.seconds, mute.reason) == (3600, "moderation.escalation.mute")
    assert case(decision).threshold == Threshold(points=3.0, action="mute")
    assert "60 分钟" in only(decision, SendDirect).text


def test_a_longer_ladder_mute_replaces_the_floods_own() -> None:
    decision = moderate(message("hi"), context(flood_count=9, points=2.5, points_at=NOW))
    assert only(decision, Mute).seconds == 3600


def test_escalation_five_points_propose_removal_to_the_admins() -> None:
    decision = moderate(message(ABUSE), context(points=4.2, points_at=NOW, admins=("A1", "U1")))
    cards = [a for a in decision.actions if isinstance(a, PostCard)]
    removal = [c for c in cards if c.card.card_id.startswith("removal:")]
    assert len(removal) == 1
    assert removal[0].users == ("A1",)  # never to the member it is about
    assert [b.action for b in removal[0].card.buttons] == ["confirm_remove", "dismiss"]
    assert "移出" in only(decision, SendDirect).text


def test_policy_admins_of_the_events_platform_and_tenant_receive_the_cards_as_native_ids() -> None:
    group = policy({"admins": ["slack:T1:A9", "wecom:T1:W9", "slack:T2:A7", "A8"]})
    card = only(moderate(message(ABUSE), context(group, admins=("A1",))), PostCard)
    assert card.users == ("A1", "A9")  # a bare id (A8) names nobody


def test_a_one_time_pass_is_used_up_and_nothing_happens() -> None:
    decision = moderate(message("加我微信 zhang_san88"), context(ads_pass=True))
    assert decision.actions == ()
    assert case(decision).consume_pass is True


def test_a_file_without_a_message_id_is_not_claimed_as_removed() -> None:
    event = file_shared("installer.exe", caption="装这个", message_id=None)
    decision = moderate(event, context(rules_override(files={"delete": True})))
    assert "DeleteMessage" not in kinds(decision)
    assert "撤下" not in only(decision, SendDirect).text


def test_a_removed_file_returns_its_name() -> None:
    event = file_shared("installer.exe", caption="装这个")
    decision = moderate(event, context(rules_override(files={"delete": True})))
    assert only(decision, DeleteMessage).text == "装这个\n[installer.exe]"


@pytest.mark.parametrize(
    "event",
    [
        message(ABUSE, direct=True),  # a direct message to the bot is not a group message
        message(ABUSE, chat=""),
        MemberJoined(platform="slack", tenant="T1", event_id="j", occurred_at=NOW, chat="C1", user="U1"),
    ],
)
def test_events_outside_group_messages_are_left_alone(event: Event) -> None:
    decision = moderate(event, context(flood_count=20))
    assert not decision
    assert decision.facts == () and decision.audit == {}


def test_a_clean_message_gives_an_empty_decision() -> None:
    decision = moderate(message("明天下午三点开会"), context())
    assert not decision
    assert decision.facts == () and decision.audit == {}


def test_build_rules_follows_the_modes() -> None:
    assert {r.name for r in build_rules(policy())} == {
        "flood",
        "duplicate",
        "lexicon",
        "ads",
        "pii",
        "files",
        "emoji",
        "length",
        "slowmode",  # R5.3: finds nothing unless the group is in slow mode; `heated` is off by default
    }
    with_topic = rules_override(topic={"mode": "warn", "keywords": ["发布"]}, emoji={"mode": "off"})
    names = {r.name for r in build_rules(with_topic)}
    assert "topic" in names
    assert "emoji" not in names
    assert build_rules(policy({"mode": "off"})) == []


def test_an_off_rule_is_skipped_with_its_reason() -> None:
    ctx = context(rules_override(flood={"mode": "off"}), flood_count=20)
    evaluation = evaluate(message("hi"), ctx, [FloodRule(ctx.policy.rules.flood)])
    assert evaluation.findings == ()
    assert [(s.rule, s.why) for s in evaluation.skipped] == [("flood", "off")]


def test_a_rule_that_raises_is_left_out_of_the_rules_that_ran() -> None:
    ctx = context(flood_count=9)
    flood = FloodRule(ctx.policy.rules.flood)
    evaluation = evaluate(message("hi"), ctx, [flood, Exploding()])
    assert evaluation.ran == ("flood",)
    assert [e.rule for e in evaluation.errors] == ["exploding"]


def test_a_clean_message_gets_the_same_evaluation_as_each_rule_in_turn() -> None:
    """The engine's fast path (nobody exempt, nothing found) records what running each rule in turn
    records: every rule that applies ran, those that are off were skipped, nothing found."""
    off = rules_override(emoji={"mode": "off"})
    rules = build_rules(policy())  # built with emoji on, read with the policy that turns it off
    evaluation = evaluate(message("大家好"), context(off), rules)
    expected = tuple(rule.name for rule in rules if rule.name != "emoji")
    assert (evaluation.findings, evaluation.errors, evaluation.ran) == ((), (), expected)
    assert [(s.rule, s.why) for s in evaluation.skipped] == [("emoji", "off")]
    exempt = evaluate(message("大家好"), context(off, role="admin"), rules)
    assert exempt.ran == ()
    assert [s.why for s in exempt.skipped] == [
        "off" if r.name == "emoji" else "exempt:role:admin" for r in rules
    ]


def test_a_rule_set_changed_in_place_is_planned_again() -> None:
    ctx = context(flood_count=9)
    rules: list[Rule] = [FloodRule(ctx.policy.rules.flood)]
    assert [f.rule for f in evaluate(message("hi"), ctx, rules).findings] == ["flood"]
    rules.append(Exploding())
    assert [e.rule for e in evaluate(message("hi"), ctx, rules).errors] == ["exploding"]
    rules[:] = [Exploding()]
    evaluation = evaluate(message("hi"), ctx, rules)
    assert (evaluation.findings, evaluation.ran) == ((), ())


def test_a_file_event_runs_only_the_rules_for_files() -> None:
    rules = build_rules(policy())
    evaluation = evaluate(file_shared("plan.exe"), context(), rules)
    assert set(evaluation.ran) == {r.name for r in rules if FileShared in r.applies_to}
    assert "files" in {f.rule for f in evaluation.findings}


def test_a_clean_message_gets_the_one_empty_decision() -> None:
    """Nothing found and no rule failed: the empty decision `decide` would give, shared (it is frozen and
    its audit cannot be written to)."""
    ctx = context()
    rules = build_rules(ctx.policy)
    first, second = moderate(message("大家好"), ctx, rules), moderate(message("明天见"), ctx, rules)
    assert first == Decision() == decide(evaluate(message("大家好"), ctx, rules), ctx, message("大家好"))
    assert first is second
    assert not first and not first.audit and first.facts == ()
    with pytest.raises(TypeError):
        first.audit["x"] = 1  # type: ignore[index]
    assert Decision.merge(first, second) == Decision()
