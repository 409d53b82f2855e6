"""A Card as Block Kit: header, body, fields, buttons that come back as CardClicked(action, value), and
a footer; member-quoted text never pings anyone, and Slack's limits are respected."""

from __future__ import annotations

import pytest
import requests

from chalicelib.adapters.slack.blocks import escape, fallback_text, render
from chalicelib.core.cards import Button, Card
from local.fakes.blockkit import block_kit_errors
from local.fakes.server import FakeMessengers


def card(**fields: object) -> Card:
    values: dict[str, object] = {
        "card_id": "join-42",
        "title": "Join request",
        "body": "Dave asks to join #meeting",
        "buttons": (
            Button("Approve", "join.approve", "W0DAVE.sig", "primary"),
            Button("Reject", "join.reject", "W0DAVE.sig", "danger"),
            Button("Later", "join.later"),
        ),
        "fields": (("Invited by", "Alice"), ("Department", "Sales")),
        "footer": "qunguan · group rules v3",
    }
    values.update(fields)
    return Card(**values)  # type: ignore[arg-type]


def test_a_card_renders_as_header_body_fields_actions_and_footer() -> None:
    assert render(card()) == [
        {"type": "header", "text": {"type": "plain_text", "text": "Join request", "emoji": True}},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "Dave asks to join #meeting", "verbatim": True},
        },
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": "*Invited by*\nAlice", "verbatim": True},
                {"type": "mrkdwn", "text": "*Department*\nSales", "verbatim": True},
            ],
        },
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "join.approve",
                    "text": {"type": "plain_text", "text": "Approve", "emoji": True},
                    "value": "W0DAVE.sig",
                    "style": "primary",
                },
                {
                    "type": "button",
                    "action_id": "join.reject",
                    "text": {"type": "plain_text", "text": "Reject", "emoji": True},
                    "value": "W0DAVE.sig",
                    "style": "danger",
                },
                {
                    "type": "button",
                    "action_id": "join.later",
                    "text": {"type": "plain_text", "text": "Later", "emoji": True},
                },
            ],
        },
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": "qunguan · group rules v3", "verbatim": True}],
        },
    ]


def test_a_bare_card_is_just_its_header() -> None:
    assert render(Card("c", "Notice", "")) == [
        {"type": "header", "text": {"type": "plain_text", "text": "Notice", "emoji": True}}
    ]


def test_quoted_member_text_cannot_ping_or_link() -> None:
    blocks = render(card(body="reported: <!channel> buy at <http://spam.example|here> & <@U0BOB>", fields=()))
    assert blocks[1]["text"]["text"] == (
        "reported: &lt;!channel&gt; buy at &lt;http://spam.example|here&gt; &amp; &lt;@U0BOB&gt;"
    )
    assert "<" not in fallback_text(card(title="<!here>", body=""))


def test_fields_go_ten_to_a_section() -> None:
    fields = tuple((f"k{n}", f"v{n}") for n in range(23))
    sections = [block for block in render(card(fields=fields)) if "fields" in block]
    assert [len(block["fields"]) for block in sections] == [10, 10, 3]


def test_buttons_sharing_an_action_go_to_separate_rows() -> None:
    buttons = (Button("1 day", "mute", "1d"), Button("7 days", "mute", "7d"), Button("Remove", "remove"))
    rows = [block["elements"] for block in render(card(buttons=buttons)) if block["type"] == "actions"]
    assert [[element["action_id"] for element in row] for row in rows] == [["mute"], ["mute", "remove"]]


def test_more_than_25_buttons_wrap_to_a_new_row() -> None:
    buttons = tuple(Button(str(n), f"a{n}") for n in range(30))
    rows = [block["elements"] for block in render(card(buttons=buttons)) if block["type"] == "actions"]
    assert [len(row) for row in rows] == [25, 5]


