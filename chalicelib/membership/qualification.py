"""R2.1: who qualifies to be in a meeting group, decided from what the directory says and the group's
guest roster. Pure: the handler looks the person up (`chalicelib.authz.directory_user`, cached) and
reads the roster entry, then asks here.

- An active employee of the tenant qualifies (the directory knows them, their account is active, they
  are not a platform guest).
- A guest on the group's roster qualifies until the entry expires, whoever they are.
- A platform guest (Slack guest, external contact) qualifies by being a guest only if the policy says so.
- Anyone else (unknown to the directory, deactivated, a guest off the roster) does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from chalicelib.adapters.base import DirectoryUser
from chalicelib.membership.settings import JoinSettings

Standing = Literal["employee", "guest", "bot", "outsider", "inactive", "unlisted_guest"]
QUALIFIED: frozenset[Standing] = frozenset({"employee", "guest", "bot"})


@dataclass(frozen=True)
class Verdict:
    standing: Standing

    @property
    def qualified(self) -> bool:
        return self.standing in QUALIFIED


def qualify(
    person: DirectoryUser | None, roster_until: float | None, now: float, settings: JoinSettings
) -> Verdict:
    """`roster_until` is when the person's guest-roster entry expires (None: not on the roster)."""
    if person is not None and person.is_bot:
        return Verdict("bot")
    if roster_until is not None and roster_until > now:
        return Verdict("guest")
    if person is None:
        return Verdict("outsider")
    if not person.active:
        return Verdict("inactive")
    if person.is_guest:
        return Verdict("guest" if settings.guests_qualify == "always" else "unlisted_guest")
    return Verdict("employee")
