"""The setup card (issue 16, item 2): a form to whoever added the bot, and the group's setup it applies.

The card asks, each prefilled with what holds now:

    mode     enforce | warn (trial) | shadow (record only) | off (not this group)
    preset   standard | strict | relaxed | meeting (`chalicelib.membership.presets`)
    locale   zh-CN | zh-TW | en
    zone     the group's UTC offset (`jobs.utc_offset_hours`)
    admins   the group's admins as the platform named them: kept, taken off, or (Slack's user picker)
             added to

and has one button, `setup.apply`, sealed with the group. What each platform's card can carry
(`Capabilities.choices`) shapes the form: WeCom's choice card takes three single choices, so the
language and the time zone become one choice of pairs there, and the admins are confirmed as listed
(changed with `admins add|remove`, which the card names).

Pressing it (an admin of the group only, `ClickGate`) decides, then acts like `policy set`: the group's
override gets the preset, mode, language and time zone as a new version, checked by the same strict
checks, with the change in the audit record; `off` stops governing the group; the admins chosen replace
the group's own (never none). The card is then replaced by what was set.

The version is written under the click's claim (`PolicyRepo.apply(claim=...)`): a worker killed after
writing it and before its answer reached the outbox leaves the redelivery to decide again, and that
finds the version its click wrote (`PolicyRepo.claimed`) and answers with it, never writing a second.
The enabling and the admins are set to the same values again, which changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from chalicelib.authz import admins_told, is_admin
from chalicelib.core.actions import Decision, Reply, UpdateCard
from chalicelib.core.cards import Button, Card, Option, Select
from chalicelib.core.events import CardClicked, Event
from chalicelib.core.localtime import offset_label
from chalicelib.core.naming import group_label
from chalicelib.i18n import LOCALES, t
from chalicelib.kernel.act import event_claim
from chalicelib.kernel.clicks import ClickAnswers, ClickGate, OpenedClick
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.people import name_of
from chalicelib.membership.groups import set_enabled
from chalicelib.membership.presets import PRESETS, STANDARD, preset_of, with_preset
from chalicelib.moderation.sealing import handled_card
from chalicelib.store import keys
from chalicelib.store.records import GroupRecord

PREFIX = "setup"
APPLY = "apply"
MODES = ("enforce", "warn", "shadow", "off")
ZONES = (8.0, 9.0, 7.0, 5.5, 3.0, 1.0, 0.0, -5.0, -8.0)  # with the group's own, at most 10 (WeCom)
LOCALE_NAMES = {"zh-CN": "简体中文", "zh-TW": "繁體中文", "en": "English"}
REGION_SEPARATOR = "@"


class SetupRefused(ValueError):
    """A choice the card never offered (a forged or stale click)."""


def _zone_value(hours: float) -> str:
    return f"{hours:g}"


def _zones(current: float) -> tuple[float, ...]:
    return (current, *(zone for zone in ZONES if zone != current))[:10]


def setup_card(event: Event, ctx: Context, deps: Deps, admins: tuple[str, ...]) -> Card:
    """The form, in the group's language, prefilled with what holds now, shaped to the platform."""
    locale, prefix = ctx.locale, command_prefix(event.platform)
    group = group_label(event.platform, event.chat, ctx.group.name if ctx.group else "")
    names = [name_of(event, admin, deps) for admin in admins]
    choices = deps.messenger(event.platform).capabilities.choices
    offset = ctx.policy.jobs.utc_offset_hours
    mode = ctx.policy.mode if ctx.group is None or ctx.group.enabled else "off"
    selects = [
        Select(
            "mode",
            t(locale, "setup.select.mode"),
            tuple(Option(t(locale, f"setup.button.{m}"), m) for m in MODES),
            (mode,),
        ),
        Select(
            "preset",
            t(locale, "setup.select.preset"),
            tuple(Option(t(locale, f"setup.preset.{p}"), p) for p in PRESETS),
            (_current_preset(event, deps) or STANDARD,),
        ),
        Select(
            "locale",
            t(locale, "setup.select.locale"),
            tuple(Option(LOCALE_NAMES[code], code) for code in LOCALES),
            (ctx.locale,),
        ),
        Select(
            "zone",
            t(locale, "setup.select.zone"),
            tuple(Option(offset_label(z), _zone_value(z)) for z in _zones(offset)),
            (_zone_value(offset),),
        ),
    ]
    if len(selects) > choices.max_selects:  # WeCom: the language and the time zone as one choice
        selects[2:] = [_regions(locale, ctx.locale, offset)]
    own = admins if admins_told(ctx, event)[1] == "group" else ()
    if choices.multiple and len(selects) < choices.max_selects and (own or choices.people):
        selects.append(
            Select(
                "admins",
                t(locale, "setup.select.admins"),
                tuple(Option(name_of(event, admin, deps), admin) for admin in own),
                own,
                multiple=True,
                people=choices.people,
            )
        )
    body = t(
        locale,
        "setup.card.body",
        admins="、".join(names) if names else t(locale, "setup.nobody"),
        prefix=prefix,
    )
    return Card(
        card_id=f"setup:{event.chat}",
        title=t(locale, "setup.card.title", group=group),
        body=body,
        buttons=(Button(t(locale, "setup.button.apply"), APPLY, event.chat, "primary"),),
        selects=tuple(selects),
    )


