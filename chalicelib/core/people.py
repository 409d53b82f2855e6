"""The people a policy names, and the rule they are named by.

The lists that give rights (`admins`, `approvers`, `workflows.revisions.owners`,
`workflows.incidents.responders`) hold qualified ids only, `platform:tenant:user`: a bare id such as
`zhangsan` would match the user of that id on every platform and in every tenant, so a DingTalk user
"zhangsan" of an unrelated corp could act as an admin. A group's override names people of the group's
own platform and tenant, and cannot name owners (owners are the org's, read from the org policy only).

These checks run where a policy is written (`policy validate`, `policy apply`, `policy set`, a revision);
a policy already stored is read as it is, and a bare id in it simply names nobody
(`chalicelib.core.ids.natives_in`, `GroupPolicy.is_admin`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from chalicelib.core.ids import is_qualified, split_id

NAMED_LISTS: tuple[tuple[str, ...], ...] = (
    ("admins",),
    ("approvers",),
    ("workflows", "revisions", "owners"),
    ("workflows", "incidents", "responders"),
)
ORG_ONLY: tuple[tuple[str, ...], ...] = (("workflows", "revisions", "owners"),)
# Every setting that lists people: the named lists above, and who is exempt (`rules.*.exempt.members`).
PEOPLE_KEYS = frozenset({*(path[-1] for path in NAMED_LISTS), "members"})
EXAMPLE = "dingtalk:ding1234:zhangsan"


def _named(data: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """Each named list a document or override writes, as (dotted path as written, value); `key+` too."""
    for path in NAMED_LISTS:
        section: Any = data
        for part in path[:-1]:
            section = section.get(part) if isinstance(section, Mapping) else None
        if not isinstance(section, Mapping):
            continue
        for key in (path[-1], f"{path[-1]}+"):
            if key in section:
                yield ".".join((*path[:-1], key)), section[key]


def _bad_ids(where: str, value: Any, *, platform: str = "", tenant: str = "") -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(one, str) for one in value):
        return [f"{where}: a list of ids such as {EXAMPLE}"]
    problems = [
        f"{where}: {one!r} is not a qualified id; write platform:tenant:user (e.g. {EXAMPLE})"
        for one in value
        if not is_qualified(one)
    ]
    if platform:
        problems += [
            f"{where}: {one!r} is not of this group's platform and tenant ({platform}:{tenant})"
            for one in value
            if is_qualified(one) and split_id(one)[:2] != (platform, tenant)
        ]
    return problems


def document_problems(data: Mapping[str, Any]) -> list[str]:
    """What is wrong with the people an org document names, path by path (empty: nothing)."""
    problems = [problem for where, value in _named(data) for problem in _bad_ids(where, value)]
    groups = data.get("groups")
    if isinstance(groups, Mapping):
        for gid, override in groups.items():
            if isinstance(override, Mapping):
                problems += [f"groups.{gid}.{problem}" for problem in override_problems(str(gid), override)]
    return problems


def override_problems(gid: str, override: Mapping[str, Any]) -> list[str]:
    """What is wrong with the people a group's override names: qualified ids of the group's own platform
    and tenant, and no owners."""
    org_only = {".".join((*path[:-1], key)) for path in ORG_ONLY for key in (path[-1], f"{path[-1]}+")}
    platform, tenant, _ = split_id(gid) if gid.count(":") >= 2 else ("", "", "")
    problems = []
    for where, value in _named(override):
        if where in org_only:
            problems.append(f"{where}: owners are named in the org policy only, not in a group's override")
        else:
            problems += _bad_ids(where, value, platform=platform, tenant=tenant)
    return problems
