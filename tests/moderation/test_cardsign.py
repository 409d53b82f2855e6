"""Card buttons carry their group and case sealed by the bot: a value for another group, case or action
is refused."""

from __future__ import annotations

import pytest

from chalicelib.cardsign import seal, unseal
from chalicelib.settings import Settings

SETTINGS = Settings(_env_file=None, slack_signing_secret="s", qg_card_signing_key="k")
COMMON = {"platform": "slack", "tenant": "T1"}


def test_a_sealed_value_opens_for_the_same_action() -> None:
    value = seal(SETTINGS, chat="C1", ref="abc", action="mod.warn", **COMMON)
    sealed = unseal(SETTINGS, value, action="mod.warn", **COMMON)
    assert sealed is not None and (sealed.chat, sealed.ref) == ("C1", "abc")


@pytest.mark.parametrize(
    ("tamper", "kwargs"),
    [
        (lambda v: v.replace("C1|", "C2|"), {}),
        (lambda v: v.replace("|abc|", "|abd|"), {}),
        (lambda v: v, {"action": "mod.remove"}),
        (lambda v: v, {"tenant": "T2"}),
        (lambda v: "garbage", {}),
    ],
    ids=["other-group", "other-case", "other-action", "other-tenant", "garbage"],
)
def test_anything_else_is_refused(tamper, kwargs) -> None:
    value = tamper(seal(SETTINGS, chat="C1", ref="abc", action="mod.warn", **COMMON))
    args = {**COMMON, "action": "mod.warn", **kwargs}
    assert unseal(SETTINGS, value, **args) is None


def test_without_a_configured_key_one_is_derived_from_the_platform_secrets() -> None:
    one = Settings(_env_file=None, slack_signing_secret="s1")
    two = Settings(_env_file=None, slack_signing_secret="s2")
    value = seal(one, chat="C1", ref="abc", action="mod.warn", **COMMON)
    assert unseal(one, value, action="mod.warn", **COMMON) is not None
    assert unseal(two, value, action="mod.warn", **COMMON) is None
