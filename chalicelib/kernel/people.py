"""People named in what the bot writes: by the directory's name (cached, `chalicelib.authz.directory_user`),
their id only when the directory does not know them (`chalicelib.core.naming.person_label`)."""

from __future__ import annotations

from chalicelib.authz import directory_user
from chalicelib.core.events import Event
from chalicelib.core.naming import person_label
from chalicelib.kernel.deps import Deps


def name_of(event: Event, user: str, deps: Deps) -> str:
    """How the bot names `user` (a native id of the event's platform and tenant)."""
    if not user:
        return user
    person = directory_user(event, user, deps)
    return person_label(user, (person.name or person.display_name) if person else "")
