"""What a revision's owners see before they approve: the proposed org policy and the live one on the
messages the proposing group kept this last week, through the rule engine (`chalicelib.ops.trial`, the
same comparison as `qunguan policy test --replay-kept 7`): how many decisions change, and per rule how
many messages each policy flags. Only counts: no member's words are put on the card.
"""

from __future__ import annotations

from chalicelib.core.engine import rule_label
from chalicelib.core.policy import PolicyDocument, resolve_group
from chalicelib.i18n import t
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.policies import PolicyRepo, parse_override
from chalicelib.store import keys

TRIAL_DAYS = 7
DAY = 86400.0


def trial_text(
    deps: Deps, repo: PolicyRepo, gid: str, proposed: PolicyDocument, *, now: float, locale: str
) -> str:
    from chalicelib.ops import trial

    current = repo.for_group(gid, now)
    if int(current.retention.get("messages", 0)) <= 0:  # the log keeps no text (jobs.activity)
        return t(locale, "policy.trial.nothing_kept")
    live = repo.current(keys.group_policy_scope(gid))
    override = parse_override(live.text) if live is not None and not live.deleted else {}
    samples = trial.kept_samples(deps.store, gid, current, now - TRIAL_DAYS * DAY, now)
    result = trial.compare(current, resolve_group(proposed, gid, override), samples, gid, examples=0)
    rules = sorted(
        rule for rule in {*result.before, *result.after} if result.before[rule] != result.after[rule]
    )
    per_rule = (
        ", ".join(f"{rule_label(locale, r)} {result.before[r]} → {result.after[r]}" for r in rules) or "-"
    )
    return t(
        locale,
        "policy.trial.summary",
        days=TRIAL_DAYS,
        messages=result.messages,
        changed=result.changed,
        rules=per_rule,
    )
