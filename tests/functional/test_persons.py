"""One person across every group and messenger (issue 20), through signed requests into the real routes
and the recording fakes: identities linked by the directories' work e-mail or mobile on all three
platforms; a person banned org-wide in a Slack channel refused at their next join of a WeCom or DingTalk
group of the same company (removed where the platform allows, the admins carded elsewhere); a sanction
appealed to a second admin and reversed, or lifted, no longer refuses (its expiry:
tests/persons/test_gate.py); who may ban org-wide is the
policy's owners; a tag-wide ban refuses only the groups of that tag; a watched person's join cards the
admins on every platform, and the first admin's removal is carried out once (an escalation card where
the platform cannot remove).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import yaml

from chalicelib.clock import FrozenClock
from chalicelib.core.policy import default_policy_text
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.membership.repository import MembershipRepo
from chalicelib.persons.repository import PersonRepo
from chalicelib.store import keys
from chalicelib.store.records import GroupRecord
from local.fakes.server import FakeMessengers
from tests.functional.membership_talk import TALKS, Talk
from tests.functional.test_membership import CASTS, PLATFORMS, gid, send, uid
from tests.support.stack import Stack, running_stack

SLACK, WECOM, DINGTALK = TALKS["slack"], TALKS["wecom"], TALKS["dingtalk"]
OWNER = "U0OWNER"
MALLORY = {"slack": "U0MALLORY", "wecom": "mallory", "dingtalk": "mallory"}
DAY = 86400


@contextmanager
def company(fake: FakeMessengers, **policy: object) -> Iterator[tuple[Stack, FrozenClock]]:
    """One company on three messengers: each platform's admin named, the Slack user U0OWNER the org's
    owner, every cast group registered, and Mallory's work e-mail the same in every directory."""
    clock = FrozenClock(time.time())
    with running_stack(
        fake, clock=clock, qg_person_key="person-key-for-tests", dingtalk_card_template_id="tpl-persons"
    ) as stack:
        admins = [uid(TALKS[name], CASTS[name].admin) for name in TALKS]
        document = {
            **yaml.safe_load(default_policy_text()),
            "admins": admins,
            "locale": "en",
            "workflows": {"revisions": {"owners": [uid(SLACK, OWNER)]}},
            **policy,
        }
        PolicyRepo(stack.store).apply(
            keys.ORG_SCOPE, yaml.safe_dump(document, allow_unicode=True), author="ops", now=0
        )
        for name, talk in TALKS.items():
            cast = CASTS[name]
            for chat, app_created in ((cast.group, True), (cast.other, name == "slack")):
                stack.store.put_group(
                    GroupRecord(
                        gid=gid(talk, chat),
                        platform=name,
                        tenant=talk.tenant,
                        chat=chat,
                        name=f"Sync {chat}",
                        app_created=app_created,
                    )
                )
        fake.contacts.update(
            {
                "slack:U0MALLORY": {"email": "Mallory@Corp.example"},
                "wecom:mallory": {"email": "mallory@corp.example", "mobile": "13800000001"},
                "dingtalk:mallory": {"email": "mallory@corp.example", "mobile": "+86 138 0000 0001"},
            }
        )
        yield stack, clock


def slack_says(stack: Stack, user: str, text: str, hook: str = "cmd") -> None:
    send(stack, SLACK.command(CASTS["slack"].group, user, text, stack.fake.hook_url(hook)))


def replies(fake: FakeMessengers, hook: str) -> list[str]:
    return [str(call.body.get("text", "")) for call in fake.sent(f"/hooks/{hook}")]


def ban_org_wide(stack: Stack, *extra: str) -> None:
    slack_says(stack, OWNER, " ".join(("ban <@U0MALLORY> --scope org", *extra, "leaked ID-card numbers")))


def person_of(stack: Stack, talk: Talk) -> str:
    pointer = PersonRepo(stack.store).pointer(uid(talk, MALLORY[talk.platform]))
    assert pointer is not None
    return pointer.pid


# --- linking ----------------------------------------------------------------------------------------


