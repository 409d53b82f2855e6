"""What is wrong with a policy, as the operator and the admin read it: `Problem` (a path, a catalogue
key and its parameters, chalicelib/i18n/catalog_policy.py), `PolicyProblems` (every problem at once,
rendered in the reader's language), and pydantic's errors translated into problems, an unknown key with
the nearest known one ("did you mean"). `setting_patch` reads one setting as `/qg policy set` writes it,
walking the same model.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from chalicelib.core.policy import GroupPolicy, PolicyDocument, PolicyError
from chalicelib.i18n import t


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

    def lines(self, locale: str) -> str:
        """Every problem, one a line, without the header (for a reply that has its own)."""
        return "\n".join(p.line(locale) for p in self.problems)

    def render(self, locale: str) -> str:
        lines = [t(locale, "policy.check.header", count=len(self.problems))]
        return "\n".join([*lines, *(p.line(locale) for p in self.problems)])


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
            problems.append(_known(path, message))
    return problems


# The models' own validators say what is wrong in English (chalicelib.core.policy, the domains'
# settings); each known message has its catalogue key (tests/cli/test_policy_validation.py triggers each).
_KNOWN_MESSAGES: tuple[tuple[str, str, str], ...] = (
    ("retention must be at least 1 day: ", "policy.check.retention", "kinds"),
    ("not a regular expression: ", "policy.check.regex", "error"),
    ("join requests need approvers", "policy.check.join_approvers", ""),
    ("reminder_hours must come before timeout_hours", "policy.check.join_reminder", ""),
    ("mark_days < final_days < remove_days", "policy.check.inactivity_order", ""),
)


def _known(path: str, message: str) -> Problem:
    for prefix, key, param in _KNOWN_MESSAGES:
        if message.startswith(prefix):
            return Problem(path, key, {param: message.removeprefix(prefix)} if param else {})
    return Problem(path, "policy.check.invalid", {"error": message})


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
