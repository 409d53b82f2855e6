"""Row 3: moderation per message with 10, 10 000 and 100 000 extra lexicon terms, qunguan's whole rule
set against a per-term regular-expression filter of the same lexicon (the classic Telegram group bots'
approach: `re.compile(re.escape(term), re.I)` per term, each searched in turn until one hits).

The lexicon is the lexicon rule's: the shipped terms of its categories plus N generated extra terms,
spread over those categories (half Latin words of 6-10 letters, half CJK words of 3-4 characters, drawn
so that they never occur by chance in the messages). The same 40 group messages go through both sides:
Chinese and English chat, links, numbers, four messages that carry one of the first ten extra terms
(present at every size, so the hits do not change with N) and near misses such as "class" and "pass".

qunguan is measured two ways:
- worker path: `moderate(event, ctx, rules_for(policy))` for each message, as
  `chalicelib.moderation.handlers.on_message` does: the rule set kept with the policy object, which the
  worker caches per group for a minute (a new policy object rebuilds it once: the "lexicon build" row);
- rule set built once: `moderate(event, ctx, rules)` with `rules = build_rules(policy)` made beforehand.
Both run every rule (flood, duplicate, lexicon, ads, PII, files, emoji, length) and decide (actions,
explanations, cards); the peer only searches. So a third line compares like with like: the lexicon rule
alone (normalise the text, one Aho-Corasick pass, word boundaries, allow-list) against the regex filter.
Also reported: the slope (time at the largest size over time at 10 terms) and the one-off cost of
building each side's matcher at the largest size.

The rows above are means over the 40 messages, so the 5 flagged ones (a decision with explanations,
cards and translations, several times an ordinary message's cost) weigh in them. Issue #13's budget is
set on the median instead: each message timed on its own (the worker path for qunguan, the regex filter
for the peer, interleaved, best of N samples per message, the per-text view the rules share cleared
before each call so that a repeated message is not cheaper than a new one), then the median across the
40, at the smallest and the largest size.
"""

from __future__ import annotations

import random
import re
import statistics
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from bench import Row, calibrate, medians_ns, sample_ns
from chalicelib.core.engine import build_rules, moderate
from chalicelib.core.events import MessagePosted
from chalicelib.core.facts import CaseDecided
from chalicelib.core.lexicon import default_terms
from chalicelib.core.policy import DEFAULT_ORG_POLICY, GroupPolicy, resolve
from chalicelib.core.rules.base import RuleContext
from chalicelib.core.textview import text_view
from chalicelib.moderation.handlers import rules_for

SIZES = (10, 10_000, 100_000)
QUICK_SIZES = (10, 300)
NOW = 1_750_000_000.0
LATIN = "bcdfghjklmnpqrstvwxz"  # no vowels: no English word by chance
CJK_FIRST, CJK_LAST = 0x9000, 0x9FA5

CLEAN = (
    "明天上午 10 点的评审会改到 3 号会议室，请大家带上 Q3 的数据。",
    "收到，谢谢！",
    "Can someone share the slides from yesterday's sync? Thanks!",
    "周报已经发到群文件了，麻烦各位在周五前看一下并补充各自的部分。",
    "The class on onboarding starts at 9:30 in room B.",
    "请大家把报销单在本周内提交给财务，过期不候。",
    "Please pass the assessment form to HR before Friday.",
    "新版本的接口文档在 https://wiki.example.com/api/v2 ，有问题随时问我。",
    "好的，我下午两点以后都有空。",
    "Reminder: the all-hands is moved to Thursday 4pm, same Zoom link as last time.",
    "这个需求的优先级我和产品确认一下再回复大家。",
    "I'll assign the review to Li Wei, he knows that module best.",
    "今天的站会取消，有事在群里说。",
    "Great job on the launch, everyone! 🎉",
    "会议纪要：1. 确认上线时间 2. 测试环境问题由运维跟进 3. 下周一复盘。",
    "Where can I find the template for the quarterly report?",
    "午饭大家想吃什么？楼下新开了一家面馆。",
    "The build is green again after the fix in commit 4f2a9c1.",
    "麻烦 @王芳 把上个月的考勤表发我一份。",
    "Could we push the deadline to next Wednesday? The vendor is late.",
    "已更新到群公告，请大家查看。",
    "Thanks for the quick turnaround on the contract review.",
    "下周二团建，地点待定，想参加的请接龙。",
    "FYI the office will be closed on Monday for maintenance.",
    "客户那边反馈页面加载有点慢，前端同学看一下？",
    "Does anyone have the Wi-Fi password for the guest network?",
    "请各部门负责人在月底前提交下季度的预算草案。",
    "I'm out sick today, will catch up on messages tomorrow.",
    "这个 bug 我复现了，是缓存没有失效导致的。",
    "Let's sync on the roadmap after lunch.",
    "新同事小刘今天入职，大家欢迎！",
    "The dashboard numbers look off for March, can someone double-check?",
    "文件命名请按照 项目-日期-版本 的格式，比如 qunguan-20250615-v2.docx。",
    "Room 3 projector is broken again, I've filed a ticket.",
    "谁有空帮忙看一下这个 PR？改动不大。",
    "See you all at the offsite!",
)
# Messages carrying extra terms 0..3 (kept at every size): the hits stay the same whatever N is.
PLANTED = (
    "这个人说话太难听了，{term}，大家注意一下。",
    "Honestly that reply was {term} and uncalled for.",
    "有人在群里发 {term} 的链接，请管理员处理。",
    "Stop posting {term} here please.",
)


