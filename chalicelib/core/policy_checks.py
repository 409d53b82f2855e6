"""The strict gate a policy passes before it is applied (`qunguan policy validate|apply`, `/qg policy set`).

`check_policy(scope, text, org=..., tenants=...)` parses and validates a policy text as the worker would
read it, and adds what the model alone cannot know:

- member and admin ids in each platform's id format, and qualified ids (`platform:tenant:user`) in a
  tenant of this deployment (`Tenants`: the configured WeCom corp id and the tenants of known groups);
- lexicon terms, ad words, topic keywords and allow phrases non-empty, at least two characters or letters
  (a single character only under `rules.lexicon.exact_terms`, where it matches only a whole message), and
  no term twice;
- regular expressions usable by the rule engine (the pattern-safety check where one is installed);
- every pydantic error as a `Problem` with a catalogue key, so the operator and the admin read it in
  their language, and an unknown key with the nearest known one ("did you mean").

Every problem is reported at once, by path; `PolicyProblems.render(locale)` is the text to show. The
worker's own loading (`load_policy_yaml`, `resolve`) stays as it was: a stored policy that predates a
check keeps working, and only what is applied from now on passes through here.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from chalicelib.core.policy import GroupPolicy, PolicyDocument, PolicyError, merge
from chalicelib.core.text import normalise_text
from chalicelib.i18n import t

ORG_SCOPE = "org"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a policy: where (`path`), and a catalogue key with its parameters."""

    path: str
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, locale: str) -> str:
        params = dict(self.params)
        if self.key == "policy.check.unknown_key":
            suggestion = params.pop("suggestion", "")
            params["hint"] = (
                t(locale, "policy.check.did_you_mean", suggestion=suggestion) if suggestion else ""
            )
        return t(locale, self.key, **params)

    def line(self, locale: str) -> str:
        path = self.path or t(locale, "policy.check.root")
        return t(locale, "policy.check.line", path=path, message=self.message(locale))


