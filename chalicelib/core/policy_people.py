"""The people a policy names, checked against each platform's id format and this deployment's tenants.

The lists that give rights (`admins`, `approvers`, revision owners, incident responders) hold qualified
ids, `platform:tenant:user`, of a tenant the deployment knows (`Tenants`: the configured WeCom and
DingTalk corp ids and the tenants of the groups qunguan has seen); a group's override names people of
its own platform and tenant and no owners. Who is exempt from a rule (`exempt.members`) may also be a
platform's native id.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.core.policy_problems import Problem

# --- ids ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdFormat:
    """A platform's id shapes, from its documentation."""

    tenant: re.Pattern[str]
    tenant_example: str
    user: re.Pattern[str]
    user_example: str


ID_FORMATS: dict[str, IdFormat] = {
    # Slack: ids are upper-case alphanumerics whose first letter names the kind: T (workspace), E
    # (Enterprise Grid org), U or W (user). https://api.slack.com/changelog/2016-08-11-user-id-format-changes
    "slack": IdFormat(
        re.compile(r"[TE][A-Z0-9]{1,20}"), "T0123ABCD", re.compile(r"[UW][A-Z0-9]{1,20}"), "U0123ABCD"
    ),
    # WeCom: corp ids start `ww` (or `wx` for old ones); a userid is 1 to 64 bytes of letters, digits
    # and `_-@.`, starting with a letter or digit (成员 UserID,
    # developer.work.weixin.qq.com/document/path/90196).
    "wecom": IdFormat(
        re.compile(r"w[wx][0-9a-z]{6,30}"),
        "ww1234567890abcdef",
        re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}"),
        "zhangsan",
    ),
    # DingTalk: corp ids start `ding`; a userid (staffId) is letters, digits, `_`, `-` and `$`, at most 64.
    "dingtalk": IdFormat(
        re.compile(r"ding[0-9a-zA-Z]{2,40}"),
        "dinge8a565xxxx",
        re.compile(r"[A-Za-z0-9_$-]{1,64}"),
        "manager4220",
    ),
}
QUALIFIED_EXAMPLE = "slack:T0123ABCD:U0123ABCD"
GROUP_EXAMPLE = "slack:T0123ABCD:C0123ABCD"


@dataclass(frozen=True)
class Tenants:
    """The tenants of this deployment by platform: configured, or seen in a group. A platform with none
    known is checked by format only."""

    known: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, pairs: typing.Iterable[tuple[str, str]]) -> Tenants:
        found: dict[str, set[str]] = {}
        for platform, tenant in pairs:
            if platform and tenant:
                found.setdefault(platform, set()).add(tenant)
        return cls({platform: frozenset(names) for platform, names in found.items()})


def check_user_id(value: str, path: str, tenants: Tenants) -> list[Problem]:
    """A member id: qualified (`platform:tenant:user`) or a native id of some platform."""
    if not isinstance(value, str):
        return []  # the model reports the type
    if ":" not in value:
        if any(fmt.user.fullmatch(value) for fmt in ID_FORMATS.values()):
            return []
        return [Problem(path, "policy.check.id_native", {"value": value, "example": QUALIFIED_EXAMPLE})]
    parts = value.split(":", 2)
    if len(parts) < 3 or not all(parts):
        return [Problem(path, "policy.check.id_parts", {"value": value, "example": QUALIFIED_EXAMPLE})]
    platform, tenant, user = parts
    problems = _platform_and_tenant(value, path, platform, tenant, tenants)
    fmt = ID_FORMATS.get(platform)
    if fmt is not None and not fmt.user.fullmatch(user):
        params = {"value": value, "user": user, "platform": platform, "example": fmt.user_example}
        problems.append(Problem(path, "policy.check.id_user_format", params))
    return problems


def check_group_id(value: str, path: str, tenants: Tenants) -> list[Problem]:
    parts = value.split(":", 2)
    if len(parts) < 3 or not all(parts):
        return [Problem(path, "policy.check.gid", {"value": value, "example": GROUP_EXAMPLE})]
    return _platform_and_tenant(value, path, parts[0], parts[1], tenants)


