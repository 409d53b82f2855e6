"""The bot arrives in a group (issue 16, items 1 and 2): whoever added it becomes an admin there and gets
the setup card (govern this group or not, and how; who the admins are; its language and time zone), and
the group gets a short introduction where the bot may post in it (Slack, DingTalk; on WeCom only in groups
the app created: `Capability.POST_TO_GROUP`). Once per group (a conditional put on the group's `SETUP` item).
The decision is marked `aside` (`chalicelib.worker.pipeline`): it does not answer the message that
revealed the group, so a command or chatter there is still answered.

- Slack says who invited the bot (`member_joined_channel` for the bot's own user, `inviter`).
- WeCom and DingTalk say nothing when the bot is added: the first message the bot sees in a group it has
  just registered is its arrival, and the card goes to the admins the platform names for the group (or
  the organisation's, `chalicelib.authz.admins_of`). Not where the org's policy already names who runs
  its groups (`admins`): that organisation has set up its groups already.

The card is a form (`chalicelib.membership.setup`): how to govern the group (enforce, trial, record only,
or not at all), which policy preset (`chalicelib.membership.presets`), who its admins are (the ones the
platform named, confirmed or changed), its language and its time zone; one `setup.apply` button, sealed
with the group, for its admins only. Cards sent before the form had a button per mode
(`setup.enforce|warn|shadow|off`); those still work.
"""

from __future__ import annotations

from dataclasses import replace

from chalicelib.adapters.base import Capability
from chalicelib.authz import admins_told
from chalicelib.core.actions import NOTHING, Action, Decision, PostCard, PostText
from chalicelib.core.events import Event, MemberJoined, MessagePosted
from chalicelib.i18n import t
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.group_info import learn_admin
from chalicelib.membership.setup import PREFIX, on_card, setup_card
from chalicelib.moderation.sealing import seal_card
from chalicelib.store import keys
from chalicelib.store.records import Item

FRESH_SECONDS = 300  # a group registered this recently is one the bot has just arrived in


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
        return NOTHING
    if deps.setups.get(event.gid, ctx.now):
        return NOTHING  # claimed already, as this container knows: no request per message
    from chalicelib.moderation.handlers import addressed_command

    if ctx.policy.admins or addressed_command(event, ctx):
        return Decision()  # set up already, or a command the bot answers anyway
    # Introduced along with the setup card: a group nobody is known to run gets neither.
    return arrive(event, ctx, deps, to=(), introduce=bool(admins_told(ctx, event)[0]))


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
    claimed = deps.store.put_item(claim, if_absent=True)
    # Either way the claim is taken, for good: the container remembers it (`Deps.setups`), so the messages
    # of the minutes after the arrival cost no request (`on_first_message`).
    deps.setups.put(event.gid, True, ctx.now)
    if not claimed:
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


EVENTS = {MemberJoined: on_joined, MessagePosted: on_first_message}
CARD_ACTIONS = {PREFIX: on_card}