def extra_terms(count: int, *, seed: int = 8) -> list[str]:
    """`count` distinct generated terms; a prefix of a longer list, so every size shares its first terms."""
    rng = random.Random(seed)
    terms: list[str] = []
    seen: set[str] = set()
    while len(terms) < count:
        if len(terms) % 2:
            term = "".join(rng.choice(LATIN) for _ in range(rng.randint(6, 10)))
        else:
            term = "".join(chr(rng.randint(CJK_FIRST, CJK_LAST)) for _ in range(rng.randint(3, 4)))
        if term not in seen:
            seen.add(term)
            terms.append(term)
    return terms


def messages(terms: Sequence[str]) -> list[MessagePosted]:
    texts = list(CLEAN)
    for index, template in enumerate(PLANTED):
        texts.insert(index * 9 + 4, template.format(term=terms[index]))
    return [
        MessagePosted(
            platform="slack",
            tenant="T1",
            event_id=f"ev-{index}",
            occurred_at=NOW + index,
            chat="C1",
            user=f"U{index % 7}",
            message_id=f"M{index}",
            text=text,
        )
        for index, text in enumerate(texts)
    ]


def policy_with(terms: Sequence[str]) -> GroupPolicy:
    categories = DEFAULT_ORG_POLICY.rules.lexicon.enabled_categories()
    extra = {category: list(terms[index :: len(categories)]) for index, category in enumerate(categories)}
    return resolve(DEFAULT_ORG_POLICY, {"rules": {"lexicon": {"extra_terms": extra}}})


def lexicon_terms(policy: GroupPolicy) -> list[str]:
    """The terms the lexicon rule matches: the shipped ones of its categories and the extra ones."""
    settings = policy.rules.lexicon
    shipped = default_terms()
    terms: dict[str, None] = {}
    for category in settings.enabled_categories():
        terms.update(dict.fromkeys(shipped.get(category, ())))
        terms.update(dict.fromkeys(settings.extra_terms.get(category, ())))
    return list(terms)


def compile_filter(terms: Sequence[str]) -> list[re.Pattern[str]]:
    return [re.compile(re.escape(term), re.IGNORECASE) for term in terms]


def regex_flags(patterns: Sequence[re.Pattern[str]], text: str) -> bool:
    return any(pattern.search(text) for pattern in patterns)


def _lexicon_flagged(decision: Any) -> bool:
    case = decision.fact(CaseDecided)
    return case is not None and "lexicon" in case.rules


def per_text_medians_ns(
    ours: Callable[[MessagePosted], object],
    peer: Callable[[MessagePosted], object],
    batch: Sequence[MessagePosted],
    *,
    rounds: int,
    target_ns: float,
) -> tuple[float, float]:
    """The median across `batch` of each message's best time (ns per call) through `ours` and `peer`:
    per message, both calibrated to samples of about `target_ns`, then `rounds` samples each, the two
    sides interleaved, the best kept (the least disturbed by the rest of the machine)."""
    best: tuple[list[float], list[float]] = ([], [])
    for message in batch:
        fns: list[Callable[[], object]] = [partial(ours, message), partial(peer, message)]
        numbers = [calibrate(fn, target_ns) for fn in fns]
        samples: tuple[list[float], list[float]] = ([], [])
        for _ in range(rounds):
            for index, fn in enumerate(fns):
                samples[index].append(sample_ns(fn, numbers[index]))
        for index in (0, 1):
            best[index].append(min(samples[index]))
    return statistics.median(best[0]), statistics.median(best[1])


def size_label(size: int) -> str:
    return f"{size:,}".replace(",", " ")