def test_long_texts_are_cut_to_slacks_limits_without_splitting_an_entity() -> None:
    blocks = render(
        card(title="t" * 200, body="x" * 2996 + "&&&&&", buttons=(Button("b" * 100, "a", "v" * 2000),))
    )
    header, body, _, actions, _ = blocks
    assert len(header["text"]["text"]) == 150 and header["text"]["text"].endswith("…")
    assert len(body["text"]["text"]) <= 3000 and body["text"]["text"].endswith("x…")
    assert len(actions["elements"][0]["text"]["text"]) == 75
    assert actions["elements"][0]["value"] == "v" * 2000  # at Slack's limit: sent whole


def test_a_button_value_over_2000_characters_is_refused_not_cut_through_its_seal() -> None:
    with pytest.raises(ValueError, match="2000"):
        render(card(buttons=(Button("Approve", "approve", "v" * 2001),)))


def test_an_action_over_255_characters_is_refused() -> None:
    with pytest.raises(ValueError, match="255"):
        render(card(buttons=(Button("Approve", "a" * 256, "v"),)))


def test_the_fallback_text_is_title_and_body() -> None:
    assert fallback_text(card()) == "Join request\nDave asks to join #meeting"
    assert escape("a<b>&c") == "a&lt;b&gt;&amp;c"


# Checked by slack_sdk's own Block Kit models -----------------------------------------------------------

EDGE_CARDS = {
    "plain": card(),
    "every limit at once": card(
        title="t" * 200,
        body="x" * 2996 + "&&&&&",
        buttons=tuple(Button("b" * 100, f"a{n}", "v" * 2000) for n in range(30)),
    ),
    "many fields": Card(
        card_id="c",
        title="Report",
        body="",
        fields=tuple((f"label {n}" * 30, "value " * 400) for n in range(25)),
        footer="f" * 4000,
    ),
    "repeated actions": card(buttons=(Button("Mute", "mute", "1"), Button("Mute", "mute", "2"))),
    "entities and mentions quoted": card(body="<!channel> <@U0BOB> & <https://x|y>", footer="a > b"),
    "chinese": Card(card_id="c", title="入群申请", body="张三 申请加入 #周会", fields=(("规则", "链接"),)),
    "empty title": Card(card_id="c", title="", body=""),
}


@pytest.mark.parametrize("name", EDGE_CARDS)
def test_slack_sdk_accepts_every_render(name: str) -> None:
    assert block_kit_errors(render(EDGE_CARDS[name])) == []


def test_the_fake_refuses_blocks_slack_refuses_with_invalid_blocks(fake: FakeMessengers) -> None:
    too_long = [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}]
    reply = requests.post(
        f"{fake.url}/slack/api/chat.postMessage",
        headers={"Authorization": "Bearer xoxb-test"},
        json={"channel": "C0MEETING", "text": "t", "blocks": too_long},
        timeout=5,
    ).json()
    assert (reply["ok"], reply["error"]) == (False, "invalid_blocks")
    assert "150" in reply["errors"][0]
    unknown = [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}, "colour": "red"}]
    assert block_kit_errors(unknown) != []
    fake.clear()  # refused on purpose: not a finding for this test


def test_selects_are_sections_with_the_choice_prefilled_and_slack_accepts_them() -> None:
    from chalicelib.core.cards import Option, Select

    modes = Select("mode", "Governing", (Option("Enforce", "enforce"), Option("Trial", "warn")), ("warn",))
    admins = Select("admins", "Admins", (), ("U0ALICE",), multiple=True, people=True)
    blocks = render(
        card(buttons=(Button("Apply", "setup.apply", "C1.sig", "primary"),), selects=(modes, admins))
    )
    assert block_kit_errors(blocks) == []
    by_id = {block.get("block_id"): block for block in blocks}
    assert by_id["select:mode"]["accessory"]["initial_option"]["value"] == "warn"
    assert by_id["select:admins"]["accessory"] == {
        "action_id": "select:admins",
        "type": "multi_users_select",
        "initial_users": ["U0ALICE"],
        "placeholder": {"type": "plain_text", "text": "Admins", "emoji": True},
    }
    assert [b["type"] for b in blocks][-2:] == ["actions", "context"]  # the button after the choices
