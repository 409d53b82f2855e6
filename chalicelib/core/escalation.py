"""R3.7 escalation: violation points that decay, and the ladder of what reaching a threshold does.

A member's points decay exponentially with the policy's half-life (30 days by default): warnings
expire by themselves instead of hanging over a member for ever. Each enforced violation adds the points
of its most severe finding; the highest threshold the new total reaches decides the next step (a mute,
a removal proposal the admins confirm on a card, or a removal). Where the platform cannot mute, the
executor substitutes a warning and a card to the admins; this module always asks for the real action.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.actions import Action, Mute, PostCard, Remove
from chalicelib.core.cards import Button, Card
from chalicelib.core.policy import Escalation, GroupPolicy, Threshold
from chalicelib.i18n import t

DAY = 86400.0


def decayed(points: float, since: float | None, now: float, half_life_days: float) -> float:
    """`points` recorded at `since`, as they stand at `now`: halved every `half_life_days`."""
    if points <= 0 or since is None or now <= since:
        return max(points, 0.0)
    return float(points * 0.5 ** ((now - since) / (half_life_days * DAY)))


def threshold_reached(total: float, escalation: Escalation) -> Threshold | None:
    """The highest threshold `total` reaches (within the policy's tolerance), if any."""
    reached = None
    for threshold in escalation.thresholds:
        if total >= threshold.points - escalation.tolerance:
            reached = threshold
    return reached


@dataclass(frozen=True)
class Standing:
    """A member's points before and after one event, and the threshold the event pushed them to."""

    before: float
    added: float
    total: float
    at: float
    threshold: Threshold | None = None


def standing(
    points: float, points_at: float | None, now: float, added: float, escalation: Escalation
) -> Standing:
    before = decayed(points, points_at, now, escalation.half_life_days)
    total = before + added
    # Only a new violation moves a member up the ladder; decay alone never triggers anything.
    threshold = threshold_reached(total, escalation) if added > 0 else None
    return Standing(before=before, added=added, total=total, at=now, threshold=threshold)


def removal_card(*, policy: GroupPolicy, case_ref: str, member: str, total: float, group: str) -> Card:
    """The removal proposal the admins confirm or dismiss (R3.7: "removal with an admin card")."""
    locale = policy.locale
    return Card(
        card_id=f"removal:{case_ref}",
        title=t(locale, "moderation.card.removal.title"),
        body=t(locale, "moderation.card.removal.body", member=member, points=f"{total:.1f}", group=group),
        buttons=(
            Button(t(locale, "moderation.card.button.confirm_remove"), "confirm_remove", case_ref, "danger"),
            Button(t(locale, "moderation.card.button.dismiss"), "dismiss", case_ref),
        ),
        fields=(
            (t(locale, "moderation.card.field.member"), member),
            (t(locale, "moderation.card.field.points"), f"{total:.1f}"),
        ),
        footer=t(locale, "moderation.card.footer", case=case_ref, version=policy.revision),
    )


def ladder_actions(
    current: Standing,
    *,
    policy: GroupPolicy,
    chat: str,
    member: str,
    admins: tuple[str, ...],
    case_ref: str,
    member_label: str = "",
    rule: str,
    group: str,
) -> list[Action]:
    """What the threshold the member just reached asks for (nothing when none was reached)."""
    threshold = current.threshold
    if threshold is None:
        return []
    if threshold.action == "mute":
        return [
            Mute(
                chat=chat,
                user=member,
                seconds=threshold.mute_seconds,
                reason="moderation.escalation.mute",
                rule=rule,
            )
        ]
    if threshold.action == "remove":
        return [Remove(chat=chat, user=member, reason="moderation.escalation.remove", rule=rule)]
    if not admins:
        return []  # nobody to propose it to: the case records who was (not) told
    shown = member_label or member
    card = removal_card(policy=policy, case_ref=case_ref, member=shown, total=current.total, group=group)
    return [PostCard(card=card, users=admins, reason="moderation.escalation.removal", rule=rule)]


__all__ = ["DAY", "Standing", "decayed", "ladder_actions", "removal_card", "standing", "threshold_reached"]