def main(*, quick: bool = False) -> list[Row]:
    sizes = QUICK_SIZES if quick else SIZES
    repeat, target_ns = (3, 2e6) if quick else (11, 100e6)
    terms = extra_terms(max(sizes))
    batch = messages(terms)
    per_message: dict[int, tuple[float, float, float, float]] = {}
    per_text: dict[int, tuple[float, float]] = {}
    rounds, text_target_ns = (3, 2e5) if quick else (21, 2e6)
    builds: dict[int, tuple[float, float]] = {}
    notes: list[str] = []
    for size in sizes:
        policy = policy_with(terms[:size])
        ctx = RuleContext(policy=policy, now=NOW)
        start = time.perf_counter_ns()
        rules = build_rules(policy)
        moderate(batch[0], ctx, rules)  # the automaton is built on the first match
        ours_build = time.perf_counter_ns() - start
        words = lexicon_terms(policy)
        start = time.perf_counter_ns()
        patterns = compile_filter(words)
        peer_build = time.perf_counter_ns() - start
        builds[size] = (ours_build, peer_build)

        ours_hits = [m.message_id for m in batch if _lexicon_flagged(moderate(m, ctx, rules))]
        peer_hits = [m.message_id for m in batch if regex_flags(patterns, m.text)]
        planted = {m.message_id for m in batch if any(t in m.text for t in terms[: len(PLANTED)])}
        assert planted <= set(ours_hits) and planted <= set(peer_hits), "a planted term was missed"
        notes.append(
            f"{size_label(size)} terms: qunguan's lexicon flags {len(ours_hits)} of {len(batch)} messages, "
            f"the regex filter {len(peer_hits)} ({', '.join(sorted(set(peer_hits) - set(ours_hits))) or '-'} "
            "only by the regex: substrings such as 'ass' in 'class')"
        )

        def worker_path(ctx: RuleContext = ctx) -> None:
            for message in batch:
                moderate(message, ctx, rules_for(ctx.policy))

        def built_once(ctx: RuleContext = ctx, rules: list[Any] = rules) -> None:
            for message in batch:
                moderate(message, ctx, rules)

        def peer(patterns: list[re.Pattern[str]] = patterns) -> None:
            for message in batch:
                regex_flags(patterns, message.text)

        lexicon_rule = next(rule for rule in rules if rule.name == "lexicon")

        def lexicon_alone(ctx: RuleContext = ctx, rule: Any = lexicon_rule) -> None:
            for message in batch:
                rule.evaluate(message, ctx)

        fns: list[Callable[[], object]] = [worker_path, built_once, lexicon_alone, peer]
        medians = medians_ns(fns, repeat=repeat, target_ns=target_ns)
        worker_ns, once_ns, alone_ns, peer_ns = (value / len(batch) for value in medians)
        per_message[size] = (worker_ns, once_ns, alone_ns, peer_ns)
        if size in (sizes[0], sizes[-1]):

            def worker_one(message: MessagePosted, ctx: RuleContext = ctx) -> object:
                # The rules of one message share its text view (the fold, the normalised text, the
                # counts), kept for the last few texts: timing one message over and over would find it
                # every time, a stream of distinct messages never does, so each call starts without it
                # (clearing it, ~0.1 µs, is counted against qunguan).
                text_view.cache_clear()
                return moderate(message, ctx, rules_for(ctx.policy))

            def peer_one(message: MessagePosted, patterns: list[re.Pattern[str]] = patterns) -> bool:
                return regex_flags(patterns, message.text)

            per_text[size] = per_text_medians_ns(
                worker_one,
                peer_one,
                batch,
                rounds=rounds,
                target_ns=text_target_ns,
            )
    for note in notes:
        print(f"  moderation: {note}")
    return rows(sizes, per_message, builds, per_text)


VARIANTS = ("worker path (rule set kept with the policy)", "rule set built once", "lexicon rule alone")


def rows(
    sizes: Sequence[int],
    per_message: dict[int, tuple[float, float, float, float]],
    builds: dict[int, tuple[float, float]],
    per_text: dict[int, tuple[float, float]],
) -> list[Row]:
    """Per size and variant: µs per message against the regex filter's (the mean over the messages);
    issue #13's median per message at the smallest and largest size; then the slopes and the build."""
    table: list[Row] = []
    for size, (ours_ns, peer_ns) in per_text.items():
        table.append(
            Row(
                f"moderation, {size_label(size)} terms: whole rule set (worker path), median per message "
                "(best of N each; issue #13 budget ≤ 25 µs) vs regex",
                "µs/message",
                ours_ns / 1000,
                peer_ns / 1000,
            )
        )
    for index, variant in enumerate(VARIANTS):
        for size in sizes:
            figures = per_message[size]
            table.append(
                Row(
                    f"moderation, {size_label(size)} terms: {variant} vs regex",
                    "µs/message",
                    figures[index] / 1000,
                    figures[3] / 1000,
                )
            )
    low, high = sizes[0], sizes[-1]
    label = f"time at {size_label(high)} terms / at {size_label(low)}"
    for index, variant in enumerate(VARIANTS[:2]):
        table.append(
            Row(
                f"moderation slope ({label}): {variant} vs regex",
                "×",
                per_message[high][index] / per_message[low][index],
                per_message[high][3] / per_message[low][3],
            )
        )
    ours_build, peer_build = builds[high]
    table.append(
        Row(
            f"lexicon build, {size_label(high)} terms: rule set + automaton vs compiling the regexes",
            "ms",
            ours_build / 1e6,
            peer_build / 1e6,
        )
    )
    return table
