"""The strict gate a policy passes before it is applied (`qunguan policy validate|apply`, `/qg policy set`).

`check_policy(scope, text, org=..., tenants=...)` parses and validates a policy text as the worker would
read it, and adds what the model alone cannot know:

- the people it names, in each platform's id format and of this deployment's tenants
  (`chalicelib.core.policy_people`);
- lexicon terms, ad words, topic keywords and allow phrases non-empty, at least two characters or letters
  (a single character only under `rules.lexicon.exact_terms`, where it matches only a whole message), and
  no term twice;
- patterns that the engine can run: RE2, which cannot backtrack (`chalicelib.core.patterns`);
- every pydantic error as a `Problem` with a catalogue key (`chalicelib.core.policy_problems`), so the
  operator and the admin read it in their language, and an unknown key with the nearest known one.

Every problem is reported at once, by path; `PolicyProblems.render(locale)` is the text to show. The
worker's own loading (`load_policy_yaml`, `resolve`) stays as it was: a stored policy that predates a
check keeps working, and only what is applied from now on passes through here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from chalicelib.core.policy import GroupPolicy, PolicyDocument, PolicyError, merge
from chalicelib.core.policy_people import Tenants, check_group_id, check_people, list_forms, setting_at
from chalicelib.core.policy_problems import PolicyProblems, Problem, setting_patch, translate
from chalicelib.core.text import normalise_text

__all__ = [
    "PolicyProblems",
    "Problem",
    "Tenants",
    "check_data",
    "check_group_id",
    "check_policy",
    "parse_yaml",
    "setting_patch",
]

ORG_SCOPE = "org"


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


def _check_lexicon(lexicon: Mapping[str, Any], path: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for name, exact in (("extra_terms", False), ("exact_terms", True)):
        for key, by_category in list_forms(lexicon, name):
            if isinstance(by_category, Mapping):
                for category, terms in by_category.items():
                    problems += _check_terms(terms, f"{path}.{key}.{category}", exact=exact, seen=seen)
    allowed: dict[str, str] = {}
    for key, phrases in list_forms(lexicon, "allow"):
        problems += [
            p
            for p in _check_terms(phrases, f"{path}.{key}", exact=True, seen=allowed)
            if p.key != "policy.check.term_short"
        ]
    return problems


# --- the document -------------------------------------------------------------------------------------


def check_raw(
    data: Mapping[str, Any], tenants: Tenants, path: str = "", gid: str | None = None
) -> list[Problem]:
    """The checks the model cannot make, on the document as written: an org document, or the override of
    the group `gid`."""
    problems = check_people(data, tenants, path, gid)
    lexicon = setting_at(data, "rules.lexicon")
    if isinstance(lexicon, Mapping):
        problems += _check_lexicon(lexicon, f"{path}rules.lexicon")
    for dotted in TERM_LISTS:
        section_path, name = dotted.rsplit(".", 1)
        section = setting_at(data, section_path)
        if isinstance(section, Mapping):
            for key, terms in list_forms(section, name):
                problems += _check_terms(terms, f"{path}{section_path}.{key}", exact=False, seen={})
    for dotted in PATTERNS:
        pattern = setting_at(data, dotted)
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
    """A pattern as the rules will run it: on RE2, which cannot backtrack (`chalicelib.core.patterns`,
    which answers why it refuses one)."""
    from chalicelib.core.patterns import check_pattern

    reason = check_pattern(pattern)
    return [_pattern_problem(path, reason)] if reason else []


def _pattern_problem(path: str, reason: str) -> Problem:
    """The pattern check's reason (English, `chalicelib.core.patterns`) as a catalogue message: what is
    unsupported stays as written (it is syntax), the sentence around it is translated."""
    unsupported = re.fullmatch(r"(.+?) (?:is|are) not supported(?:: (.+))?", reason)
    if unsupported and not unsupported.group(2):
        return Problem(path, "policy.check.regex_unsupported", {"construct": unsupported.group(1)})
    longer = re.fullmatch(r"the pattern is longer than (\d+) characters", reason)
    if longer:
        return Problem(path, "policy.check.regex_long", {"limit": longer.group(1)})
    if reason.startswith(("a repetition count", "the pattern is too large")):
        return Problem(path, "policy.check.regex_large")
    return Problem(path, "policy.check.regex", {"error": reason})


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
