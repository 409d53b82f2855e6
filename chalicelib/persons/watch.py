"""A watched member's join: an admin card, decided once.

The join gate lets a watched person in (`chalicelib.persons.handlers.on_join`) and sends the group's
admins a card (the same sealed path as the other admin cards: `to_admins`, its buttons sealed with the
group by `sealed_decision`, on all three platforms) with three buttons:

    Let them stay   recorded in the membership history; the card says who decided
    Remove          removed where the platform allows; elsewhere (WeCom customer groups, DingTalk groups
                    the app did not create) the admins get the escalation card asking them to, whose
                    "done" button records it (`chalicelib.membership.clicks.on_escalation_card`)
    Open history    the person's history across groups (`chalicelib.persons.history.describe`), sent to
                    the clicker privately, to whoever the policy lets see it; not a decision

The join is an item in the group's partition (`WATCHJ#{uid}`, its nonce in the buttons' values): the
first admin's decision moves it out of `open` with a conditional write, a later click only hears who
decided, and a card of an earlier join (a nonce that is no longer the item's) is refused as stale.
Every admin's copy shows the decision (who decided what about whom, and when, in the group's time
zone), the way a case card's copies do (`chalicelib.kernel.card_copies`): when the cards go out, each
copy's token and whose it is are kept with the join (`record_copies`, after the actions); the decision
updates each of them once through the outbox, each update naming its owner, so that a copy the platform
refuses to update (a WeCom response_code used or expired) becomes a recorded private message to that
admin. A join kept before the copies were only updates the copy clicked.
Nobody decides about their own join. Who clicked is the platform's signed word; their rights in the
sealed group are checked here, on the server (`chalicelib.kernel.clicks.ClickGate`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from chalicelib.authz import directory_user, is_admin
from chalicelib.cardsign import unseal
from chalicelib.core.actions import Action, Decision, PostCard, Remove, SendDirect, UpdateCard
from chalicelib.core.cards import Button, Card
from chalicelib.core.events import CardClicked, Event
from chalicelib.core.ids import group_id
from chalicelib.i18n import t
from chalicelib.kernel.card_copies import copy_updates, sent_copies
from chalicelib.kernel.clicks import ClickAnswers, ClickGate, answer_click
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.people import name_of
from chalicelib.membership.admission import person_of, sealed_decision
from chalicelib.membership.groups import group_view
from chalicelib.membership.joins import removal_actions
from chalicelib.membership.repository import FORMER, MembershipRepo, new_nonce, split_ref
from chalicelib.membership.views import GroupView, Person, card_id, to_admins
from chalicelib.persons import history
from chalicelib.persons.records import GateSanction
from chalicelib.persons.repository import PersonRepo
from chalicelib.persons.rights import may_see_history
from chalicelib.persons.sanctions import scope_label, when
from chalicelib.store import keys
from chalicelib.store.records import Item

PREFIX = "watch"
STAY, REMOVE, HISTORY = f"{PREFIX}.stay", f"{PREFIX}.remove", f"{PREFIX}.history"
REMOVED = "persons.watch.remove"  # the reason of the Remove a decision makes (`record_removals`)
KEEP_DAYS = 30  # how long a join's card can be decided
DAY = 86400

ANSWERS = ClickAnswers(invalid="persons.watch.invalid", refused="persons.watch.refused")
DECIDE_GATE = ClickGate(ANSWERS, kinds=("stay", "remove"), allowed=is_admin, refusal="not an admin of {chat}")
HISTORY_GATE = ClickGate(
    ANSWERS, kinds=("history",), allowed=may_see_history, refusal="person history from {chat}, not allowed"
)


def joined(
    ctx: Context, deps: Deps, group: GroupView, person: Person, sanction: GateSanction
) -> tuple[Action, ...]:
    """The watched member's join recorded as open, and the card that asks the admins about it."""
    nonce = new_nonce()
    data = {"nonce": nonce, "user": person.user, "sid": sanction.sid, "reason": sanction.reason}
    deps.store.put_item(
        Item(
            keys.group_pk(group.gid),
            keys.watched_join_sk(person.uid),
            {**data, "state": "open", "at": ctx.now},
            expires_at=int(ctx.now) + KEEP_DAYS * DAY,
        )
    )
    locale = group.locale
    body = t(
        locale,
        "persons.gate.watched",
        member=person.label,
        group=group.label,
        scope=scope_label(locale, sanction.scope, sanction.target),
        reason=sanction.reason,
        until=when(sanction.until, ctx.policy.jobs.utc_offset_hours),
    )
    ref = f"{nonce}{person.user}"
    card = Card(
        card_id=card_id(PREFIX, group.gid, person.uid, ctx.now),
        title=t(locale, "persons.watch.card.title", member=person.label),
        body=body,
        buttons=(
            Button(t(locale, "persons.watch.button.stay"), STAY, ref, "primary"),
            Button(t(locale, "persons.watch.button.remove"), REMOVE, ref, "danger"),
            Button(t(locale, "persons.watch.button.history"), HISTORY, ref),
        ),
    )
    return (to_admins(group, card, reason="persons.gate.watch"),)


