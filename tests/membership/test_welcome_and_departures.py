"""R2.7 (welcome), R2.5 and R2.8 (departures and transfers): what the group, the member and the admins
see, and that the group never reads why someone left."""

from __future__ import annotations

from chalicelib.core.actions import PostCard, PostText, Remove, SendDirect
from chalicelib.membership import departures, welcome
from chalicelib.membership.settings import DepartureSettings, WelcomeSettings
from tests.membership.factories import NOW, group, person


def test_a_newcomer_is_welcomed_in_the_group_and_gets_the_rules_to_acknowledge_privately() -> None:
    posted, card = welcome.welcome_actions(person(), group(), WelcomeSettings(), at=NOW)
    assert isinstance(posted, PostText) and posted.chat == "C1" and "张三" in posted.text
    assert isinstance(card, PostCard) and card.users == ("U1",)
    (button,) = card.card.buttons
    assert (button.action, button.value) == ("welcome.ack", "U1")


def test_where_the_bot_cannot_post_in_the_group_the_welcome_is_private() -> None:
    (card,) = welcome.welcome_actions(person(), group(can_post=False), WelcomeSettings(), at=NOW)
    assert isinstance(card, PostCard) and card.users == ("U1",)
    (text,) = welcome.welcome_actions(
        person(), group(can_post=False), WelcomeSettings(acknowledge=False), at=NOW
    )
    assert isinstance(text, SendDirect)


def test_a_group_can_write_its_own_rules_summary() -> None:
    custom = WelcomeSettings(rules_summary="Agenda first. Minutes by Friday.")
    posted, _ = welcome.welcome_actions(person(), group(), custom, at=NOW)
    assert isinstance(posted, PostText) and "Minutes by Friday" in posted.text


def test_a_leaver_is_removed_and_the_group_reads_a_neutral_notice() -> None:
    remove, notice = departures.departure_actions(person(), group(), DepartureSettings())
    assert isinstance(remove, Remove) and remove.user == "U1"
    assert isinstance(notice, PostText) and notice.text == "Member change: 张三 is no longer in this group."
    assert "organisation" not in notice.text and "left" not in notice.text


def test_where_a_leaver_cannot_be_removed_the_admins_are_asked_and_the_group_told_nothing() -> None:
    (card,) = departures.departure_actions(person(), group(can_remove=False), DepartureSettings())
    assert isinstance(card, PostCard) and card.users == ("UADMIN",)
    assert "left the organisation" in card.card.body


def test_a_transfer_opens_a_review_card_with_keep_and_remove() -> None:
    card = departures.transfer_card(person(), group(), ("42",), "abcdef123456U1", at=NOW)
    assert [b.action for b in card.buttons] == ["transfer.keep", "transfer.remove"]
    assert "42" in card.body
