"""Contact details offered in a message (R3.5): which kinds, never the details themselves.

- WeChat: an id after a WeChat cue in its common spellings (微信, 威信, 薇信, 徽信, V信, 微❤, 加微, 加V,
  ➕V, vx, wx, weixin, wechat); a WeChat id is 6-20 letters, digits, - and _, starting with a letter, or
  a mobile number.
- QQ: a QQ number (5-12 digits) after 扣扣, 企鹅 or QQ.
- LINE: an id after 加賴, 加LINE, ➕LINE, 賴ID, `line id` or `LINE:`; a LINE id is 4-20 letters,
  digits, ., - and _ (an official account's starts with @).
- Phone: a mainland mobile number (1[3-9]x xxxx xxxx, +86) or a Taiwan one (09xx xxx xxx, +886 9xx xxx
  xxx) in a message that also has a contact cue (加我, 联系, 聯絡, 打給, 私訊, contact, call me...).

After a Chinese cue any id counts; after a Latin one ("wechat", "wx", "line id") only an id with a
digit, -, _ or . in it (and for LINE a letter too), so "WeChat meeting", "wxWidgets" or "line: 1234" are
not contacts. The text is NFKC-folded first (ｗｘ：ａｂｃ１２３ reads as wx:abc123).

Every pattern runs in time linear in the text: the blanks between a cue and its id are matched
possessively (`\\s*+`, Python 3.11), so a cue followed by thousands of blanks and no id fails after one
pass over them instead of trying every way to split them between adjacent runs (the cubic blow-up of
issue 19); every other repetition is bounded or cannot overlap its neighbour. The cheap `*_GATE`
patterns, each a necessary condition, skip the rest for the ordinary message that has no cue at all.
"""

from __future__ import annotations

import re
import unicodedata

from chalicelib.core.patterns import scan_text
from chalicelib.core.rules.pii import MOBILE, MOBILE_PREFIX
from chalicelib.core.textview import TextView, text_view

# Blanks, an optional 号/id and an optional colon or 是 between a cue and its id, matched possessively.
_GAP = r"\s*+(?:号|號|id)?\s*+(?:[:=]|是)?\s*+"
_LATIN_GAP = r"(?:\s*+(?:id|号|號))?(?:\s*+[:=]\s*+|\s++)"
_PHONE_ID = r"1[3-9]\d{9}|09\d{8}"
_WECHAT_CN = r"[微薇威徽]信|v信|微[❤♥]|(?:加|➕)\s*+(?:[微薇威]|(?:vx|wx|v)(?![a-z]))"
_WECHAT_LATIN = r"(?<![a-z])(?:vx|wx|weixin|wechat)|(?<![a-z0-9+])\+\s*+v(?:x)?(?![a-z])"
WECHAT = re.compile(
    rf"(?i)(?:(?:{_WECHAT_CN}){_GAP}(?P<id>[a-z][-_a-z0-9]{{5,19}}|{_PHONE_ID})"
    rf"|(?:{_WECHAT_LATIN}){_LATIN_GAP}"
    rf"(?P<latin>[a-z](?=[a-z]{{0,18}}[-_0-9])[-_a-z0-9]{{5,19}}|{_PHONE_ID}))(?![-_a-z0-9])"
)
QQ = re.compile(r"(?i)(?<![a-z])(?:qq|扣扣|企[鹅鵝])\s*+(?:号|號|群)?\s*+:?\s*+(?P<id>[1-9]\d{4,11})(?!\d)")
_LINE_CN = r"加\s*+(?:[賴赖]|line)|➕\s*+line|[賴赖]\s*+id"
_LINE_LATIN = r"(?<![a-z])(?:line\s*+id|(?-i:LINE)\s*+:)"
LINE = re.compile(
    rf"(?i)(?:(?:{_LINE_CN}){_GAP}(?P<id>@?[a-z0-9][-._a-z0-9]{{3,19}})"
    rf"|(?:{_LINE_LATIN})\s*+:?\s*+(?P<latin>@[a-z0-9][-._a-z0-9]{{3,19}}"
    rf"|(?=[-._0-9]{{0,19}}[a-z])(?=[a-z]{{0,19}}[-._0-9])[a-z0-9][-._a-z0-9]{{3,19}}))(?![-._a-z0-9])"
)
TW_MOBILE = re.compile(
    r"(?<![0-9])(?:(?:\+|00)886[- ]?|\(\+?886\)[- ]?|0)9\d{2}[- ]?\d{3}[- ]?\d{3}(?![0-9])"
)
CONTACT_CUE = re.compile(
    r"(?i)加我|联系|聯繫|聯系|联络|聯絡|致电|致電|打给|打給|打我|电话|電話|手机|手機|私聊|私信|私訊|"
    r"咨询|諮詢|洽询|洽詢|来电|來電|電洽|whatsapp|call me|contact|\btel\b"
)
# Necessary conditions, cheap enough for every message: a character or a word (lower-cased) that every
# cue of WECHAT, QQ and LINE contains; and nine digits in a row with at most a single - or space between
# two (every mainland mobile number has that, and every Taiwan one, even written (+886)912345678).
ID_CUE_CHARS = re.compile(r"[信❤♥加➕+扣企賴赖]")
ID_CUE_WORDS = ("vx", "wx", "weixin", "wechat", "qq", "line")
PHONE_GATE = re.compile(r"\d(?:[- ]?\d){8}")

