"""Every admin's copy of a watched member's join card shows the first admin's decision, through signed
requests into the real routes and the recording fakes, on all three platforms: the other admin's copy is
updated in place once (Slack `chat.update`, WeCom `message/update_template_card` with that copy's own
response_code, DingTalk `PUT /v1.0/card/instances` by its outTrackId), naming the decider and the member
as the directories name them, the time in the group's time zone; on WeCom, a copy whose response_code was
used already is refused (42022) and its admin is told by message instead, recorded as a substitution.
"""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from chalicelib.core.cards import Card
from chalicelib.kernel.people import names_of_ids
from chalicelib.store import keys
from local.fakes.server import Call, FakeMessengers
from tests.functional.membership_talk import TALKS, SentCard, Talk
from tests.functional.test_membership import CASTS, PLATFORMS, gid, send, uid
from tests.functional.test_persons import MALLORY, OWNER, company, slack_says
from tests.support.stack import Stack

SECOND = {"slack": "U0ADMIN2", "wecom": "wecomadmin2", "dingtalk": "dingadmin2"}


def admins() -> list[str]:
    return [uid(TALKS[name], user) for name in PLATFORMS for user in (CASTS[name].admin, SECOND[name])]


def named(stack: Stack, talk: Talk, user: str) -> str:
    return names_of_ids([uid(talk, user)], stack.deps)[uid(talk, user)]


def copies(stack: Stack, talk: Talk) -> dict[str, str]:
    """Each admin's copy of the watch card, as kept with the join: whose -> token."""
    join = stack.store.get_item(
        keys.group_pk(gid(talk, CASTS[talk.platform].joins)),
        keys.watched_join_sk(uid(talk, MALLORY[talk.platform])),
    )
    assert join is not None
    return dict(zip(join.data["owners"], join.data["cards"], strict=True))


def member_on(card: SentCard) -> str:
    """Whom the watch card is about, as it names them (the directory's shown name)."""
    found = re.search(r"A watched member joined: ([^\"\\]+)", card.text)
    assert found is not None, card.text
    return found.group(1)


def as_clicked(card: SentCard, talk: Talk, token: str) -> SentCard:
    """The card as its click names it: Slack by the message's ts (of the token "channel:ts")."""
    return dataclasses.replace(card, card_id=token.rpartition(":")[2]) if talk.platform == "slack" else card


def updates_of(fake: FakeMessengers, talk: Talk) -> list[Call]:
    """The in-place updates of copies other than the one clicked (a Slack click's own answer goes to its
    response_url)."""
    if talk.platform == "slack":
        return fake.sent("/slack/api/chat.update")
    return talk.card_updates(fake)


def updates_copy(update: Call, talk: Talk, token: str) -> bool:
    """Whether `update` is of the copy `token` (a `Sent.token`) names."""
    if talk.platform == "wecom":
        return bool(update.body["response_code"] == token.partition("|")[2])
    if talk.platform == "dingtalk":
        return bool(update.body["outTrackId"] == token)
    return bool([update.body["channel"], update.body["ts"]] == token.split(":"))


def watched_join(stack: Stack, fake: FakeMessengers, talk: Talk) -> dict[str, SentCard]:
    cast = CASTS[talk.platform]
    slack_says(stack, OWNER, "watch <@U0MALLORY> --scope org --for 30d posted an ID card")
    fake.clear()
    send(stack, talk.join(cast.joins, MALLORY[talk.platform]))
    sent = [card for card in talk.cards(fake) if "watch.stay" in dict(card.buttons)]
    cards = {card.to: card for card in sent}
    assert len(cards) == len(sent) and {cast.admin, SECOND[talk.platform]} <= set(cards)  # one copy each
    return cards


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_first_decision_shows_on_the_other_admins_copy_by_name_and_in_the_groups_time(
    fake: FakeMessengers, platform: str
) -> None:
    talk, cast, second = TALKS[platform], CASTS[platform], SECOND[platform]
    with company(fake, admins=admins()) as (stack, _):
        cards = watched_join(stack, fake, talk)
        kept = copies(stack, talk)
        fake.clear()

        mine = as_clicked(cards[cast.admin], talk, kept[cast.admin])
        send(stack, talk.click(mine, "watch.stay", cast.admin, fake.hook_url("stay")))
        send(stack, talk.click(mine, "watch.stay", cast.admin, fake.hook_url("stay")))  # pressed twice

        found = updates_of(fake, talk)
        per_copy = {who: [u for u in found if updates_copy(u, talk, token)] for who, token in kept.items()}
        assert all(len(calls) == 1 for who, calls in per_copy.items() if who != cast.admin)  # once each
        assert len(per_copy[cast.admin]) <= 1  # the copy clicked: the click's own answer (DingTalk: in place)
        (update,) = per_copy[second]
        shown = json.dumps(update.body, ensure_ascii=False).replace(kept[second], "")  # what it shows
        by, member = named(stack, talk, cast.admin), member_on(cards[second])
        assert f"{by} let {member} stay (" in shown and "(UTC+8))" in shown
        assert "watch.stay" not in shown  # its buttons gone
        if platform != "wecom":  # WeCom's directory gives apps no names: its ids are all it can show
            assert cast.admin not in shown.replace(by, "")  # names, never ids
            assert MALLORY[platform] not in shown.replace(member, "")


def test_a_wecom_copy_whose_response_code_was_used_is_told_to_its_admin_and_recorded(
    fake: FakeMessengers,
) -> None:
    talk, cast, second = TALKS["wecom"], CASTS["wecom"], SECOND["wecom"]
    with company(fake, admins=admins()) as (stack, _):
        cards = watched_join(stack, fake, talk)
        kept = copies(stack, talk)
        spent = Card(card_id="watch-spent", title="", body="", footer="-")
        stack.deps.messenger("wecom").update_card(
            talk.tenant, kept[second], spent, response_token=kept[second]
        )
        fake.clear()

        send(stack, talk.click(cards[cast.admin], "watch.remove", cast.admin, fake.hook_url("remove")))

        refused = [u for u in talk.card_updates(fake) if updates_copy(u, talk, kept[second])]
        assert len(refused) == 1  # tried once, and refused
        (told,) = [text for text in talk.direct_texts(fake, second) if "removed" in text]
        assert f"{named(stack, talk, cast.admin)} removed {member_on(cards[second])} (" in told
        audit = stack.store.list_audit(gid(talk, cast.joins))
        (record,) = [r for r in audit if "UpdateCard:persons.watch.remove" in r.actions]
        results = [r for r in record.detail["results"] if r["action"] == "UpdateCard"]
        assert sorted(r["status"] for r in results) == ["done", "substituted"]
        assert any(second in r["detail"] and "42022" in r["detail"] for r in results)