def test_identities_are_linked_by_the_directory_on_all_three_platforms(fake: FakeMessengers) -> None:
    with company(fake) as (stack, _):
        fake.contacts["dingtalk:mallory"] = {"mobile": "+86 138 0000 0001"}  # only the mobile to go by
        for name in ("slack", "wecom", "dingtalk"):
            send(stack, TALKS[name].join(CASTS[name].joins, MALLORY[name]))

        pids = {person_of(stack, talk) for talk in (SLACK, WECOM, DINGTALK)}
        assert len(pids) == 1  # Slack and WeCom share the e-mail; WeCom and DingTalk the mobile
        person = PersonRepo(stack.store).person(pids.pop())
        assert person is not None
        assert set(person.identities) == {
            uid(talk, MALLORY[talk.platform]) for talk in (SLACK, WECOM, DINGTALK)
        }
        stored = repr([item for item in stack.store.query_items(keys.person_pk(person.pid))])
        assert "corp.example" not in stored.lower() and "13800000001" not in stored  # hashes only


def test_members_with_different_contacts_stay_different_people(fake: FakeMessengers) -> None:
    with company(fake) as (stack, _):
        send(stack, SLACK.join(CASTS["slack"].joins, "U0MALLORY"))
        send(stack, WECOM.join(CASTS["wecom"].joins, "zhaoliu"))

        repo = PersonRepo(stack.store)
        assert repo.pointer(uid(WECOM, "zhaoliu")) is None  # no contact in the directory: not linked
        assert repo.pointer(uid(SLACK, "U0MALLORY")) is not None


def test_an_admin_links_an_identity_the_directory_cannot_prove(fake: FakeMessengers) -> None:
    with company(fake) as (stack, _):
        other = uid(WECOM, "zhaoliu")
        slack_says(stack, CASTS["slack"].admin, f"person link <@U0DAVE> {other}", hook="link")

        assert any("one person" in text for text in replies(fake, "link"))
        repo = PersonRepo(stack.store)
        dave, linked = repo.pointer(uid(SLACK, "U0DAVE")), repo.pointer(other)
        assert dave is not None and linked is not None and dave.pid == linked.pid
        audit = stack.store.list_audit(gid(SLACK, CASTS["slack"].group))
        assert any("person_link" in str(record.detail) for record in audit)


# --- org-wide bans at every join gate ---------------------------------------------------------------


def test_a_person_banned_org_wide_in_slack_is_refused_when_joining_a_wecom_group(
    fake: FakeMessengers,
) -> None:
    with company(fake) as (stack, _):
        ban_org_wide(stack, "--for 30d")
        assert SLACK.removals(fake) == [(CASTS["slack"].group, "U0MALLORY")]
        told = SLACK.direct_texts(fake, "U0MALLORY")
        assert any("leaked ID-card numbers" in text and "/qg appeal" in text for text in told)
        fake.clear()

        send(stack, WECOM.join(CASTS["wecom"].joins, "mallory"))  # a customer group: no app may remove

        assert not WECOM.removals(fake)
        (card,) = [c for c in WECOM.cards(fake) if c.to == CASTS["wecom"].admin]
        assert "Banned from every group of the organisation" in card.text
        joined = gid(WECOM, CASTS["wecom"].joins)
        assert MembershipRepo(stack.store).request(joined, uid(WECOM, "mallory")) is None  # no join gate card
        assert stack.store.get_member(joined, uid(WECOM, "mallory")) is None  # not admitted


def test_a_person_banned_org_wide_is_removed_from_a_dingtalk_scene_group_they_join(
    fake: FakeMessengers,
) -> None:
    with company(fake) as (stack, _):
        ban_org_wide(stack)
        fake.clear()

        send(stack, DINGTALK.join(CASTS["dingtalk"].joins, "mallory"))

        assert DINGTALK.removals(fake) == [(CASTS["dingtalk"].joins, "mallory")]
        assert any("banned" in text for text in DINGTALK.direct_texts(fake, "mallory"))


def test_a_group_admin_may_not_ban_org_wide_and_the_refusal_is_audited(fake: FakeMessengers) -> None:
    with company(fake) as (stack, _):
        slack_says(stack, CASTS["slack"].admin, "ban <@U0MALLORY> --scope org spam", hook="refused")

        assert not SLACK.removals(fake)
        assert replies(fake, "refused")
        audit = stack.store.list_audit(gid(SLACK, CASTS["slack"].group))
        assert any("--scope org" in str(record.detail.get("refused", "")) for record in audit)