def on_card(click: CardClicked, ctx: Context, deps: Deps) -> Decision:
    kind = click.action.split(".", 1)[-1]
    opened = (HISTORY_GATE if kind == "history" else DECIDE_GATE).open(click, ctx, deps)
    if isinstance(opened, Decision):
        return opened
    gctx, chat = opened.ctx, opened.chat
    nonce, user = split_ref(opened.ref)
    if user == click.user:  # four eyes: an admin who is watched does not decide about their own join
        return answer_click(click, gctx.locale, "persons.watch.own", why="watched join decided by its member")
    gid, uid = group_id(click.platform, click.tenant, chat), click.uid(user)
    pk, sk = keys.group_pk(gid), keys.watched_join_sk(uid)
    item = deps.store.get_item(pk, sk)
    if item is None or item.data.get("nonce") != nonce:
        return answer_click(click, gctx.locale, "persons.watch.invalid")
    label = name_of(opened.located, user, deps)
    if kind == "history":
        person = PersonRepo(deps.store).person_of(uid)
        if person is None:
            return answer_click(click, gctx.locale, "persons.watch.invalid")
        text = history.describe(
            label, person, gctx.locale, deps, offset_hours=gctx.policy.jobs.utc_offset_hours
        )
        return Decision.of(SendDirect(user=click.user, text=text, reason="persons.history"))
    changes = {"state": kind, "by": click.user, "decided_at": gctx.now}
    if not deps.store.update_item(pk, sk, changes, expect={"state": "open", "nonce": nonce}):
        current = deps.store.get_item(pk, sk)
        decided = current.data if current is not None else {}
        if decided.get("nonce") != nonce or decided.get("state") not in ("stay", "remove"):
            return answer_click(click, gctx.locale, "persons.watch.invalid")  # they joined again meanwhile
        state = t(gctx.locale, f"persons.watch.state.{decided.get('state', kind)}")
        by = name_of(opened.located, str(decided.get("by", "")), deps) or "?"
        return answer_click(click, gctx.locale, "persons.watch.already", by=by, state=state)
    return _decided(click, gctx, deps, chat=chat, user=user, label=label, kind=kind, why=item.data)


