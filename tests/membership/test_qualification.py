"""R2.1: who qualifies for a meeting group, from the directory and the guest roster."""

from __future__ import annotations

import pytest

from chalicelib.adapters.base import DirectoryUser
from chalicelib.membership.qualification import qualify
from chalicelib.membership.settings import JoinSettings
from tests.membership.factories import DAY, NOW, employee

ROSTERED = NOW + 10 * DAY
EXPIRED = NOW - 1


@pytest.mark.parametrize(
    ("person", "roster_until", "guests_qualify", "standing", "qualified"),
    [
        (employee(), None, "roster", "employee", True),
        (None, None, "roster", "outsider", False),
        (None, ROSTERED, "roster", "guest", True),
        (None, EXPIRED, "roster", "outsider", False),
        (employee(active=False), None, "roster", "inactive", False),
        (employee(active=False), ROSTERED, "roster", "guest", True),
        (employee(is_guest=True), None, "roster", "unlisted_guest", False),
        (employee(is_guest=True), ROSTERED, "roster", "guest", True),
        (employee(is_guest=True), None, "always", "guest", True),
        (DirectoryUser(user="B1", name="bot", is_bot=True), None, "roster", "bot", True),
    ],
    ids=[
        "an active employee qualifies",
        "someone the directory does not know is an outsider",
        "an outsider on the guest roster qualifies",
        "an expired roster entry no longer counts",
        "a deactivated account does not qualify",
        "a deactivated account on the roster qualifies as a guest",
        "a platform guest off the roster does not qualify",
        "a platform guest on the roster qualifies",
        "platform guests qualify when the policy says always",
        "a bot is a bot",
    ],
)
def test_qualification_from_the_directory_and_the_roster(
    person: DirectoryUser | None,
    roster_until: float | None,
    guests_qualify: str,
    standing: str,
    qualified: bool,
) -> None:
    settings = JoinSettings(guests_qualify=guests_qualify)
    verdict = qualify(person, roster_until, NOW, settings)
    assert (verdict.standing, verdict.qualified) == (standing, qualified)
