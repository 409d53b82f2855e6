"""R2.3: does the name a member shows in the group conform? Pure.

The shown name is the platform's display name where it has one (Slack's profile display name, WeCom's
alias), else the directory name itself, which conforms by definition unless the group's pattern says
otherwise. Names are compared after NFKC normalisation, case folding and without spaces, so `Zhang San`,
`zhangsan` and full-width letters agree.

With `match_directory`, the shown name conforms when it contains the directory name (`张三-研发部` for
`张三`), or is one word of a directory name of several words (`Bob` for `Bob Smith`: a given name is a
real name; `Bobby` is not). A directory that does not know the real name (WeCom apps created after
2022-06 get only the user id) cannot be matched against, and is not. With a `pattern`, the whole shown
name must match it, and a group named `name` in the pattern must be the directory name. The pattern runs
on RE2 (`chalicelib.core.patterns`): linear in the name, whatever the admin wrote.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from chalicelib.core.cards import Button, Card
from chalicelib.core.patterns import match_whole
from chalicelib.i18n import t
from chalicelib.membership.settings import RealNameSettings
from chalicelib.membership.views import card_id


@dataclass(frozen=True)
class NameCheck:
    shown: str
    real: str
    conforms: bool
    why: str = ""  # "pattern" or "directory" when it does not


def normalise(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


def check_name(shown: str, real: str | None, settings: RealNameSettings) -> NameCheck:
    """`real` is the directory's real name, or None when the directory does not know it."""
    shown = shown.strip() or (real or "").strip()
    known_real = (real or "").strip()
    if settings.pattern:
        groups = match_whole(settings.pattern, shown)
        if groups is None:
            return NameCheck(shown, known_real, False, "pattern")
        named = groups.get("name")
        if settings.match_directory and known_real and named is not None:
            ok = normalise(named) == normalise(known_real) or _is_part(named, known_real)
            return NameCheck(shown, known_real, ok, "" if ok else "directory")
    if settings.match_directory and known_real and not _contains_real(shown, known_real):
        return NameCheck(shown, known_real, False, "directory")
    return NameCheck(shown, known_real, True)


def _contains_real(shown: str, real: str) -> bool:
    return normalise(real) in normalise(shown) or _is_part(shown, real)


def _is_part(shown: str, real: str) -> bool:
    words = [normalise(word) for word in real.split()]
    return len(words) > 1 and normalise(shown) in words


# What a member and the admins are told ---------------------------------------------------------------
REMOVE = "name.remove"
KEEP = "name.keep"


def nudge_text(check: NameCheck, group_label: str, settings: RealNameSettings, locale: str) -> str:
    example = t(locale, "membership.name.example", example=settings.example) if settings.example else ""
    key = "membership.name.nudge.pattern" if check.why == "pattern" else "membership.name.nudge.directory"
    return t(
        locale,
        key,
        group=group_label,
        shown=check.shown,
        real=check.real,
        hours=settings.grace_hours,
        example=example,
    )


def report_card(
    label: str, *, shown: str, real: str, group_label: str, ref: str, hours: int, locale: str, at: float
) -> Card:
    return Card(
        card_id=card_id("name", ref, at),
        title=t(locale, "membership.name.report.title", name=label),
        body=t(
            locale,
            "membership.name.report.body",
            group=group_label,
            shown=shown,
            real=real or "-",
            hours=hours,
        ),
        buttons=(
            Button(t(locale, "membership.name.button.remove"), REMOVE, ref, "danger"),
            Button(t(locale, "membership.name.button.keep"), KEEP, ref),
        ),
    )