def _platform_and_tenant(
    value: str, path: str, platform: str, tenant: str, tenants: Tenants
) -> list[Problem]:
    fmt = ID_FORMATS.get(platform)
    if fmt is None:
        return [Problem(path, "policy.check.id_platform", {"value": value, "platform": platform})]
    known = tenants.known.get(platform)
    if known:
        if tenant in known:
            return []
        params = {"value": value, "tenant": tenant, "platform": platform, "known": ", ".join(sorted(known))}
        return [Problem(path, "policy.check.id_tenant_unknown", params)]
    if not fmt.tenant.fullmatch(tenant):
        params = {"value": value, "tenant": tenant, "platform": platform, "example": fmt.tenant_example}
        return [Problem(path, "policy.check.id_tenant_format", params)]
    return []


# --- the lists that name people ----------------------------------------------------------------------


def list_forms(section: Mapping[str, Any], name: str) -> Iterator[tuple[str, Any]]:
    """A list setting and its `name+` append form, as written in an override."""
    for key in (name, f"{name}+"):
        if key in section:
            yield key, section[key]


def setting_at(data: Mapping[str, Any], dotted: str) -> Any:
    """The value at a dotted path of a document as written (None where absent)."""
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


# The lists that give rights hold qualified ids only (a bare `zhangsan` would be that user on every
# platform and tenant); owners are the org's. The same lists as `chalicelib.core.people` (sec-authz).
NAMED_LISTS: tuple[tuple[str, ...], ...] = (
    ("admins",),
    ("approvers",),
    ("workflows", "revisions", "owners"),
    ("workflows", "incidents", "responders"),
)
ORG_ONLY = "workflows.revisions.owners"


def _namedlist_forms(data: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    for dotted in NAMED_LISTS:
        section = setting_at(data, ".".join(dotted[:-1])) if len(dotted) > 1 else data
        if isinstance(section, Mapping):
            for key, value in list_forms(section, dotted[-1]):
                yield ".".join((*dotted[:-1], key)), value


def _exemptlist_forms(data: Mapping[str, Any], path: str = "") -> Iterator[tuple[str, Any]]:
    """Each `exempt.members` at any depth (native ids allowed: the group's own platform)."""
    for key, value in data.items():
        if key == "groups" and not path:
            continue  # group overrides are checked on their own
        if isinstance(value, Mapping):
            if key == "exempt":
                for name, members in list_forms(value, "members"):
                    yield f"{path}{key}.{name}", members
            yield from _exemptlist_forms(value, f"{path}{key}.")


def check_people(data: Mapping[str, Any], tenants: Tenants, path: str, gid: str | None) -> list[Problem]:
    problems: list[Problem] = []
    home = gid.split(":", 2)[:2] if gid and gid.count(":") >= 2 else None
    for where, ids in _namedlist_forms(data):
        if gid is not None and where.removesuffix("+") == ORG_ONLY:
            problems.append(Problem(f"{path}{where}", "policy.check.org_only"))
            continue
        if not isinstance(ids, list | tuple):
            continue
        for index, value in enumerate(ids):
            at = f"{path}{where}[{index}]"
            if isinstance(value, str) and ":" not in value:
                problems.append(
                    Problem(at, "policy.check.id_unqualified", {"value": value, "example": QUALIFIED_EXAMPLE})
                )
                continue
            found = check_user_id(value, at, tenants)
            if not found and home and isinstance(value, str) and value.split(":", 2)[:2] != home:
                found = [
                    Problem(at, "policy.check.id_other_group", {"value": value, "group": ":".join(home)})
                ]
            problems += found
    for where, ids in _exemptlist_forms(data):
        if isinstance(ids, list | tuple):
            for index, value in enumerate(ids):
                problems += check_user_id(value, f"{path}{where}[{index}]", tenants)
    return problems
