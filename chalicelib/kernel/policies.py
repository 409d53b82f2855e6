"""Policies, versioned in the table. Each scope ("org", or "group:{gid}" for a group's override) keeps
every version it ever had (`POL#{scope}` / `V#{version}`, with its YAML text, author and time) and a
`CURRENT` item that holds the live version's text, so reading a scope's policy is one GetItem. A group's
resolved policy is cached per container for a minute: an ordinary message reads no policy at all.

What is written is validated whole, the people it names included (`chalicelib.core.people`); what is
read back is taken as it was written, so a version stored before a rule tightened still loads.

A version written for an event (the setup card's button, `policy set` in chat) carries the event's claim
(`apply(claim=...)`): the worker processing it may be killed after the write and before its decision
reaches the outbox, and the SQS redelivery then decides again. It finds the version its claim wrote
(`claimed`) and answers with it, making it live if the kill came between the version and the pointer,
instead of writing the same change a second time as the next version.
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
# How many of a scope's newest versions `claimed` looks through: a redelivery comes within minutes (the
# queue's visibility timeout) or, replayed from the dead-letter queue, days; not after 20 more versions of
# one scope. The whole history of the org's policy, every text in full, is not read for each change.
CLAIM_LOOKBACK = 20
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
    claim: str = ""  # the event whose processing wrote it (`PolicyRepo.apply`), if one did

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
        self,
        scope: str,
        text: str,
        *,
        author: str,
        now: float,
        note: str = "",
        stored: bool = False,
        claim: str = "",
        looked: bool = False,
    ) -> PolicyVersion:
        """Validate and store `text` as the scope's next version, and make it live (`stored`: a text
        the scope held before, see `validate`; `note`: how it came about, see `PolicyVersion`). Two
        operators applying at once cannot both win: the version item is written only if absent, and
        CURRENT moves only from the version it was read at; the one who lost is refused, never lost.

        `claim` (the triggering event's, `Claim.id`): the version written under that claim already, if
        any, is returned (and made live if it is not yet) instead of a new one, whoever else applied
        since; so a redelivered event never applies its change twice. `looked`: the caller asked
        `claimed` a moment ago and found none (a twin processing since is still caught by the put)."""
        if claim and not looked:
            earlier = self.claimed(scope, claim)
            if earlier is not None:
                return earlier
        self.validate(scope, text, stored=stored)
        live = self.current(scope)
        number = (live.version if live else 0) + 1
        version = PolicyVersion(scope, number, text, author, now, note, claim)
        if not self.store.put_item(
            Item(keys.policy_pk(scope), keys.policy_sk(number), _data(version)), if_absent=True
        ):
            taken = self.version(scope, number)
            if not claim or taken is None or taken.claim != claim:
                raise PolicyError(
                    f"version {number} of {scope} was applied by someone else just now; try again"
                )
            version = taken  # a twin processing of the same event wrote it a moment ago
        self._make_live(version, live)
        return version

    def claimed(self, scope: str, claim: str) -> PolicyVersion | None:
        """The version of `scope` written under `claim`, made live if the processing that wrote it was
        killed before moving the pointer; None if none was. One read when it is the live one (a
        redelivery right after the kill), else the newest versions (one Query, `CLAIM_LOOKBACK`)."""
        live = self.current(scope)
        if live is not None and live.claim == claim:
            return live
        newest = self.store.query_items(
            keys.policy_pk(scope),
            prefix=keys.POLICY_VERSION_SK_PREFIX,
            newest_first=True,
            limit=CLAIM_LOOKBACK,
        )
        mine = next((found for item in newest if (found := _version(scope, item)).claim == claim), None)
        if mine is not None and (live is None or live.version < mine.version):
            self._make_live(mine, live)
        return mine

    def _make_live(self, version: PolicyVersion, live: PolicyVersion | None) -> None:
        """CURRENT moves to `version` from `live`, the version it was read at (nobody can write the
        version after `version` before it moves: they read CURRENT, and `version`'s number is taken)."""
        pointer = Item(keys.policy_pk(version.scope), keys.POLICY_CURRENT_SK, _data(version))
        if live is None:
            moved = self.store.put_item(pointer, if_absent=True)
        else:
            moved = self.store.update_item(
                pointer.pk, pointer.sk, pointer.data, expect={"version": live.version}
            )
        self.cache.drop(version.scope.removeprefix("group:"))
        if not moved:  # a twin processing of the same event moved it first, or (never) someone else
            now_live = self.current(version.scope)
            if now_live is None or now_live.version < version.version:
                raise PolicyError(f"{version.scope} changed while applying; try again")

    def rollback(
        self, scope: str, *, author: str, now: float, to: int | None = None, claim: str = ""
    ) -> PolicyVersion:
        """Apply version `to` (by default the one before the live one) again, as a new version: history
        is never rewritten, so rolling back twice to the same number lands on the same text. `claim`: as
        for `apply` (the version written under it already is returned)."""
        if claim:
            earlier = self.claimed(scope, claim)
            if earlier is not None:
                return earlier
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
        return self.apply(scope, previous.text, author=author, now=now, note=note, stored=True, claim=claim)

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


def _data(version: PolicyVersion) -> dict[str, Any]:
    data: dict[str, Any] = {
        "text": version.text,
        "author": version.author,
        "at": version.at,
        "version": version.version,
    }
    if version.note:
        data["note"] = version.note
    if version.claim:
        data["claim"] = version.claim
    return data


def _version(scope: str, item: Item) -> PolicyVersion:
    data = item.data
    return PolicyVersion(
        scope,
        int(data["version"]),
        str(data["text"]),
        str(data.get("author", "")),
        float(data["at"]),
        str(data.get("note", "")),
        str(data.get("claim", "")),
    )