KINDS = ("wechat", "qq", "line", "phone")


def contact_kinds(text: str) -> list[str]:
    """Kinds of contact details offered in the text, in `KINDS` order."""
    return offered_in(text_view(scan_text(text)))


def offered_in(view: TextView) -> list[str]:
    """`contact_kinds` of the view's text (already cut to `SCAN_LIMIT`): what the ads rule calls."""
    if not _may_offer(view):
        return []
    text = view.text
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    kinds = []
    lowered = text.lower()
    if ID_CUE_CHARS.search(text) or any(word in lowered for word in ID_CUE_WORDS):
        kinds += [
            kind for kind, pattern in (("wechat", WECHAT), ("qq", QQ), ("line", LINE)) if pattern.search(text)
        ]
    if PHONE_GATE.search(text) and CONTACT_CUE.search(text) and _has_mobile(text):
        kinds.append("phone")
    return kinds


# `_may_offer`'s gates in one pass over the folded text, opened by one class of the characters they
# start with (so that `re` skips to the next of them in C): the cue words (ID_CUE_WORDS, as substrings),
# nine digits in a row (PHONE_GATE) and the cue characters, each only where a cue of WECHAT, QQ or LINE
# has it: 信 after 微/薇/威/徽/v, 加 before (blanks and) 微/薇/威/賴/赖 or the v, w, l of v, vx, wx and
# line, + before (blanks and) v, 扣扣, 企鹅, 賴/赖 before (blanks and) id; ❤, ♥ and ➕ anywhere. 加 and 信
# are common Chinese characters (参加, 加载, 信息): alone they opened the gate for one message in ten.
# The folded text is lower-cased, its blanks are spaces and its full-width forms ASCII (`fold_text`).
_MAY_OFFER = re.compile(
    r"[信❤♥加➕+扣企賴赖vwql\d]"
    r"(?:(?<=[微薇威徽v]信)|(?<=[❤♥➕])|(?<=加)(?=\s*+(?:[微薇威賴赖]|(?i:[vwl])))|(?<=\+)(?=\s*+(?i:v))"
    r"|(?<=扣)(?=扣)|(?<=企)(?=[鹅鵝])|(?<=[賴赖])(?=\s*+(?i:id))"
    r"|(?<=[vw])(?=x)|(?<=w)(?=eixin|echat)|(?<=q)(?=q)|(?<=l)(?=ine)"
    r"|(?<=\d)(?=(?:[- ]?\d){8}))"
)
# The same for ASCII text (most English messages), where \d is [0-9], which `re` scans several times
# faster than a class with \d in it.
_MAY_OFFER_ASCII = re.compile(_MAY_OFFER.pattern.replace("\\d]", "0-9]", 1).replace("\\d", "[0-9]"))


def _may_offer(view: TextView) -> bool:
    """The gates above on the text folded character by character (`fold_text`: NFKC, case, marks and
    format characters dropped), which is cheaper than NFKC on the whole text and passes whenever they
    pass on it: NFKC composes only a letter with the marks after it, never into a cue's character, an
    ASCII letter or a digit, so every cue and digit run of the NFKC text is in the folded one too (where
    dropped marks and zero-width characters can only bring characters together). The fold is the
    message's view's, shared with the lexicon; the gates run as one pattern (`_MAY_OFFER`)."""
    folded = view.folded
    return (_MAY_OFFER_ASCII if folded.isascii() else _MAY_OFFER).search(folded) is not None


def _has_mobile(text: str) -> bool:
    mainland = any(MOBILE_PREFIX.match("".join(match.groups())) for match in MOBILE.finditer(text))
    return mainland or TW_MOBILE.search(text) is not None