def _decided(
    click: CardClicked,
    gctx: Context,
    deps: Deps,
    *,
    chat: str,
    user: str,
    label: str,
    kind: str,
    why: dict[str, Any],
) -> Decision:
    located = dataclasses.replace(click, chat=chat)
    group = group_view(gctx, deps, located, chat)
    uid = click.uid(user)
    person = person_of(user, uid, directory_user(click, user, deps), label)
    locale = gctx.locale
    repo = MembershipRepo(deps.store)
    by = name_of(located, click.user, deps)
    actions: tuple[Action, ...] = ()
    if kind == "remove":
        actions = removal_actions(
            person,
            group,
            why=t(locale, "persons.watch.why", reason=str(why.get("reason", "-"))),
            member_text=t(locale, "persons.watch.removed_member", group=group.label),
            reason=REMOVED,
        )
    else:
        repo.history(group.gid, uid, user, "watched: let stay", at=gctx.now, by=click.user)
    at = when(gctx.now, gctx.policy.jobs.utc_offset_hours)
    line = t(locale, f"persons.watch.decided.{kind}", by=by, member=person.label, at=at)
    card = Card(
        card_id=click.card_id or card_id(PREFIX, group.gid, uid),
        title=t(locale, "persons.watch.card.title", member=person.label),
        body="",
        footer=line,  # in the footer, which WeCom shows in place of the buttons (`handled_card`)
    )
    reason = f"persons.watch.{kind}"
    whose, others = copy_updates(
        _texts(why.get("cards")), _texts(why.get("owners")), card=card, click=click, reason=reason
    )
    update = UpdateCard(
        card=card,
        card_ref=click.card_id,
        response_token=click.response_token,
        user=whose,
        reason=reason,
    )
    audit = {"watch_decided": {"uid": uid, "sid": why.get("sid", ""), "what": kind, "by": click.user}}
    decision = sealed_decision(
        (*actions, update, *others),
        deps.settings,
        platform=click.platform,
        tenant=click.tenant,
        chat=chat,
        audit=audit,
    )
    return dataclasses.replace(decision, acting_chat=chat)


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(str(one) for one in value) if isinstance(value, list | tuple) else ()


def record_copies(
    event: Event, ctx: Context, decision: Decision, results: tuple[Any, ...], deps: Deps
) -> None:
    """Each admin's copy of a watch card that went out, kept with its join: the token that updates it
    and whose copy it is (one conditional UpdateItem a card, on the join's nonce, so that a later join's
    item is never given an earlier card's copies)."""
    if decision.shadow or not results:
        return
    for action, result in zip(decision.actions, results, strict=False):
        if not isinstance(action, PostCard) or not action.card.card_id.startswith(f"{PREFIX}-"):
            continue
        if getattr(result, "status", "failed") == "failed":
            continue
        copies = sent_copies(action, tuple(getattr(result, "sent", ())))
        join = _join_of(action, event, deps)
        if not copies or join is None:
            continue
        pk, sk, nonce = join
        changes = {"cards": [token for token, _ in copies], "owners": [owner for _, owner in copies]}
        deps.store.update_item(pk, sk, changes, expect={"nonce": nonce})


def _join_of(action: PostCard, event: Event, deps: Deps) -> tuple[str, str, str] | None:
    """The join item's keys and nonce, read off the card's own sealed button (None: not one of ours)."""
    for button in action.card.buttons:
        if button.action != STAY:
            continue
        sealed = unseal(
            deps.settings, button.value, platform=event.platform, tenant=event.tenant, action=STAY
        )
        if sealed is None:
            return None
        nonce, user = split_ref(sealed.ref)
        gid = group_id(event.platform, event.tenant, sealed.chat)
        return keys.group_pk(gid), keys.watched_join_sk(event.uid(user)), nonce
    return None


def record_removals(
    event: Event, ctx: Context, decision: Decision, results: tuple[Any, ...], deps: Deps
) -> None:
    """A watched member the platform really removed (not substituted, not refused) is gone from the
    group's rosters; where an admin was asked to remove them by hand, their click on the escalation card
    records it."""
    if not results:
        return
    repo = MembershipRepo(deps.store)
    for action, result in zip(decision.actions, results, strict=False):
        if (
            not (isinstance(action, Remove) and action.reason == REMOVED)
            or getattr(result, "status", "") != "done"
        ):
            continue
        gid = group_id(event.platform, event.tenant, action.chat)
        uid = event.uid(action.user)
        member = deps.store.get_member(gid, uid)
        if member is not None and member.role != FORMER:
            repo.forget_member(member)
        repo.clear_stage(gid, uid)
        by = str(getattr(event, "user", ""))
        repo.history(gid, uid, action.user, "removed", at=ctx.now, by=by, detail=REMOVED)


CARD_ACTIONS = {PREFIX: on_card}
