"""The bot arrives in a group (issue 16, items 1 and 2): whoever added it becomes an admin there and gets
the setup card (govern this group or not, and how; who the admins are; its language and time zone), and
the group gets a short introduction. Once per group (a conditional put on the group's `SETUP` item).
The decision is marked `aside` (`chalicelib.worker.pipeline`): it does not answer the message that
revealed the group, so a command or chatter there is still answered.

- Slack says who invited the bot (`member_joined_channel` for the bot's own user, `inviter`).
- WeCom and DingTalk say nothing when the bot is added: the first message the bot sees in a group it has
  just registered is its arrival, and the card goes to the admins the platform names for the group (or
  the organisation's, `chalicelib.authz.admins_of`). Not where the org's policy already names who runs
  its groups (`admins`): that organisation has set up its groups already.

The card's buttons (`setup.enforce|warn|shadow|off`) are sealed with the group and work for its admins
only: they set the group's `mode` (a group policy version) or switch governing off.
"""

from __future__ import annotations

from dataclasses import replace

from chalicelib.adapters.base import Capability
from chalicelib.authz import admins_told, directory_user, is_admin
from chalicelib.core.actions import Action, Decision, PostCard, PostText, UpdateCard
from chalicelib.core.cards import Button, Card
from chalicelib.core.events import CardClicked, Event, MemberJoined, MessagePosted
from chalicelib.core.localtime import offset_label
from chalicelib.core.naming import group_label, person_label
from chalicelib.i18n import t
from chalicelib.kernel.clicks import ClickAnswers, ClickGate
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.group_info import learn_admin
from chalicelib.membership.groups import set_enabled
from chalicelib.moderation.sealing import handled_card, seal_card
from chalicelib.store import keys
from chalicelib.store.records import Item

PREFIX = "setup"
CHOICES = ("enforce", "warn", "shadow", "off")
FRESH_SECONDS = 300  # a group registered this recently is one the bot has just arrived in
LOCALE_NAMES = {"zh-CN": "简体中文", "zh-TW": "繁體中文", "en": "English"}


def on_joined(event: MemberJoined, ctx: Context, deps: Deps) -> Decision:
    """The bot itself joined: its inviter is an admin of the group, and is the one to set it up."""
    if not event.chat or ctx.group is None:
        return Decision()
    if event.user != deps.messenger(event.platform).bot_user_id(event.tenant):
        return Decision()
    if event.inviter:
        group = learn_admin(ctx.group, event.inviter)
        if group != ctx.group:
            deps.store.put_group(group)
            deps.groups.drop(group.gid)
            ctx = replace(ctx, group=group)
    return arrive(event, ctx, deps, to=(event.inviter,) if event.inviter else (), introduce=True)


def on_first_message(event: MessagePosted, ctx: Context, deps: Deps) -> Decision:
    """The first message in a group just registered: the arrival on platforms that do not announce it."""
    group = ctx.group
    if event.direct or not event.chat or group is None or ctx.now - group.created_at > FRESH_SECONDS:
        return Decision()
    from chalicelib.moderation.handlers import addressed_command

    if ctx.policy.admins or addressed_command(event, ctx):
        return Decision()  # set up already, or a command the bot answers anyway
    return arrive(event, ctx, deps, to=(), introduce=False)


def arrive(event: Event, ctx: Context, deps: Deps, *, to: tuple[str, ...], introduce: bool) -> Decision:
    """The setup card to `to` (else the group's admins) and, when the bot was seen to join, the
    introduction in the group; once. Nothing when there is nobody to set it up and nothing to say."""
    if ctx.group is None:
        return Decision()
    admins, _ = admins_told(ctx, event)
    recipients = to or admins
    if not recipients and not introduce:
        return Decision()
    claim = Item(keys.group_pk(event.gid), keys.setup_sk(), {"at": ctx.now, "by": ",".join(to)})
    if not deps.store.put_item(claim, if_absent=True):
        return Decision()
    prefix = command_prefix(event.platform)
    actions: list[Action] = []
    messenger = deps.messenger(event.platform)
    if introduce and messenger.capabilities.allows(Capability.POST_TO_GROUP, app_group=ctx.group.app_created):
        actions.append(
            PostText(chat=event.chat, text=t(ctx.locale, "setup.intro", prefix=prefix), reason="setup.intro")
        )
    if recipients:
        card = seal_card(setup_card(event, ctx, deps, admins), event, deps.settings, prefix=PREFIX)
        actions.append(PostCard(card=card, users=recipients, reason="setup.card"))
    return Decision(Decision.of(*actions).actions, aside=True, audit={"setup": {"to": list(recipients)}})


