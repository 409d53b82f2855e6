"""Policies, versioned in the table. Each scope ("org", or "group:{gid}" for a group's override) keeps
every version it ever had (`POL#{scope}` / `V#{version}`, with its YAML text, author and time) and a
`CURRENT` item that holds the live version's text, so reading a scope's policy is one GetItem. A group's
resolved policy is cached per container for a minute: an ordinary message reads no policy at all.

What is written is validated whole, the people it names included (`chalicelib.core.people`); what is
read back is taken as it was written, so a version stored before a rule tightened still loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from chalicelib.cache import TtlCache
from chalicelib.core.people import override_problems
from chalicelib.core.policy import (
    DEFAULT_ORG_POLICY,
    GroupPolicy,
    PolicyDocument,
    PolicyError,
    default_policy_text,
    drop_refused_patterns,
    load_policy_yaml,
    resolve_group,
)
from chalicelib.i18n import normalise_locale
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item

POLICY_CACHE_SECONDS = 60.0
DELETED = "deleted"


@dataclass(frozen=True)
class PolicyVersion:
    """One stored version. `note` says how it came about when not by an apply ("rollback to 2",
    "deleted": a group override removed, the org policy applies again)."""

    scope: str
    version: int
    text: str
    author: str
    at: float
    note: str = ""

    @property
    def deleted(self) -> bool:
        return self.note == DELETED


def parse_override(text: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        raise PolicyError(f"not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PolicyError("a group override is a mapping of settings")
    return data


class PolicyRepo:
    def __init__(
        self, store: Store, cache: TtlCache[GroupPolicy] | None = None, *, default_locale: str | None = None
    ) -> None:
        """`default_locale` (QG_DEFAULT_LOCALE) is the org default's language until an operator applies
        an org policy of their own."""
        self.store = store
        self.cache = cache or TtlCache(POLICY_CACHE_SECONDS)
        self.default_locale = default_locale

    # Reading -----------------------------------------------------------------------------------------
    def current(self, scope: str) -> PolicyVersion | None:
        item = self.store.get_item(keys.policy_pk(scope), keys.POLICY_CURRENT_SK)
        return None if item is None else _version(scope, item)

    def versions(self, scope: str) -> list[PolicyVersion]:
        return [
            _version(scope, item)
            for item in self.store.query_items(keys.policy_pk(scope), prefix=keys.POLICY_VERSION_SK_PREFIX)
        ]

    def version(self, scope: str, number: int) -> PolicyVersion | None:
        item = self.store.get_item(keys.policy_pk(scope), keys.policy_sk(number))
        return None if item is None else _version(scope, item)

    def org(self) -> PolicyDocument:
        live = self.current(keys.ORG_SCOPE)
        if live is None:
            return self._with_default_locale(DEFAULT_ORG_POLICY)
        return load_policy_yaml(live.text, stored=True)

    def _with_default_locale(self, org: PolicyDocument) -> PolicyDocument:
        if self.default_locale and normalise_locale(self.default_locale) != org.locale:
            return org.model_copy(update={"locale": normalise_locale(self.default_locale)})
        return org

    def for_group(self, gid: str, now: float) -> GroupPolicy:
        cached = self.cache.get(gid, now)
        if cached is not None:
            return cached
        override = self.current(keys.group_policy_scope(gid))
        org_live = self.current(keys.ORG_SCOPE)
        return self._resolve(gid, override, org_live, now)

    def for_groups(self, gids: Sequence[str], now: float) -> dict[str, GroupPolicy]:
        """`for_group` of each group, the policies not cached read in one batch (a page of the console)."""
        missing = [gid for gid in dict.fromkeys(gids) if self.cache.get(gid, now) is None]
        if missing:
            scopes = [keys.ORG_SCOPE, *(keys.group_policy_scope(gid) for gid in missing)]
            wanted = [(keys.policy_pk(scope), keys.POLICY_CURRENT_SK) for scope in scopes]
            found = {item.pk: item for item in self.store.get_items(wanted)}

            def live(scope: str) -> PolicyVersion | None:
                item = found.get(keys.policy_pk(scope))
                return None if item is None else _version(scope, item)

            org_live = live(keys.ORG_SCOPE)
            org = self._org_of(org_live)  # parsed once for the page
            for gid in missing:
                self._resolve(gid, live(keys.group_policy_scope(gid)), org_live, now, org)
        return {gid: self.for_group(gid, now) for gid in gids}

    def _org_of(self, org_live: PolicyVersion | None) -> PolicyDocument:
        if org_live is None:
            return self._with_default_locale(DEFAULT_ORG_POLICY)
        return load_policy_yaml(org_live.text, stored=True)

    def _resolve(
        self,
        gid: str,
        override: PolicyVersion | None,
        org_live: PolicyVersion | None,
        now: float,
        org: PolicyDocument | None = None,
    ) -> GroupPolicy:
        org = org or self._org_of(org_live)
        stored = drop_refused_patterns(parse_override(override.text))[0] if override else None
        policy = resolve_group(org, gid, stored)
        # A case records the stored versions that decided it: the org's, and the group override's.
        stamps: dict[str, int] = {}
        if org_live is not None:
            stamps["version"] = org_live.version
        if override is not None:
            stamps["override_version"] = override.version
        policy = policy.model_copy(update=stamps) if stamps else policy
        self.cache.put(gid, policy, now)
        return policy

    # Writing -----------------------------------------------------------------------------------------
    def validate(self, scope: str, text: str, *, stored: bool = False) -> GroupPolicy:
        """The policy `text` would give; raises PolicyError listing every problem. A text this scope
        held before (`stored`: a rollback, a pilot undone) is not held to rules made since about the
        people it names: a bare id in it names nobody."""
        if scope == keys.ORG_SCOPE:
            return load_policy_yaml(text, stored=stored)
        gid = scope.removeprefix("group:")
        override = parse_override(text)
        if stored:
            override = drop_refused_patterns(override)[0]
        problems = [] if stored else override_problems(gid, override)
        if problems:
            raise PolicyError("; ".join(problems))
        return resolve_group(self.org(), gid, override)

    def apply(
        self, scope: str, text: str, *, author: str, now: float, note: str = "", stored: bool = False
    ) -> PolicyVersion:
        """Validate and store `text` as the scope's next version, and make it live (`stored`: a text
        the scope held before, see `validate`; `note`: how it came about, see `PolicyVersion`). Two
        operators applying at once cannot both win: the version item is written only if absent, and
        CURRENT moves only from the version it was read at."""
        self.validate(scope, text, stored=stored)
        live = self.current(scope)
        number = (live.version if live else 0) + 1
        data: dict[str, Any] = {"text": text, "author": author, "at": now, "version": number}
        if note:
            data["note"] = note
        if not self.store.put_item(Item(keys.policy_pk(scope), keys.policy_sk(number), data), if_absent=True):
            raise PolicyError(f"version {number} of {scope} was applied by someone else just now; try again")
        pointer = Item(keys.policy_pk(scope), keys.POLICY_CURRENT_SK, data)
        if live is None:
            self.store.put_item(pointer, if_absent=True)
        elif not self.store.update_item(
            pointer.pk, pointer.sk, data, expect={"version": live.version}
        ):  # pragma: no cover - the version put above already lost the race
            raise PolicyError(f"{scope} changed while applying; try again")
        self.cache.drop(scope.removeprefix("group:"))
        return PolicyVersion(scope, number, text, author, now, note)

    def rollback(self, scope: str, *, author: str, now: float, to: int | None = None) -> PolicyVersion:
        """Apply version `to` (by default the one before the live one) again, as a new version: history
        is never rewritten, so rolling back twice to the same number lands on the same text."""
        live = self.current(scope)
        if live is None:
            raise PolicyError(f"{scope} has no stored policy to roll back")
        number = live.version - 1 if to is None else to
        previous = self.version(scope, number) if number >= 1 else None
        if previous is None:
            raise PolicyError(f"{scope} has no version {number} (the live one is {live.version})")
        if previous.text == live.text:
            raise PolicyError(f"version {number} of {scope} is what is live already (version {live.version})")
        note = DELETED if previous.deleted else f"rollback to {number}"
        return self.apply(scope, previous.text, author=author, now=now, note=note, stored=True)

    def delete(self, scope: str, *, author: str, now: float) -> PolicyVersion:
        """Remove a group's override: a new, empty version marked deleted, so the org policy applies again
        and the history keeps what was there (a rollback brings it back)."""
        if not scope.startswith("group:"):
            raise PolicyError("only a group's override can be deleted; the org policy can be replaced")
        live = self.current(scope)
        if live is None or live.deleted:
            raise PolicyError(f"{scope} has no override to delete")
        return self.apply(scope, "", author=author, now=now, note=DELETED)


def default_text(scope: str) -> str:
    return default_policy_text() if scope == keys.ORG_SCOPE else "# group override: only what differs\n"


def _version(scope: str, item: Item) -> PolicyVersion:
    data = item.data
    return PolicyVersion(
        scope,
        int(data["version"]),
        str(data["text"]),
        str(data.get("author", "")),
        float(data["at"]),
        str(data.get("note", "")),
    )
