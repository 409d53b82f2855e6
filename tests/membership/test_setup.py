"""What an admin chose on the setup card, read from the click and checked against what the card offers."""

from __future__ import annotations

import pytest

from chalicelib.core.events import CardClicked
from chalicelib.membership.setup import Setup, SetupRefused, chosen_setup


def click(*choices: str) -> CardClicked:
    return CardClicked(
        platform="slack",
        tenant="T1",
        event_id="k1",
        occurred_at=0.0,
        user="U1",
        action="setup.apply",
        choices=choices,
    )


@pytest.mark.parametrize(
    ("choices", "setup"),
    [
        ((), Setup()),  # nothing sent: everything stays as it is
        (("mode=warn", "preset=meeting"), Setup(mode="warn", preset="meeting")),
        (("locale=zh-TW", "zone=5.5"), Setup(locale="zh-TW", zone=5.5)),
        (("region=en@-5",), Setup(locale="en", zone=-5.0)),  # WeCom's pair
        (("admins=U1", "admins=U2", "admins=U1"), Setup(admins=("U1", "U2"))),
    ],
)
def test_the_choices_of_a_click_become_the_setup(choices: tuple[str, ...], setup: Setup) -> None:
    assert chosen_setup(click(*choices), "apply") == setup


@pytest.mark.parametrize(
    "choice",
    ["mode=anarchy", "preset=lenient", "locale=fr", "zone=15", "zone=8.3", "zone=eight", "region=de@1"],
)
def test_a_choice_the_card_never_offers_is_refused(choice: str) -> None:
    with pytest.raises(SetupRefused):
        chosen_setup(click(choice), "apply")


def test_a_card_of_the_old_kind_chooses_only_the_mode() -> None:
    assert chosen_setup(click(), "shadow") == Setup(mode="shadow")