def test_a_tag_wide_ban_refuses_only_the_groups_of_that_tag(fake: FakeMessengers) -> None:
    with company(fake) as (stack, _):
        apollo = gid(DINGTALK, CASTS["dingtalk"].joins)
        PolicyRepo(stack.store).apply(
            keys.group_policy_scope(apollo), "tags: [project:apollo]\n", author="ops", now=1
        )
        slack_says(stack, OWNER, "ban <@U0MALLORY> --scope tag:project:apollo off-topic leaks")
        assert not SLACK.removals(fake)  # the Slack channel is not tagged
        fake.clear()

        send(stack, DINGTALK.join(CASTS["dingtalk"].joins, "mallory"))
        send(stack, WECOM.join(CASTS["wecom"].joins, "mallory"))

        assert DINGTALK.removals(fake) == [(CASTS["dingtalk"].joins, "mallory")]
        assert not [c for c in WECOM.cards(fake) if "Banned" in c.text]


# --- watched members ---------------------------------------------------------------------------------


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_watched_persons_join_cards_the_admins_and_the_first_removal_is_carried_out_once(
    fake: FakeMessengers, platform: str
) -> None:
    talk, cast, mallory = TALKS[platform], CASTS[platform], MALLORY[platform]
    with company(fake) as (stack, _):
        slack_says(stack, OWNER, "watch <@U0MALLORY> --scope org --for 30d posted an ID card")
        fake.clear()

        send(stack, talk.join(cast.joins, mallory))

        assert not talk.removals(fake)  # a watch lets them in
        (card,) = [c for c in talk.cards(fake) if c.to == cast.admin and c.buttons]
        assert [action for action, _ in card.buttons] == ["watch.stay", "watch.remove", "watch.history"]
        assert "posted an ID card" in card.text
        fake.clear()

        send(stack, talk.click(card, "watch.remove", cast.admin, fake.hook_url("remove")))
        send(stack, talk.click(card, "watch.stay", cast.admin, fake.hook_url("again")))

        if platform == "wecom":  # a customer group: WeCom lets no app remove anyone there
            assert not talk.removals(fake)
            (escalation,) = [c for c in talk.cards(fake) if c.to == cast.admin]
            assert [action for action, _ in escalation.buttons] == ["escalation.done"]
        else:
            assert talk.removals(fake) == [(cast.joins, mallory)]
        joined = stack.store.get_item(
            keys.group_pk(gid(talk, cast.joins)), keys.watched_join_sk(uid(talk, mallory))
        )
        assert joined is not None and joined.data["state"] == "remove"


# --- appeal and expiry ------------------------------------------------------------------------------


def test_an_appeal_reversed_by_a_second_admin_lifts_the_org_wide_ban(fake: FakeMessengers) -> None:
    with company(fake) as (stack, _):
        ban_org_wide(stack)
        (sanction,) = PersonRepo(stack.store).sanctions(person_of(stack, SLACK))
        fake.clear()

        slack_says(stack, "U0MALLORY", f"appeal {sanction.case_ref} it was a test number", hook="appeal")
        (card,) = [c for c in SLACK.cards(fake) if c.to == CASTS["slack"].admin]
        send(stack, SLACK.click(card, "appeal.reverse", CASTS["slack"].admin, fake.hook_url("reverse")))

        lifted = PersonRepo(stack.store).sanction(sanction.pid, sanction.sid)
        assert lifted is not None and lifted.lifted_why == "appeal" and lifted.lifted_at is not None
        audit = stack.store.list_audit(gid(SLACK, CASTS["slack"].group))
        assert any("sanction_lifted" in str(record.detail) for record in audit)
        assert any("sanction" in str(record.detail.get("audit", "")) for record in audit)
        fake.clear()

        send(stack, DINGTALK.join(CASTS["dingtalk"].joins, "mallory"))
        assert not DINGTALK.removals(fake)


def test_unban_with_the_same_scope_lets_the_person_in_again(fake: FakeMessengers) -> None:
    with company(fake) as (stack, _):
        ban_org_wide(stack)
        slack_says(stack, OWNER, "unban <@U0MALLORY> --scope org", hook="unban")
        assert any("Lifted 1" in text for text in replies(fake, "unban"))
        assert any("has been lifted" in text for text in SLACK.direct_texts(fake, "U0MALLORY"))
        fake.clear()

        send(stack, DINGTALK.join(CASTS["dingtalk"].joins, "mallory"))

        assert not DINGTALK.removals(fake)
