"""`Where`: the one type for the group a decision acts in, whatever the path (an event in the pipeline, a
card clicked in a direct message about a group, a scheduled job's run in a group, a sweep).

It is the event the decision acts as (the platform, tenant and chat; the thread and reply URL of a reply;
for a job, a `JobRequested` naming the job and its period), that group's context (its record, policy and
locale) and what the platform lets the bot do there. Everything a domain asks of "the group" reads from
it: `gid`, `label`, `locale`, `policy`, `offset_hours`, `admins`, `can_post`, `can_mute`.

- `where_in(deps, event, ctx, chat=...)`: an event's group, or (`chat`) the group a click names, in a
  context loaded already;
- `where_of(deps, event)`: the same, loading the context;
- `job_where(deps, gid, job=..., key=...)`: a scheduled run in a known group: it reads the group and its
  policy at the run's time, registers nothing, asks the platform nothing and reads no member.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Generic, TypeVar

from chalicelib.adapters.base import Capabilities, Capability
from chalicelib.authz import admins_of
from chalicelib.core.events import Event, JobRequested
from chalicelib.core.ids import split_id
from chalicelib.core.naming import group_label
from chalicelib.core.policy import GroupPolicy
from chalicelib.i18n import normalise_locale
from chalicelib.kernel.context import Context, known_group, load_context, policies
from chalicelib.store.records import GroupRecord

if TYPE_CHECKING:
    from chalicelib.kernel.deps import Deps

E = TypeVar("E", bound=Event)
E_co = TypeVar("E_co", bound=Event, covariant=True)  # a Where[CommandIssued] is a Where[Event]


@dataclass(frozen=True)
class Where(Generic[E_co]):
    """The group a decision acts in: the event it acts as, the group's context, and the platform's
    capabilities there (`chalicelib.adapters.base.Capabilities`)."""

    event: E_co
    ctx: Context
    capabilities: Capabilities

    @property
    def platform(self) -> str:
        return self.event.platform

    @property
    def tenant(self) -> str:
        return self.event.tenant

    @property
    def chat(self) -> str:
        return self.event.chat

    @property
    def gid(self) -> str:
        return self.event.gid

    @property
    def group(self) -> GroupRecord | None:
        return self.ctx.group

    @property
    def policy(self) -> GroupPolicy:
        return self.ctx.policy

    @property
    def locale(self) -> str:
        return self.ctx.locale

    @property
    def label(self) -> str:
        """How members read the group's name (its name, else a readable form of its id)."""
        return group_label(self.platform, self.chat, self.group.name if self.group else "")

    @property
    def offset_hours(self) -> float:
        """The group's time zone (`jobs.utc_offset_hours`): every time shown to it is in this zone."""
        return self.policy.jobs.utc_offset_hours

    @property
    def admins(self) -> tuple[str, ...]:
        """The group's admins to tell, as native ids (`chalicelib.authz.admins_of`)."""
        return admins_of(self.ctx, self.event)

    @property
    def can_post(self) -> bool:
        """The bot may post into the group."""
        return self.capabilities.allows(Capability.POST_TO_GROUP, app_group=self._app_group)

    @property
    def can_mute(self) -> bool:
        """The bot may mute the group's members."""
        return self.capabilities.allows(Capability.MUTE_MEMBER, app_group=self._app_group)

    @property
    def _app_group(self) -> bool:
        return bool(self.group and self.group.app_created)


def where_in(deps: Deps, event: E, ctx: Context, *, chat: str | None = None) -> Where[E]:
    """`event`'s group (or group `chat`, which `ctx` must be the context of) in a loaded context."""
    located = event if chat is None or chat == event.chat else replace(event, chat=chat)
    return Where(located, ctx, deps.messenger(event.platform).capabilities)


def where_of(deps: Deps, event: E) -> Where[E]:
    return where_in(deps, event, load_context(event, deps))


def job_where(
    deps: Deps, gid: str, *, job: str, key: str, now: float | None = None, dry_run: bool = False
) -> Where[JobRequested]:
    """A scheduled job's place in one group at `now` (the clock's by default): a `JobRequested` event for
    it (the job, and the period or key of this run), the group's record and its policy at that time."""
    platform, tenant, chat = split_id(gid)
    at = deps.clock.now() if now is None else now
    event = JobRequested(
        platform=platform,  # type: ignore[arg-type]  # a gid's platform is one of the three
        tenant=tenant,
        event_id=f"{job}:{gid}:{key}",
        occurred_at=at,
        chat=chat,
        job=job,
        period=key,
        dry_run=dry_run,
    )
    group = known_group(gid, deps, deps.clock.now())  # the cache's time is the clock's
    policy = policies(deps).for_group(gid, at)
    locale = normalise_locale((group.locale if group else None) or policy.locale)
    ctx = Context(now=at, group=group, member=None, locale=locale, policy=policy)
    return where_in(deps, event, ctx)
