"""Finding and replacing a person in stored values, for their erasure (`chalicelib.persons.erasure`): their
qualified ids, native ids (where they stand for them), an event's claim id and a DingTalk card's token that
name them, their shown names; a record's card copies and its recipients without them."""

from __future__ import annotations

import re
from typing import Any

from chalicelib.persons.holdings import Identity, claim_names, token_names

DROPPED_PEOPLE = ("recipients",)  # lists of people to send to: they leave them, not for a tombstone
MIN_WORD_NAME = 3  # a Latin shown name this long is theirs where it stands as a word
# Fields whose string values are people's native ids (an action's recipient, a message's author, ...).
PEOPLE_FIELDS = frozenset(
    {"user", "users", "u", "m", "uid", "by", "actor", "member", "members", "to", "admins", "decided_by",
     "handled_by", "lifted_by", "author", "reporter", "requester", "owner_user", "who", "target"}
)  # fmt: skip
_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{6,}$")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]")


class Scrubber:
    """Finds and replaces the person in any value: their qualified ids, native ids and shown names.

    Careful with what is not an id: a native id (`li`, `admin`) is them as a whole value of a field that
    names people (`user`, `by`, ...), as an @-mention in a text (`<@U0MALLORY>`, `@zhangsan`), or as a
    word where it has the shape of a Slack id; a shown name as a word (Latin, 3 letters or more) or as it
    stands (Chinese, 2 or more), so that `Li` does not find `Link`."""

    def __init__(self, identities: list[Identity], names: set[str], tomb: str) -> None:
        self.identities = identities
        self.tomb = tomb
        users = sorted({re.escape(who.user) for who in identities if who.user}, key=len, reverse=True)
        slack = [re.escape(who.user) for who in identities if _SLACK_ID.match(who.user)]
        forms = [rf"@(?:{'|'.join(users)})(?![\w.-])"] if users else []
        forms += [rf"(?<![\w.-])(?:{'|'.join(slack)})(?![\w-])"] if slack else []
        wide = [re.escape(n) for n in names if len(n) >= 2 and _CJK.search(n)]
        latin = [re.escape(n) for n in names if len(n) >= MIN_WORD_NAME and not _CJK.search(n)]
        forms += [f"(?:{'|'.join(wide)})"] if wide else []
        forms += [rf"(?<!\w)(?:{'|'.join(latin)})(?!\w)"] if latin else []
        self.words = re.compile("|".join(forms)) if forms else None

    def finds(self, value: Any, field: str = "") -> bool:
        """Whether a value (nested) names them."""
        if isinstance(value, str):
            if any(
                who.uid in value or claim_names(value, who) or token_names(value, who)
                for who in self.identities
            ):
                return True
            if field in PEOPLE_FIELDS and any(value == who.user for who in self.identities):
                return True
            return bool(self.words and self.words.search(value))
        if isinstance(value, dict):
            return any(self.finds(str(key)) or self.finds(inner, str(key)) for key, inner in value.items())
        if isinstance(value, list | tuple):
            return any(self.finds(inner, field) for inner in value)
        return False

    def text(self, value: str) -> str:
        """A document (a report's HTML): as a string value, and a short native id where it stands whole
        in an attribute or an element (`data-member="li"`, `>li<`)."""
        value = self(value)
        for who in self.identities:
            for pattern in ('"{}"', ">{}<"):
                value = value.replace(pattern.format(who.user), pattern.format(self.tomb))
        return value

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            for who in self.identities:
                if value == who.user or claim_names(value, who):
                    return self.tomb
                if token_names(value, who):  # a DingTalk card's token: "{card id}-{user}"
                    value = value.removesuffix(who.user) + self.tomb
                value = value.replace(who.uid, self.tomb)
            return self.words.sub(self.tomb, value) if self.words is not None else value
        if isinstance(value, dict):
            return {self(key): self(inner) for key, inner in self._without_them(value).items()}
        if isinstance(value, list):
            return [self(inner) for inner in value]
        if isinstance(value, tuple):
            return tuple(self(inner) for inner in value)
        return value

    def _without_them(self, value: dict[str, Any]) -> dict[str, Any]:
        """A record's card copies without theirs (`cards` and `owners`, paired: the copy they own, or whose
        token names them, is then simply not updated), and its lists of people to tell (`recipients`)
        without them rather than with a tombstone nobody can be sent to."""
        users = {who.user for who in self.identities}
        changed = dict(value)
        if isinstance(value.get("cards"), list) and isinstance(value.get("owners", []), list):
            owners = list(value.get("owners", []))
            pairs = [
                (str(token), str(owners[at]) if at < len(owners) else "")
                for at, token in enumerate(value["cards"])
            ]
            kept = [(t, o) for t, o in pairs if o not in users and not self.finds(t)]
            changed["cards"] = [token for token, _ in kept]
            if "owners" in value:
                changed["owners"] = [owner for _, owner in kept]
        for name in DROPPED_PEOPLE:
            if isinstance(value.get(name), list):
                changed[name] = [one for one in value[name] if one not in users and not self.finds(one)]
        return changed