def _regions(locale: str, current: str, offset: float) -> Select:
    """Language and time zone as pairs: the group's own first, then each language in UTC+8, then English
    elsewhere (ten at most, WeCom's limit)."""
    pairs = [(current, offset), *((code, 8.0) for code in LOCALES)]
    pairs += [("en", zone) for zone in ZONES if zone != 8.0]
    unique = list(dict.fromkeys(pairs))[:10]
    options = tuple(
        Option(f"{LOCALE_NAMES[code]} · {offset_label(zone)}", f"{code}{REGION_SEPARATOR}{_zone_value(zone)}")
        for code, zone in unique
    )
    return Select("region", t(locale, "setup.select.region"), options, (options[0].value,))


def _current_preset(event: Event, deps: Deps) -> str | None:
    from chalicelib.kernel.context import policies
    from chalicelib.kernel.policies import parse_override

    live = policies(deps).current(keys.group_policy_scope(event.gid))
    return preset_of(parse_override(live.text)) if live else STANDARD


# --- the click --------------------------------------------------------------------------------------

GATE = ClickGate(
    ClickAnswers(invalid="admin.card_invalid", refused="admin.refused", direct=False),
    kinds=(APPLY, *MODES),
    allowed=is_admin,
    refusal="setup by a non-admin of {chat}",
)


@dataclasses.dataclass(frozen=True)
class Setup:
    """What the admin chose; None where the card did not ask (or the platform sent nothing)."""

    mode: str | None = None
    preset: str | None = None
    locale: str | None = None
    zone: float | None = None
    admins: tuple[str, ...] = ()


def chosen_setup(click: CardClicked, kind: str) -> Setup:
    """The choices of a click, each checked against what the card offers (`SetupRefused` otherwise)."""
    if kind != APPLY:  # a card of the old kind: one button per mode
        return Setup(mode=kind)
    mode, preset, locale, zone = (_one(click, key) for key in ("mode", "preset", "locale", "zone"))
    region = _one(click, "region")
    if region:
        locale, _, zone = region.partition(REGION_SEPARATOR)
    if mode is not None and mode not in MODES:
        raise SetupRefused(f"mode {mode!r}")
    if preset is not None and preset not in PRESETS:
        raise SetupRefused(f"preset {preset!r}")
    if locale is not None and locale not in LOCALES:
        raise SetupRefused(f"locale {locale!r}")
    hours = _hours(zone) if zone is not None else None
    return Setup(mode, preset, locale, hours, tuple(dict.fromkeys(a for a in click.chosen("admins") if a)))


def _offered_admins(opened: OpenedClick, setup: Setup, deps: Deps) -> None:
    """Admins chosen among the card's options, where the platform has no user picker: the group's own."""
    if not setup.admins or deps.messenger(opened.click.platform).capabilities.choices.people:
        return
    found, source = admins_told(opened.ctx, opened.located)
    if not set(setup.admins) <= set(found if source == "group" else ()):
        raise SetupRefused(f"admins {list(setup.admins)!r}")


def _one(click: CardClicked, key: str) -> str | None:
    values = click.chosen(key)
    return values[0] if values else None


def _hours(zone: str) -> float:
    try:
        hours = float(zone)
    except ValueError as exc:
        raise SetupRefused(f"zone {zone!r}") from exc
    if not -12 <= hours <= 14 or (hours * 4) % 1:  # real offsets are whole quarter hours
        raise SetupRefused(f"zone {zone!r}")
    return hours


def on_card(click: CardClicked, ctx: Context, deps: Deps) -> Decision:
    opened = GATE.open(click, ctx, deps)
    if isinstance(opened, Decision):
        return opened
    gctx = opened.ctx
    if gctx.group is None:
        return Decision()
    try:
        setup = chosen_setup(click, opened.kind)
        _offered_admins(opened, setup, deps)
    except SetupRefused as exc:
        refusal = t(gctx.locale, "admin.card_invalid")
        return dataclasses.replace(Decision.of(_private(refusal)), refused=f"setup: {exc}")
    from chalicelib.core.policy import PolicyError
    from chalicelib.core.policy_checks import PolicyProblems

    try:
        audit = _apply(opened, gctx.group, setup, deps)
    except PolicyProblems as exc:
        text = t(gctx.locale, "policy.error", error="\n" + exc.lines(gctx.locale))
        return Decision.of(_private(text[:1500]))
    except PolicyError as exc:
        return Decision.of(_private(t(gctx.locale, "policy.error", error=str(exc)[:300])))
    return _answer(opened, setup, deps, audit)


def _private(text: str) -> Reply:
    return Reply(text=text, private=True, reason="setup.refused")


