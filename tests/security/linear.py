"""Measuring that text handling stays linear, robustly on a shared machine, and the texts that attack it.

`growth(handle, family)` is the time `handle` takes on an 8 KB text of an adversarial family over the
time it takes on a 1 KB text of the same family. Linear code gives about 8 (less when a fixed cost
dominates), quadratic code 64, the cubic ads pattern of issue 19 over 500. Each time is the best of
`ROUNDS` runs, small and large interleaved, the garbage collector off, and the lexicon's memo of the
last normalised texts cleared before each run, so no cache answers for the code under test. A ratio over
the bound is measured again with twice the rounds, up to `RETRIES` times, and the smallest ratio counts:
noise from a busy machine goes away when measured again, a super-linear cost never does. Nothing here
asserts an absolute time.

A family is a cue (what makes a pattern start: an id cue, a link, a password cue, a mention) followed by
a filler repeated to the size (blanks, newlines, U+3000, separators, near-miss ids, mixed scripts) and
a tail that makes the match fail at the very end, or the cue and filler repeated together.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from chalicelib.core.textview import text_view

SMALL, LARGE = 1024, 8192
# Issue 19 asks for at most 8 times the time at 1 KB. Linear code measures 6-8 here where it allocates
# little, and up to 16 where it keeps a Python int per character (normalisation's index lists outgrow the
# CPU caches between 4 and 8 KB: a step, not a slope, as 16 and 64 KB show). 24 leaves room for that;
# quadratic code is at 64 and more, the cubic pattern of issue 19 over 500.
BOUND = 24.0
ROUNDS = 5
RETRIES = 3

CUES = (
    "",
    "加我微信",
    "微信号",
    "威信：",
    "V信",
    "➕V",
    "vx",
    "wx ",
    "wechat",
    "qq号",
    "扣扣",
    "加賴",
    "line id",
    "LINE：",
    "加我",
    "联系",
    "09",
    "+886",
    "+86",
    "138",
    "password",
    "密码是",
    "sk-",
    "xoxb-",
    "AKIA",
    "-----BEGIN ",
    "a@",
    "http://",
    "www.",
    "scan",
    ":",
    "[",
    "<@U0BOT|",
    "<@U0BOT>",
    "吗",
    "请问",
    "v",
    "第",
    "rev",
)
FILLERS = (
    " ",
    "\n",
    "\u3000",
    "\t",
    " \n",
    "-",
    ".",
    "_",
    ":",
    "：",
    "~",
    "。",
    "!",
    "1",
    "0",
    "1-",
    " 1",
    "a",
    "a.",
    "a-",
    "a1",
    "aa.",
    "@a.",
    "Ab",
    "ｗｘ",
    "吗 ",
    "微信 ",
    "wx ",
    "qq ",
    "line id ",
    "加賴 ",
    ": ",
    "v1.",
    " v",
    "..",
    "+",
    "a微Д",
    "ab1_",
    "<@U1|",
    "a@b.cn ",  # many hits of one kind
    "反洗钱",  # an allow phrase of the lexicon, and the term it covers
    "禁止网络赌博 ",
)
TAILS = ("!", "", "x", "-", "abc", "12345", "@", "。")


@dataclass(frozen=True)
class Family:
    cue: str
    filler: str
    tail: str
    repeat_cue: bool = False

    def text(self, size: int) -> str:
        """About `size` characters: whole units only, so that the text of every size ends the same way
        (a unit cut in the middle could make a cue at one size and not at the other)."""
        unit = self.cue + self.filler if self.repeat_cue else self.filler
        head = "" if self.repeat_cue else self.cue
        return head + unit * max(1, (size - len(head) - len(self.tail)) // len(unit)) + self.tail


families = st.builds(
    Family,
    st.sampled_from(CUES),
    st.sampled_from(FILLERS) | st.text(alphabet=" \n\u3000.-_:：~|/*", min_size=1, max_size=4),
    st.sampled_from(TAILS),
    st.booleans(),
)

# The reliability suite's profiles (`QG_FUZZ_PROFILE`: `ci` 25 derandomised examples, `fuzz` 10 000 random
# ones; `QG_FUZZ_EXAMPLES=N` overrides either), without importing its stack.
_PROFILE = os.environ.get("QG_FUZZ_PROFILE", "ci")
_EXAMPLES = os.environ.get("QG_FUZZ_EXAMPLES")
FUZZ = settings(
    max_examples=int(_EXAMPLES) if _EXAMPLES else 10_000 if _PROFILE == "fuzz" else 25,
    derandomize=_PROFILE != "fuzz",
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def growth(
    handle: Callable[[str], object], make: Callable[[int], str], sizes: tuple[int, int] = (SMALL, LARGE)
) -> float:
    """Time at LARGE over time at SMALL (see the module's docstring); the smallest of the retries. A ratio
    far over the bound is not measured again: noise does not do that."""
    small, large = make(sizes[0]), make(sizes[1])
    handle(small)  # warm: lazily built automata and compiled patterns are not what is measured
    ratio = float("inf")
    rounds = ROUNDS
    for _ in range(RETRIES + 1):
        fast = slow = float("inf")
        for _ in range(rounds):
            fast = min(fast, _timed(handle, small))
            slow = min(slow, _timed(handle, large))
        ratio = min(ratio, slow / max(fast, 1e-7))
        if ratio <= BOUND or ratio > 4 * BOUND:
            break
        rounds *= 2
    return ratio


def _timed(handle: Callable[[str], object], text: str) -> float:
    """One run with the garbage collector off (as `timeit` does): a collection that happens to fall into
    the larger run is not the code's cost."""
    text_view.cache_clear()  # the rules of one message share its view: each run starts without it
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        handle(text)
        return time.perf_counter() - start
    finally:
        if enabled:
            gc.enable()
