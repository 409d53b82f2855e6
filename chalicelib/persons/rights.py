"""Who may impose a sanction of each scope, and who sees a person's history.

The org's owners are the org policy's `workflows.revisions.owners`, by qualified id, exactly as the
revision workflow names them (`chalicelib.workflows.revisions.is_owner`); never inferred from being an
admin. The rights for tag- and org-wide sanctions are read from the org policy, a group's from its own.
"""

from __future__ import annotations

from chalicelib.authz import is_admin
from chalicelib.core.events import Event
from chalicelib.kernel.context import Context, policies
from chalicelib.kernel.deps import Deps


def is_owner(event: Event, user: str, deps: Deps) -> bool:
    return event.uid(user) in policies(deps).org().workflows.revisions.owners


def may_impose(event: Event, user: str, scope: str, ctx: Context, deps: Deps) -> bool:
    """Whether `user` may impose (or lift) a sanction of `scope` from the group of `ctx`."""
    if scope == "group":
        rank = ctx.policy.people.sanctions.group
    else:
        rights = policies(deps).org().people.sanctions
        rank = rights.org if scope == "org" else rights.tag
    if is_owner(event, user, deps):
        return True
    return rank == "admins" and is_admin(event, user, ctx, deps)


def may_see_history(event: Event, user: str, ctx: Context, deps: Deps) -> bool:
    if is_owner(event, user, deps):
        return True
    rank = policies(deps).org().people.history
    return rank == "admins" and is_admin(event, user, ctx, deps)
