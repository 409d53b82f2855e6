"""Who the signed-in person is to the console, decided on the server from the org policy and the same
`chalicelib.authz` as cards and commands.

- an owner (`workflows.revisions.owners` of the org policy, the people who decide revisions) sees
  everything, and acts wherever `authz` makes them an admin (as their cards and commands do: an owner is
  not by that an admin of every group, tests/security/test_privilege.py);
- an auditor (`auditors` of the org policy) reads everything and changes nothing;
- a group admin (`authz.is_admin` in that group: named by its policy, the platform's admins of the group,
  an admin role, a directory admin) sees and acts on that group only;
- anyone else is a member, who sees their own cases and points (`/console/me`).

Each is checked per page and per action; the group list of an admin is the groups of their own platform
and tenant where `is_admin` holds, checked only on candidates (their memberships and the groups whose
admins name them), read once per request.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import cast

from chalicelib.authz import directory_user, is_admin
from chalicelib.core.events import Event
from chalicelib.core.ids import Platform, split_id
from chalicelib.core.policy import PolicyDocument
from chalicelib.i18n import normalise_locale
from chalicelib.kernel.context import Context, policies
from chalicelib.kernel.deps import Deps
from chalicelib.store.records import GroupRecord, MemberRecord


class Forbidden(Exception):
    """The person may not see or do this (403)."""


class NotFound(Exception):
    """No such page or thing (404)."""


@dataclass
class Viewer:
    uid: str
    deps: Deps
    now: float
    owner: bool = False
    auditor: bool = False
    _admin: dict[str, bool] = field(default_factory=dict)
    _member: dict[str, MemberRecord | None] = field(default_factory=dict)  # by gid, read in batches
    org_doc: PolicyDocument | None = None  # the org policy, read once a request

    def org_policy(self) -> PolicyDocument:
        if self.org_doc is None:
            self.org_doc = policies(self.deps).org()
        return self.org_doc

    @property
    def platform(self) -> str:
        return split_id(self.uid)[0]

    @property
    def tenant(self) -> str:
        return split_id(self.uid)[1]

    @property
    def user(self) -> str:
        return split_id(self.uid)[2]

    @property
    def reads_all(self) -> bool:
        return self.owner or self.auditor

    @property
    def role(self) -> str:
        if self.owner or self.auditor:
            return "owner" if self.owner else "auditor"
        return "admin" if any(self._admin.values()) else "member"

    def context(self, group: GroupRecord) -> Context:
        """The group's context as the worker would load it for this person, without registering anything."""
        member = None
        if group.platform == self.platform:
            if group.gid not in self._member:
                self._member[group.gid] = self.deps.store.get_member(group.gid, self.uid)
            member = self._member[group.gid]
        policy = policies(self.deps).for_group(group.gid, self.now)
        locale = normalise_locale(group.locale or policy.locale)
        return Context(now=self.now, group=group, member=member, locale=locale, policy=policy)

    def administers(self, group: GroupRecord) -> bool:
        """`authz.is_admin` in the group: the same answer its cards and commands get."""
        if group.gid not in self._admin:
            mine = (group.platform, group.tenant) == (self.platform, self.tenant)
            event = Event(
                platform=cast(Platform, group.platform),
                tenant=group.tenant,
                event_id="console",
                occurred_at=self.now,
                chat=group.chat,
            )
            self._admin[group.gid] = mine and is_admin(event, self.user, self.context(group), self.deps)
        return self._admin[group.gid]

    def may_read(self, group: GroupRecord) -> bool:
        return self.reads_all or self.administers(group)

    def may_act(self, group: GroupRecord) -> bool:
        """Whether the person may act in the group: `authz.is_admin` there, as the worker checks again
        when the click arrives. An auditor changes nothing here, whatever else they are."""
        return not self.auditor and self.administers(group)

    def group(self, gid: str, *, act: bool = False) -> GroupRecord:
        """The group `gid` if the person may read it (or act in it): NotFound, Forbidden otherwise."""
        group = self.deps.store.get_group(gid)
        if group is None:
            raise NotFound(gid)
        if not (self.may_act(group) if act else self.may_read(group)):
            raise Forbidden(gid)
        return group

    @cached_property
    def every_group(self) -> list[GroupRecord]:
        """Every group, read once a request (the sharded GSI2: a Query per shard). The pages never need it
        but for a person the org or the directory makes an admin of every group of their tenant."""
        return list(self.deps.store.list_groups())

    @cached_property
    def administered(self) -> dict[str, GroupRecord]:
        """The groups of the person's own platform and tenant where `authz.is_admin` holds. Only
        candidates are checked, so this costs a few reads, not one a group: every group where the org
        names them an admin or the directory calls them one; else the groups whose platform admins name
        them (a pointer each, `Store.groups_administered_by`) and those they are a member of (a member's
        role, or the group's policy, makes an admin there), read in one batch."""
        store = self.deps.store
        if self._admin_everywhere():
            mine = (self.platform, self.tenant)
            candidates = [g for g in self.every_group if (g.platform, g.tenant) == mine]
        else:
            gids = [*store.groups_of_member(self.uid), *store.groups_administered_by(self.uid)]
            candidates = [
                group
                for group in store.get_groups(gids).values()
                if (group.platform, group.tenant) == (self.platform, self.tenant)
            ]
        self.read_memberships([group.gid for group in candidates])
        return {group.gid: group for group in candidates if self.administers(group)}

    def read_memberships(self, gids: list[str]) -> None:
        """The person's member records in these groups, in one batch, for `context` to use."""
        wanted = [gid for gid in dict.fromkeys(gids) if gid not in self._member]
        if wanted:
            found = self.deps.store.get_memberships(self.uid, wanted)
            self._member.update({gid: found.get(gid) for gid in wanted})

    def groups(self) -> Iterator[GroupRecord]:
        """The groups the person may read: every group for owners and auditors (a read of every group:
        the pages list them a page at a time instead, `chalicelib.console.listing`), else those they
        administer."""
        yield from self.every_group if self.reads_all else self.administered.values()

    def acts_in(self, group: GroupRecord) -> bool:
        """`may_act` for a listing: from `administered`, read once a request."""
        return not self.auditor and group.gid in self.administered

    def _admin_everywhere(self) -> bool:
        """Named an admin by the org policy, or an admin of the directory: an admin of every group."""
        if self.uid in self.org_policy().admins:
            return True
        event = Event(
            platform=cast(Platform, self.platform),
            tenant=self.tenant,
            event_id="console",
            occurred_at=self.now,
        )
        person = directory_user(event, self.user, self.deps)
        return bool(person and person.is_admin)

    def require_reader(self) -> None:
        """Owners and auditors only (the org-wide pages: audit of every group, jobs, policy)."""
        if not self.reads_all:
            raise Forbidden("org")


def viewer_of(uid: str, deps: Deps) -> Viewer:
    org = policies(deps).org()
    return Viewer(
        uid=uid,
        deps=deps,
        now=deps.clock.now(),
        owner=uid in org.workflows.revisions.owners,
        auditor=uid in org.auditors,
        org_doc=org,
    )