def _apply(opened: OpenedClick, group: GroupRecord, setup: Setup, deps: Deps) -> dict[str, Any]:
    """Carry the choices out; what was set, for the audit record."""
    import yaml

    from chalicelib.core.policy import merge
    from chalicelib.core.policy_checks import Tenants, check_data
    from chalicelib.kernel.context import policies
    from chalicelib.kernel.policies import parse_override

    event, ctx = opened.located, opened.ctx
    record: dict[str, Any] = {"setup": dataclasses.asdict(setup)}
    if setup.mode == "off":
        set_enabled(deps, group, False)
        return record
    if not group.enabled:
        set_enabled(deps, group, True)
    repo = policies(deps)
    scope = keys.group_policy_scope(event.gid)
    claim = event_claim(opened.click).id
    earlier = repo.claimed(scope, claim)
    if earlier is not None:  # this very click, processed before and killed after writing: not twice
        return _admins_set(opened, group, deps, setup, {**record, "version": earlier.version})
    live = repo.current(scope)
    override = parse_override(live.text) if live else {}
    if setup.preset is not None:
        override = with_preset(override, setup.preset)
    patch: dict[str, Any] = {}
    if setup.mode is not None:
        patch["mode"] = setup.mode
    if setup.locale is not None:
        patch["locale"] = setup.locale
    if setup.zone is not None:
        patch["jobs"] = {"utc_offset_hours": setup.zone}
    override = merge(override, patch)
    check_data(scope, override, org=repo.org(), tenants=Tenants.of([(event.platform, event.tenant)]))
    applied = repo.apply(
        scope,
        yaml.safe_dump(override, allow_unicode=True),
        author=opened.click.user,
        now=ctx.now,
        claim=claim,
        looked=True,
    )
    return _admins_set(opened, group, deps, setup, {**record, "version": applied.version})


def _admins_set(
    opened: OpenedClick, group: GroupRecord, deps: Deps, setup: Setup, record: dict[str, Any]
) -> dict[str, Any]:
    """The admins chosen, set (idempotent: a redelivery sets the same again); the audit record with them."""
    if not setup.admins:
        return record
    _set_admins(opened.located, opened.ctx, group, deps, setup.admins)
    return {**record, "admins": list(setup.admins)}


def _set_admins(event: Event, ctx: Context, group: GroupRecord, deps: Deps, chosen: tuple[str, ...]) -> None:
    """The group's own admins become `chosen`: those taken off are overridden off, the new ones on."""
    found, source = admins_told(ctx, event)
    before = set(found) if source == "group" else set()
    wanted = set(chosen)
    changed = dataclasses.replace(
        group,
        added_admins=tuple(
            dict.fromkeys((*(a for a in group.added_admins if a in wanted), *(wanted - before)))
        ),
        removed_admins=tuple(
            dict.fromkeys((*(a for a in group.removed_admins if a not in wanted), *(before - wanted)))
        ),
    )
    _save(changed, deps)


def _ordered(*parts: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for part in parts for item in part))


def _save(record: GroupRecord, deps: Deps) -> None:
    deps.store.put_group(record)
    deps.groups.drop(record.gid)


def _answer(opened: OpenedClick, setup: Setup, deps: Deps, audit: dict[str, Any]) -> Decision:
    """The card, replaced by what now holds (read back, so it says what the group really has)."""
    from chalicelib.kernel.context import load_context

    click = opened.click
    deps.groups.drop(opened.located.gid)
    ctx = load_context(opened.located, deps)  # the group as it is now: its new language, zone, admins
    group = ctx.group
    if group is None:  # pragma: no cover - it was there a moment ago
        return Decision()
    prefix = command_prefix(click.platform)
    label = group_label(click.platform, opened.chat, group.name)
    by = name_of(opened.located, click.user, deps)
    locale = ctx.locale
    if setup.mode == "off":
        line = t(locale, "setup.chosen.off", group=label, by=by, prefix=prefix)
    else:
        admins, _ = admins_told(ctx, opened.located)
        line = t(
            locale,
            "setup.applied",
            group=label,
            by=by,
            mode=t(locale, f"setup.button.{ctx.policy.mode}"),
            preset=t(locale, f"setup.preset.{_current_preset(opened.located, deps) or 'custom'}"),
            locale=LOCALE_NAMES.get(ctx.locale, ctx.locale),
            zone=offset_label(ctx.policy.jobs.utc_offset_hours),
            admins="、".join(name_of(opened.located, a, deps) for a in admins) or t(locale, "setup.nobody"),
        )
    update = UpdateCard(
        card=handled_card(
            click.card_id or f"setup:{opened.chat}", t(locale, "setup.card.title", group=label), line
        ),
        card_ref=click.card_id,
        response_token=click.response_token,
        user=click.user,
        reason="setup.chosen",
    )
    record = {**audit, "setup_choice": setup.mode or ""}
    return Decision(Decision.of(update).actions, audit=record, acting_chat=opened.chat)


CARD_ACTIONS = {PREFIX: on_card}
