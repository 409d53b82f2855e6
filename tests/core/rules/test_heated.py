"""R5.3 heated exchange and slow mode, decided purely: the heat of a message, the exchange that crosses the
line (and the near misses that do not), and the rate while the group is in slow mode."""

from __future__ import annotations

import pytest

from chalicelib.core.engine import moderate
from chalicelib.core.facts import CaseDecided
from chalicelib.core.heat import Exchange, addressee, message_heat, shouting
from chalicelib.core.rules.heated import HeatedRule
from chalicelib.core.rules.slowmode import SlowModeRule
from tests.core.factories import NOW, context, message, rules_override

HEATED = rules_override(heated={"mode": "enforce"})
RULE = HeatedRule(HEATED.rules.heated)
SLOW = SlowModeRule(HEATED.rules.slowmode)


@pytest.mark.parametrize(
    ("text", "abuse", "partner_mentions", "heat"),
    [
        ("明天下午三点开会", 0, 0, 0),
        ("ok", 0, 0, 0),
        ("你到底懂不懂啊！！", 0, 0, 1),  # a burst of exclamation marks
        ("Really?!", 0, 0, 1),
        ("STOP TALKING NONSENSE", 0, 0, 1),  # shouting
        ("傻逼", 1, 0, 2),  # an abusive word counts twice
        ("傻逼 傻逼 傻逼", 3, 0, 4),  # ...up to four
        ("<@U2> <@U2> answer me", 0, 2, 1),  # the same person @-mentioned again and again
        ("你才傻逼！！ SHUT UP NOW", 1, 1, 4),
    ],
)
def test_the_heat_of_a_message(text: str, abuse: int, partner_mentions: int, heat: int) -> None:
    assert message_heat(text, abuse_hits=abuse, partner_mentions=partner_mentions) == heat


@pytest.mark.parametrize(
    ("text", "shouts"),
    [
        ("STOP IT NOW", True),
        ("THIS IS NOT WHAT WE AGREED", True),
        ("Please check the API and the SDK docs", False),  # acronyms in a calm sentence
        ("OK OK", False),  # too short to be shouting
        ("你好 HELLO", False),
    ],
)
def test_shouting_is_mostly_capitals_in_several_words(text: str, shouts: bool) -> None:
    assert shouting(text) is shouts


@pytest.mark.parametrize(
    ("mentions", "previous", "expected"),
    [
        (("U2",), "U3", "U2"),  # an @-mention names the addressee
        ((), "U2", "U2"),  # else whoever spoke just before
        (("U1",), "U2", "U2"),  # mentioning oneself addresses nobody
        ((), "U1", None),  # talking on after oneself
        ((), None, None),
    ],
)
def test_the_addressee_of_a_message(
    mentions: tuple[str, ...], previous: str | None, expected: str | None
) -> None:
    assert addressee("U1", mentions, previous) == expected


def exchange(a: int, b: int, heat: int, *, heat_now: int = 1, poster: str = "U1") -> Exchange:
    return Exchange(("U1", "U2"), (a, b), heat, heat_now, poster, 120)


@pytest.mark.parametrize(
    ("current", "found"),
    [
        (exchange(3, 3, 4), True),  # 6 messages, both sides, heat 4: the line is crossed now
        (exchange(4, 4, 5, heat_now=2), True),  # a long exchange that this message makes heated
        (exchange(3, 3, 3), False),  # near miss: a calm-ish exchange
        (exchange(3, 2, 5), False),  # near miss: five messages
        (exchange(5, 1, 8), False),  # near miss: one side hardly speaks (a monologue, not an exchange)
        (exchange(4, 4, 6, heat_now=0), False),  # already over the line before this message: found once
    ],
)
def test_a_heated_exchange_is_found_once_when_it_crosses_the_line(current: Exchange, found: bool) -> None:
    findings = RULE.evaluate(message("继续吵", user="U1"), context(HEATED, exchange=current))
    assert bool(findings) is found
    if found:
        (finding,) = findings
        assert finding.rule == "heated" and finding.points == 0
        assert finding.evidence["members"] == ["U1", "U2"] and finding.evidence["partner"] == "U2"


def test_nothing_is_found_while_the_group_is_already_in_slow_mode() -> None:
    calming = context(HEATED, exchange=exchange(3, 3, 4), slow_mode_until=NOW + 300, slow_mode_seconds=60)
    assert RULE.evaluate(message("继续吵"), calming) == []


def test_without_an_exchange_there_is_nothing_to_find() -> None:
    assert RULE.evaluate(message("你好"), context(HEATED)) == []


def test_the_rule_is_off_by_default_and_a_shadow_finding_only_records() -> None:
    off = moderate(message("继续吵"), context(exchange=exchange(3, 3, 4)))
    assert off.facts == () and off.audit == {}
    shadow = rules_override(heated={"mode": "shadow"})
    decision = moderate(message("继续吵"), context(shadow, exchange=exchange(3, 3, 4)))
    assert not decision and decision.shadow
    case = decision.fact(CaseDecided)
    assert case is not None and case.rules == ("heated",)


def test_an_enforced_heated_finding_explains_privately_and_costs_no_points() -> None:
    decision = moderate(message("继续吵"), context(HEATED, exchange=exchange(3, 3, 4)))
    assert [type(a).__name__ for a in decision.actions] == ["SendDirect"]
    case = decision.fact(CaseDecided)
    assert case is not None and case.points is None


@pytest.mark.parametrize(
    ("since_last", "until", "over"),
    [
        (10.0, NOW + 300, True),  # ten seconds after the last one, in slow mode
        (59.0, NOW + 300, True),
        (60.0, NOW + 300, False),  # a minute later: within the rate
        (10.0, None, False),  # no slow mode
        (10.0, NOW - 1, False),  # slow mode already over
    ],
)
def test_slow_mode_holds_each_member_to_its_rate(since_last: float, until: float | None, over: bool) -> None:
    ctx = context(HEATED, last_message_at=NOW - since_last, slow_mode_until=until, slow_mode_seconds=60)
    findings = SLOW.evaluate(message("再说一句"), ctx)
    assert bool(findings) is over
    if over:
        assert findings[0].delete and findings[0].params["wait"] == int(60 - since_last)


def test_a_first_message_in_slow_mode_is_within_the_rate() -> None:
    assert SLOW.evaluate(message("hi"), context(HEATED, slow_mode_until=NOW + 60, slow_mode_seconds=60)) == []


def test_a_message_over_the_rate_is_removed_and_explained_and_admins_are_exempt() -> None:
    ctx = context(HEATED, last_message_at=NOW - 5, slow_mode_until=NOW + 300, slow_mode_seconds=60)
    decision = moderate(message("再说一句"), ctx)
    assert [type(a).__name__ for a in decision.actions] == ["DeleteMessage", "SendDirect"]
    admin = context(
        HEATED, role="admin", last_message_at=NOW - 5, slow_mode_until=NOW + 300, slow_mode_seconds=60
    )
    assert not moderate(message("再说一句"), admin)
