"""The admin card of a violation (issue 16, items 1 and 3): it names the group, the member and the time
of the message in the group's time zone, links the message where the platform gives a link, and goes to
whoever the group's admins are; with nobody to tell there is no card, and the decision says so."""

from __future__ import annotations

from chalicelib.core.actions import PostCard
from chalicelib.core.engine import moderate
from chalicelib.core.facts import AdminsTold, CaseDecided
from tests.core.factories import context, message, policy

ABUSE = "你真是个傻 逼"


def card_of(decision: object) -> PostCard:
    [card] = [a for a in getattr(decision, "actions", ()) if isinstance(a, PostCard)]
    return card


def test_the_card_names_the_member_and_the_group_never_their_ids() -> None:
    ctx = context(admins=("UADMIN",), group_name="#design-review", member_name="Bob Li")
    post = card_of(moderate(message(ABUSE, user="U0BOB"), ctx))
    fields = dict(post.card.fields)
    assert fields["成员"] == "Bob Li"
    assert fields["群"] == "#design-review"
    assert "Bob Li" in post.card.body and "#design-review" in post.card.body
    assert "U0BOB" not in post.card.body and "本群" not in post.card.body


def test_the_card_gives_the_time_in_the_group_time_zone_labelled() -> None:
    ctx = context(policy({"jobs": {"utc_offset_hours": 8}}), admins=("UADMIN",))
    fields = dict(card_of(moderate(message(ABUSE), ctx)).card.fields)
    assert fields["时间"] == "2025-06-15 23:06 (UTC+8)"  # NOW is 15:06:40 UTC


def test_the_card_links_the_message_where_the_platform_gives_a_link() -> None:
    link = "https://acme.slack.com/archives/C1/p1750000000000100"
    with_link = card_of(moderate(message(ABUSE), context(admins=("A",), message_link=link)))
    assert dict(with_link.card.fields)["原消息"] == link
    without = card_of(moderate(message(ABUSE, platform="wecom"), context(admins=("A",))))
    assert "原消息" not in dict(without.card.fields)


def test_a_card_is_never_sent_to_no_one_and_the_decision_says_nobody_was_told() -> None:
    decision = moderate(message(ABUSE), context(admins=(), admins_source="nobody"))
    assert not any(isinstance(a, PostCard) for a in decision.actions)
    case = decision.fact(CaseDecided)
    assert case is not None and case.admins_told == AdminsTold(to=(), why="nobody")


def test_the_decision_records_that_the_org_admins_were_told_for_a_group_without_its_own() -> None:
    decision = moderate(message(ABUSE), context(admins=("ORGADMIN",), admins_source="org"))
    assert card_of(decision).users == ("ORGADMIN",)
    case = decision.fact(CaseDecided)
    assert case is not None and case.admins_told == AdminsTold(to=("ORGADMIN",), why="org")


def dm_of(decision: object) -> str:
    from chalicelib.core.actions import SendDirect

    [dm] = [a for a in getattr(decision, "actions", ()) if isinstance(a, SendDirect)]
    return str(dm.text)


def test_a_confidentiality_marker_is_headed_as_such_not_as_bad_language() -> None:
    post = card_of(moderate(message("这份是机密文件，别外传"), context(admins=("A",))))
    assert post.card.title == "违规处理：保密信息"
    assert "不当用语" not in post.card.title


def test_a_custom_lexicon_category_shows_its_label_not_its_key() -> None:
    labelled = policy(
        {
            "rules": {
                "lexicon": {"extra_terms": {"competitor": ["友商甲"]}, "labels": {"competitor": "竞品信息"}}
            }
        }
    )
    decision = moderate(message("大家去用友商甲吧"), context(labelled, admins=("A",)))
    assert "竞品信息" in card_of(decision).card.title
    assert "竞品信息" in dm_of(decision) and "competitor" not in dm_of(decision)


def test_a_file_name_nudge_is_a_reminder_with_nothing_to_appeal() -> None:
    from tests.core.factories import file_shared

    named = policy({"rules": {"files": {"name_pattern": r"^[^-]+-[^-]+-v\d+\.\w+$"}}})
    decision = moderate(file_shared("notes.pdf", caption="会议纪要"), context(named, admins=("A",)))
    text = dm_of(decision)
    assert text.startswith("提醒") and "appeal" not in text and "申诉" not in text
    assert not any(isinstance(a, PostCard) for a in decision.actions)  # and no admin card


def test_a_refused_file_type_names_a_few_allowed_types_not_all_of_them() -> None:
    from tests.core.factories import file_shared

    text = dm_of(moderate(file_shared("setup.exe", caption="安装包"), context(admins=("A",))))
    allowed = text.split("允许：", 1)[1].split("）", 1)[0]
    assert allowed.endswith("…") and allowed.count(",") == 8
