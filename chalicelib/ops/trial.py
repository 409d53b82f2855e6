"""`qunguan policy test`: the proposed policy and the current one side by side on the same messages,
through the real rule engine (`chalicelib.core.engine.evaluate`, the rule set `build_rules` makes).

Each message is judged twice as an ordinary member's message in a group; its decision is the set of
rules that found something, each with the mode it runs in (`lexicon:enforce`, `ads:shadow`). The result
counts, per rule, the messages each policy flags; lists the messages whose decision changes; and keeps
a few examples, with personal data and secrets masked (`find_pii`) and sensitive findings' text
withheld. Messages come from the command line, a file (one per line), or the group's kept messages
(`retention.messages`, the message log) of the last days, replayed in order so flood and duplicate
signals count as they did.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from chalicelib.core import engine
from chalicelib.core.events import MessagePosted
from chalicelib.core.policy import GroupPolicy
from chalicelib.core.rules.base import RuleContext
from chalicelib.core.rules.pii import find_pii
from chalicelib.core.text import fingerprint
from chalicelib.store import keys
from chalicelib.store.base import Store

DAY = 86400.0
EXCERPT = 80
EXAMPLES = 5
TRIAL_USER = "U0TRIAL"


@dataclass(frozen=True)
class Sample:
    """A message to judge; flood and duplicate signals as the pipeline counted them (1: alone)."""

    text: str
    at: float
    user: str = TRIAL_USER
    flood: int = 1
    member_duplicates: int = 1
    group_duplicates: int = 1


@dataclass(frozen=True)
class Verdict:
    rules: tuple[str, ...]  # "rule:mode", sorted
    sensitive: bool = False

    def label(self) -> str:
        return ", ".join(self.rules) if self.rules else "nothing"


@dataclass
class Comparison:
    messages: int = 0
    changed: int = 0
    before: Counter[str] = field(default_factory=Counter)
    after: Counter[str] = field(default_factory=Counter)
    examples: list[tuple[str, Verdict, Verdict]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.messages} message(s) judged; {self.changed} decision(s) change."]
        rules = sorted(set(self.before) | set(self.after))
        if rules:
            out.append("Messages flagged per rule (current → proposed):")
            out += [f"  {rule:10} {self.before[rule]} → {self.after[rule]}" for rule in rules]
        if self.examples:
            out.append("Decisions that change (personal data masked):")
            for text, old, new in self.examples:
                out.append(f"  「{text}」: {old.label()} → {new.label()}")
        return out


def judged(
    policy: GroupPolicy, sample: Sample, gid: tuple[str, str, str], *, admins: tuple[str, ...] = ()
) -> tuple[MessagePosted, RuleContext, engine.Evaluation]:
    """The sample as the engine sees a member's message in the group: the event, the rules' context (an
    ordinary member with no points; `admins`, who would get an admin card) and what the rules found.
    `engine.decide` on these three is what the bot would do (the console's `policy test` preview)."""
    platform, tenant, chat = gid
    event = MessagePosted(
        platform=platform,  # type: ignore[arg-type]  # a gid's platform is one of PLATFORMS
        tenant=tenant,
        chat=chat,
        event_id=f"trial-{sample.at}",
        occurred_at=sample.at,
        user=sample.user,
        message_id=f"trial-{sample.at}",
        text=sample.text,
    )
    context = RuleContext(
        policy=policy,
        now=sample.at,
        is_admin=policy.is_admin(event.uid(sample.user)),
        flood_count=sample.flood,
        member_duplicates=sample.member_duplicates,
        group_duplicates=sample.group_duplicates,
        admins=admins,
    )
    return event, context, engine.evaluate(event, context, engine.build_rules(policy))


def verdict(policy: GroupPolicy, sample: Sample, gid: tuple[str, str, str]) -> Verdict:
    findings = judged(policy, sample, gid)[2].findings
    rules = sorted({f"{f.rule}:{policy.effective_mode(f.rule)}" for f in findings})
    # Personal data is masked in the example; a sensitive lexicon hit (confidential) is not shown at all.
    return Verdict(tuple(rules), any(f.sensitive and f.rule != "pii" for f in findings))


def compare(
    current: GroupPolicy,
    proposed: GroupPolicy,
    samples: Iterable[Sample],
    gid: str = "slack:T0TRIAL:C0TRIAL",
    examples: int = EXAMPLES,
) -> Comparison:
    parts = gid.split(":", 2)
    where = (parts[0], parts[1], parts[2]) if len(parts) == 3 else ("slack", "T0TRIAL", "C0TRIAL")
    result = Comparison()
    for sample in samples:
        result.messages += 1
        old, new = verdict(current, sample, where), verdict(proposed, sample, where)
        result.before.update(rule.split(":")[0] for rule in old.rules)
        result.after.update(rule.split(":")[0] for rule in new.rules)
        if old != new:
            result.changed += 1
            if len(result.examples) < examples:
                result.examples.append((masked(sample.text, hidden=old.sensitive or new.sensitive), old, new))
    return result


def masked(text: str, *, hidden: bool = False) -> str:
    """An example as an operator may read it: personal data and secrets masked, one line, short; the
    text of a sensitive finding withheld altogether."""
    if hidden:
        return "(withheld: personal or confidential data)"
    flat = " ".join(mask_text(text).split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def mask_text(text: str) -> str:
    """Personal data and secrets replaced by their masked forms, as the pii rule names them."""
    for hit in sorted(find_pii(text, datetime.now(UTC).date()), key=lambda h: h.start, reverse=True):
        text = text[: hit.start] + hit.masked + text[hit.end :]
    return text


def samples_of(texts: Sequence[str], now: float) -> list[Sample]:
    """Messages given by hand: each alone, a minute apart (no flood, no duplicates between them)."""
    return [
        Sample(text=text, at=now - 60.0 * (len(texts) - i)) for i, text in enumerate(texts) if text.strip()
    ]


def kept_samples(store: Store, gid: str, policy: GroupPolicy, start: float, end: float) -> Iterator[Sample]:
    """The group's kept messages in [start, end), oldest first (the message log, one Query per UTC day:
    `chalicelib.store.message_log`), with the flood and duplicate signals replayed as they were counted
    (with the `policy`'s windows); platform roles are not read (members). What a revision's owners see
    (`chalicelib.workflows.revision_trial`) and `qunguan policy test --replay-kept`."""
    from chalicelib.store.message_log import from_item, log_day

    replay = _Replay(policy)
    day = start - start % DAY
    while day < end:
        for item in store.query_items(keys.message_log_pk(gid, log_day(day))):
            entry = from_item(item)
            if entry.kind == "msg" and entry.text is not None and start <= entry.at < end:
                yield replay.sample(entry.text, entry.at, entry.user)
        day += DAY


@dataclass
class _Replay:
    """Each member's recent messages (flood) and the group's recent fingerprints (duplicates)."""

    policy: GroupPolicy
    recent: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    prints: dict[str, deque[tuple[float, str]]] = field(default_factory=lambda: defaultdict(deque))

    def sample(self, text: str, at: float, user: str) -> Sample:
        mine = self.recent[user]
        while mine and mine[0] <= at - self.policy.rules.flood.window_seconds:
            mine.popleft()
        mine.append(at)
        if not text.strip():
            return Sample(text, at, user, flood=len(mine))
        seen = self.prints[fingerprint(text)]
        while seen and seen[0][0] <= at - self.policy.rules.duplicate.window_seconds:
            seen.popleft()
        seen.append((at, user))
        member = sum(1 for _, who in seen if who == user)
        return Sample(text, at, user, flood=len(mine), member_duplicates=member, group_duplicates=len(seen))
