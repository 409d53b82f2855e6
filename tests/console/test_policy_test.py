"""The policy editor's `policy test` preview: the draft as typed, run on typed and kept messages through
the rule engine and its decision, showing which rule fires and what the bot would do, and doing nothing;
for whoever may read the group, by a CSRF-checked POST."""

from __future__ import annotations

import pytest
import yaml

from chalicelib.core.policy import default_policy_text
from tests.console.work import kept_message
from tests.console.world import ADA, AUDREY, BEN, BOSS, CA, MIA, ConsoleWorld, gid, uid

AD = "Cheap watches, buy now at http://cheap-deals.example/offer"


def preview(world: ConsoleWorld, user: str, **form: str) -> tuple[int, str]:
    fields = {"group": gid(CA), "patch": "", "samples": AD, "csrf": world.csrf(user), **form}
    response = world.post("/console/policy/test", user, fields)
    return response.status_code, response.body.decode()


def keep_texts(world: ConsoleWorld) -> None:
    retention = {**yaml.safe_load(default_policy_text())["retention"], "messages": 14}
    world.org(workflows={"revisions": {"owners": [uid(BOSS)]}}, auditors=[uid(AUDREY)], retention=retention)


@pytest.mark.parametrize(("user", "status"), [(BOSS, 200), (ADA, 200), (AUDREY, 200), (BEN, 403), (MIA, 403)])
def test_whoever_may_read_the_group_may_preview_a_draft_there(
    world: ConsoleWorld, user: str, status: int
) -> None:
    assert preview(world, user)[0] == status


def test_a_preview_without_its_csrf_token_is_refused(world: ConsoleWorld) -> None:
    response = world.post("/console/policy/test", ADA, {"group": gid(CA), "samples": AD})
    assert response.status_code == 400


def test_the_policy_in_force_shows_the_rule_that_fires_and_what_the_bot_would_do(world: ConsoleWorld) -> None:
    status, body = preview(world, ADA)
    assert status == 200 and 'id="trial"' in body and "<html" not in body
    assert "广告" in body or "ads" in body.lower()
    assert "执行" in body  # enforce
    assert "撤回该消息" in body and "私信告知成员" in body
    assert world.messengers["slack"].calls == []


def test_a_draft_that_shadows_the_rule_records_and_does_nothing(world: ConsoleWorld) -> None:
    _, body = preview(world, ADA, patch="rules.ads.mode=shadow")
    assert "影子" in body and "撤回该消息" in body  # what shadow mode would have done, recorded only
    assert "与现行策略不同" in body


def test_a_draft_that_turns_the_rule_off_changes_the_decision(world: ConsoleWorld) -> None:
    _, body = preview(world, ADA, patch="rules.ads.mode=off")
    assert "不做任何处理" in body and "与现行策略不同" in body


def test_a_draft_that_does_not_validate_shows_its_problem(world: ConsoleWorld) -> None:
    _, body = preview(world, ADA, patch="rules.ads.mode=sometimes")
    assert "notice error" in body and "撤回该消息" not in body


def test_kept_messages_are_judged_with_their_authors_named_and_personal_data_masked(
    world: ConsoleWorld,
) -> None:
    keep_texts(world)
    world.clock.advance(61)  # the policy cache's minute
    world.member(CA, MIA, name="Mia Member")
    kept_message(world, CA, MIA, "call me on 13812345678 about the offer", ago=3600)
    kept_message(world, CA, MIA, AD, ago=1800)
    _, body = preview(world, ADA, samples="", kept="1")
    assert "Mia Member" in body and "13812345678" not in body
    assert "撤回该消息" in body
    assert "(UTC+8)" in body  # the group's time zone


def test_a_group_that_keeps_no_text_says_so(world: ConsoleWorld) -> None:
    _, body = preview(world, ADA, samples="", kept="1")
    assert "不保留消息文本" in body


def test_the_editor_offers_the_preview_with_htmx(world: ConsoleWorld) -> None:
    body = world.get("/console/policy", AUDREY).body.decode()
    assert 'hx-post="/console/policy/test"' in body and 'name="samples"' in body