def setup_card(event: Event, ctx: Context, deps: Deps, admins: tuple[str, ...]) -> Card:
    locale = ctx.locale
    group = group_label(event.platform, event.chat, ctx.group.name if ctx.group else "")
    names = [person_label(a, _name(event, a, deps)) for a in admins]
    body = t(
        locale,
        "setup.card.body",
        admins="、".join(names) if names else t(locale, "setup.nobody"),
        locale=LOCALE_NAMES.get(locale, locale),
        zone=offset_label(ctx.policy.jobs.utc_offset_hours),
        prefix=command_prefix(event.platform),
    )
    buttons = tuple(
        Button(
            t(locale, f"setup.button.{choice}"),
            choice,
            event.chat,
            "primary" if choice == "enforce" else "default",
        )
        for choice in CHOICES
    )
    return Card(
        card_id=f"setup:{event.chat}",
        title=t(locale, "setup.card.title", group=group),
        body=body,
        buttons=buttons,
    )


def _name(event: Event, user: str, deps: Deps) -> str:
    person = directory_user(event, user, deps)
    return (person.name or person.display_name) if person else ""


GATE = ClickGate(
    ClickAnswers(invalid="admin.card_invalid", refused="admin.refused", direct=False),
    kinds=CHOICES,
    allowed=is_admin,
    refusal="setup by a non-admin of {chat}",
)


def on_card(click: CardClicked, ctx: Context, deps: Deps) -> Decision:
    opened = GATE.open(click, ctx, deps)
    if isinstance(opened, Decision):
        return opened
    gctx = opened.ctx
    if gctx.group is None:
        return Decision()
    choice = opened.kind
    if choice == "off":
        set_enabled(deps, gctx.group, False)
    else:
        if not gctx.group.enabled:
            set_enabled(deps, gctx.group, True)
        _set_mode(opened.located, gctx, deps, choice, author=click.user)
    label = group_label(click.platform, opened.chat, gctx.group.name)
    by = person_label(click.user, _name(opened.located, click.user, deps))
    line = t(gctx.locale, f"setup.chosen.{choice}", group=label, by=by, prefix=command_prefix(click.platform))
    title = t(gctx.locale, "setup.card.title", group=label)
    update = UpdateCard(
        card=handled_card(click.card_id or f"setup:{opened.chat}", title, line),
        card_ref=click.card_id,
        response_token=click.response_token,
        reason="setup.chosen",
    )
    return Decision(Decision.of(update).actions, audit={"setup_choice": choice}, acting_chat=opened.chat)


def _set_mode(event: Event, ctx: Context, deps: Deps, mode: str, *, author: str) -> None:
    """The group's `mode`, as a new version of its own policy (other overrides kept)."""
    import yaml

    from chalicelib.core.policy import merge
    from chalicelib.kernel.context import policies
    from chalicelib.kernel.policies import parse_override

    repo = policies(deps)
    scope = keys.group_policy_scope(event.gid)
    live = repo.current(scope)
    current = parse_override(live.text) if live else {}
    text = yaml.safe_dump(merge(current, {"mode": mode}), allow_unicode=True)
    repo.apply(scope, text, author=author, now=ctx.now)


EVENTS = {MemberJoined: on_joined, MessagePosted: on_first_message}
CARD_ACTIONS = {PREFIX: on_card}