class PolicyProblems(PolicyError):
    """A refused policy: every problem, renderable in the reader's language (str() is English)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.line("en").removeprefix("- ") for p in self.problems))

    def render(self, locale: str) -> str:
        lines = [t(locale, "policy.check.header", count=len(self.problems))]
        return "\n".join([*lines, *(p.line(locale) for p in self.problems)])


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


# --- terms --------------------------------------------------------------------------------------------

MIN_TERM_CHARS = 2
TERM_LISTS = ("rules.ads.extra_words", "rules.topic.keywords")
PATTERNS = ("rules.files.name_pattern", "membership.real_names.pattern")


def term_weight(term: str) -> int:
    """Characters that matter: letters, digits and CJK characters, after normalisation."""
    return sum(1 for char in normalise_text(term) if char.isalnum())


def _check_terms(terms: Any, path: str, *, exact: bool, seen: dict[str, str]) -> list[Problem]:
    if not isinstance(terms, list | tuple):
        return []  # the model reports the type
    problems: list[Problem] = []
    for index, term in enumerate(terms):
        where = f"{path}[{index}]"
        if not isinstance(term, str):
            continue
        if not term.strip():
            problems.append(Problem(where, "policy.check.term_empty"))
            continue
        if not exact and term_weight(term) < MIN_TERM_CHARS:
            problems.append(Problem(where, "policy.check.term_short", {"term": term}))
        key = normalise_text(term).strip()
        if key in seen:
            problems.append(Problem(where, "policy.check.duplicate", {"term": term, "other": seen[key]}))
        else:
            seen[key] = where
    return problems


def _lists(section: Mapping[str, Any], name: str) -> Iterator[tuple[str, Any]]:
    """A list setting and its `name+` append form, as written in an override."""
    for key in (name, f"{name}+"):
        if key in section:
            yield key, section[key]


def _check_lexicon(lexicon: Mapping[str, Any], path: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for name, exact in (("extra_terms", False), ("exact_terms", True)):
        for key, by_category in _lists(lexicon, name):
            if isinstance(by_category, Mapping):
                for category, terms in by_category.items():
                    problems += _check_terms(terms, f"{path}.{key}.{category}", exact=exact, seen=seen)
    allowed: dict[str, str] = {}
    for key, phrases in _lists(lexicon, "allow"):
        problems += [
            p
            for p in _check_terms(phrases, f"{path}.{key}", exact=True, seen=allowed)
            if p.key != "policy.check.term_short"
        ]
    return problems


# --- the document -------------------------------------------------------------------------------------


def _get(data: Mapping[str, Any], dotted: str) -> Any:
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


def _named_lists(data: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    for dotted in NAMED_LISTS:
        section = _get(data, ".".join(dotted[:-1])) if len(dotted) > 1 else data
        if isinstance(section, Mapping):
            for key, value in _lists(section, dotted[-1]):
                yield ".".join((*dotted[:-1], key)), value


def _exempt_lists(data: Mapping[str, Any], path: str = "") -> Iterator[tuple[str, Any]]:
    """Each `exempt.members` at any depth (native ids allowed: the group's own platform)."""
    for key, value in data.items():
        if key == "groups" and not path:
            continue  # group overrides are checked on their own
        if isinstance(value, Mapping):
            if key == "exempt":
                for name, members in _lists(value, "members"):
                    yield f"{path}{key}.{name}", members
            yield from _exempt_lists(value, f"{path}{key}.")


def _check_people(data: Mapping[str, Any], tenants: Tenants, path: str, gid: str | None) -> list[Problem]:
    problems: list[Problem] = []
    home = gid.split(":", 2)[:2] if gid and gid.count(":") >= 2 else None
    for where, ids in _named_lists(data):
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
    for where, ids in _exempt_lists(data):
        if isinstance(ids, list | tuple):
            for index, value in enumerate(ids):
                problems += check_user_id(value, f"{path}{where}[{index}]", tenants)
    return problems


def check_raw(
    data: Mapping[str, Any], tenants: Tenants, path: str = "", gid: str | None = None
) -> list[Problem]:
    """The checks the model cannot make, on the document as written: an org document, or the override of
    the group `gid`."""
    problems = _check_people(data, tenants, path, gid)
    lexicon = _get(data, "rules.lexicon")
    if isinstance(lexicon, Mapping):
        problems += _check_lexicon(lexicon, f"{path}rules.lexicon")
    for dotted in TERM_LISTS:
        section_path, name = dotted.rsplit(".", 1)
        section = _get(data, section_path)
        if isinstance(section, Mapping):
            for key, terms in _lists(section, name):
                problems += _check_terms(terms, f"{path}{section_path}.{key}", exact=False, seen={})
    for dotted in PATTERNS:
        pattern = _get(data, dotted)
        if isinstance(pattern, str) and pattern:
            problems += _check_pattern(pattern, f"{path}{dotted}")
    groups = data.get("groups") if not path else None
    if isinstance(groups, Mapping):
        for inline, override in groups.items():
            problems += check_group_id(str(inline), f"groups.{inline}", tenants)
            if isinstance(override, Mapping):
                problems += check_raw(override, tenants, f"groups.{inline}.", str(inline))
    return problems


def _check_pattern(pattern: str, path: str) -> list[Problem]:
    """A pattern as the rules will run it: through the pattern-safety check where it is installed
    (`chalicelib.core.patterns.check_pattern`: RE2, which cannot backtrack, answering the reason it
    refuses a pattern), else compiled by Python's engine."""
    import importlib

    try:
        check = getattr(importlib.import_module("chalicelib.core.patterns"), "check_pattern", None)
    except ImportError:
        check = None
    reason: str | None = None
    try:
        if check is not None:
            reason = check(pattern)
        else:
            re.compile(pattern)
    except (re.error, ValueError) as exc:
        reason = str(exc)
    return [Problem(path, "policy.check.regex", {"error": str(reason)})] if reason else []


# --- pydantic errors, translated ------------------------------------------------------------------------

_TYPE_KEYS = {
    "missing": "policy.check.missing",
    "int_type": "policy.check.integer",
    "int_parsing": "policy.check.integer",
    "int_from_float": "policy.check.integer",
    "float_type": "policy.check.number",
    "float_parsing": "policy.check.number",
    "bool_type": "policy.check.boolean",
    "bool_parsing": "policy.check.boolean",
    "string_type": "policy.check.text",
    "tuple_type": "policy.check.list",
    "list_type": "policy.check.list",
    "dict_type": "policy.check.mapping",
    "model_type": "policy.check.mapping",
    "model_attributes_type": "policy.check.mapping",
}
_LIMIT_KEYS = {
    "greater_than_equal": ("policy.check.min", "ge"),
    "greater_than": ("policy.check.above", "gt"),
    "less_than_equal": ("policy.check.max", "le"),
    "less_than": ("policy.check.below", "lt"),
}


def dotted_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def translate(
    exc: ValidationError, root: type[BaseModel] = PolicyDocument, prefix: str = ""
) -> list[Problem]:
    """Each pydantic error as a `Problem` the catalogue can say in any language."""
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        path = prefix + dotted_path(loc)
        kind = error["type"]
        ctx = error.get("ctx") or {}
        if kind == "extra_forbidden":
            name = str(loc[-1]) if loc else ""
            close = difflib.get_close_matches(name, field_names(root, loc[:-1]), n=1, cutoff=0.6)
            problems.append(
                Problem(path, "policy.check.unknown_key", {"key": name, "suggestion": "".join(close)})
            )
        elif kind == "literal_error":
            expected = str(ctx.get("expected", ""))
            values = re.findall(r"'([^']*)'", expected)
            shown = " | ".join(values) if values else expected
            problems.append(Problem(path, "policy.check.one_of", {"expected": shown}))
        elif kind in _LIMIT_KEYS:
            key, bound = _LIMIT_KEYS[kind]
            problems.append(Problem(path, key, {"limit": ctx.get(bound, "")}))
        elif kind in _TYPE_KEYS:
            problems.append(Problem(path, _TYPE_KEYS[kind]))
        else:
            message = str(error.get("msg", "")).removeprefix("Value error, ")
            problems.append(Problem(path, "policy.check.invalid", {"error": message}))
    return problems


def field_names(root: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The setting names allowed at `loc` (a model's fields), for "did you mean"."""
    annotation: Any = root
    for part in loc:
        annotation = _step(annotation, part)
        if annotation is None:
            return []
    model = _model_of(annotation)
    return list(model.model_fields) if model is not None else []


def _step(annotation: Any, part: int | str) -> Any:
    model = _model_of(annotation)
    if model is not None and isinstance(part, str):
        found = model.model_fields.get(part)
        return None if found is None else found.annotation
    for arg in _variants(annotation):
        origin = typing.get_origin(arg)
        args = typing.get_args(arg)
        if origin is dict and len(args) == 2:
            return args[1]
        if origin in (tuple, list) and args:
            return args[0]
    return None


def _variants(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    for arg in _variants(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


# --- one setting, as `/qg policy set <path> <value>` writes it -----------------------------------------


def setting_patch(path: str, raw: str) -> dict[str, Any]:
    """`{a: {b: value}}` for `a.b`, the value read as the setting's type wants it: text settings (a file
    name pattern such as `[A-Z].*`) take the words as written; others are read as YAML (numbers, lists,
    `true`), and words that are not YAML stay text, for the model to judge."""
    parts = path.split(".")
    annotation: Any = GroupPolicy
    for part in parts:
        annotation = _step(annotation, part.removesuffix("+")) if annotation is not None else None
    value: Any = raw
    if annotation is None or not _is_text(annotation):
        try:
            value = yaml.safe_load(raw)
        except yaml.YAMLError:
            value = raw
    patch: dict[str, Any] = {parts[-1]: value}
    for part in reversed(parts[:-1]):
        patch = {part: patch}
    return patch


def _is_text(annotation: Any) -> bool:
    variants = [arg for arg in _variants(annotation) if arg is not type(None)]
    return bool(variants) and all(arg is str for arg in variants)


# --- the gate -----------------------------------------------------------------------------------------


def parse_yaml(text: str) -> dict[str, Any]:
    """The document as written; PolicyProblems if it is not YAML or not a mapping."""
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = str(getattr(exc, "problem", None) or exc)
        raise PolicyProblems([Problem("", "policy.check.yaml", {"line": line, "error": problem})]) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PolicyProblems([Problem("", "policy.check.not_mapping")])
    return data


def check_policy(
    scope: str, text: str, *, org: PolicyDocument | None = None, tenants: Tenants | None = None
) -> GroupPolicy:
    """The policy `text` gives at `scope` (`org`, or `group:<gid>` for an override resolved onto `org`),
    or PolicyProblems with every problem found."""
    return check_data(scope, parse_yaml(text), org=org, tenants=tenants)


def check_data(
    scope: str, data: Mapping[str, Any], *, org: PolicyDocument | None = None, tenants: Tenants | None = None
) -> GroupPolicy:
    tenants = tenants or Tenants()
    problems = check_raw(data, tenants, gid=None if scope == ORG_SCOPE else scope.removeprefix("group:"))
    policy: GroupPolicy | None = None
    try:
        policy = _validate_org(data) if scope == ORG_SCOPE else _validate_override(data, org)
    except PolicyProblems as exc:
        problems = [*exc.problems, *problems]
    if problems:
        raise PolicyProblems(_unique(problems))
    if policy is None:  # pragma: no cover - a failure above always has problems
        raise PolicyProblems([Problem("", "policy.check.not_mapping")])
    return policy


def _validate_org(data: Mapping[str, Any]) -> PolicyDocument:
    problems: list[Problem] = []
    groups = data.get("groups")
    if isinstance(groups, Mapping):
        base = {k: v for k, v in data.items() if k != "groups"}
        for gid, override in groups.items():
            if isinstance(override, Mapping):
                problems += _override_problems(base, override, GroupPolicy, f"groups.{gid}.")
    try:
        document = PolicyDocument.model_validate(data)
    except ValidationError as exc:
        translated = [p for p in translate(exc) if not (p.path == "" and p.key == "policy.check.invalid")]
        raise PolicyProblems(translated + problems or translate(exc)) from exc
    if problems:
        raise PolicyProblems(problems)
    return document


def _validate_override(data: Mapping[str, Any], org: PolicyDocument | None) -> GroupPolicy:
    from chalicelib.core.policy import DEFAULT_ORG_POLICY

    org = org or DEFAULT_ORG_POLICY
    if "groups" in data:
        raise PolicyProblems(
            [Problem("groups", "policy.check.unknown_key", {"key": "groups", "suggestion": ""})]
        )
    base = org.model_dump(mode="python", exclude={"groups"})
    patch = dict(data)
    patch.pop("version", None)
    problems = _override_problems(base, patch, GroupPolicy, "")
    if problems:
        raise PolicyProblems(problems)
    return GroupPolicy.model_validate(merge(base, patch))


def _override_problems(
    base: Mapping[str, Any], patch: Mapping[str, Any], model: type[BaseModel], prefix: str
) -> list[Problem]:
    try:
        merged = merge(base, patch)
    except PolicyError as exc:
        return [Problem(prefix.rstrip("."), "policy.check.invalid", {"error": str(exc)})]
    try:
        model.model_validate(merged)
    except ValidationError as exc:
        return translate(exc, model, prefix)
    return []


def _unique(problems: list[Problem]) -> list[Problem]:
    """Each problem once; the model's untranslated message dropped where a check said it better."""
    specific = {p.path for p in problems if p.key != "policy.check.invalid"}
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for problem in problems:
        if problem.key == "policy.check.invalid" and problem.path in specific:
            continue
        key = (problem.path, problem.key, repr(sorted(problem.params.items())))
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept
