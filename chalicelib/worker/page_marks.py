"""Which claimed messages of an archive page are not acted on yet: what makes a page resumable.

The batch path claims a whole page at once (`Store.claim_items`), then moderates its messages one by
one. A worker that dies in between (an exception, a Lambda timeout) leaves messages claimed and not
acted on; a re-pull of the page finds their claims and would take them for done. So, around the claims,
the page keeps a mark in its source's archive partition (`ARCHIVE#{platform}#{tenant}` / `PAGE#{id}`)
listing what it has claimed and not finished, as short digests of the claim items' keys:

    before the claims   the mark lists every message of the page (those of an earlier, unfinished
                        page that this one holds are moved into it: one mark per message at a time)
    after the claims    the mark lists only what this page claimed, and what an unfinished page had
                        claimed (a crash between these two writes at worst runs again a message
                        claimed by an earlier, finished page: the outbox keeps its actions once)
    a page stopped      by an exception: the mark lists the messages from the one that failed on
    a page finished     the mark is deleted

A re-pull reads the open marks (one Query of the partition, usually empty): a message claimed already
but listed there is run again as a redelivery (`pipeline.process(..., redelivered=True)`): its stored
decision, if any, is finished through the outbox (`chalicelib.kernel.act.resume`) with the message's
own claim, and only a message that had decided nothing is decided again. Whatever the shape of the
re-pull (the same page, a longer one, one from an older checkpoint), the marks are read by message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from chalicelib.core.events import Event
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item

PAGE_PREFIX = "PAGE#"
# The archive keeps items about 5 days, a queue's dead letters up to 14: a mark outlives both.
MARK_SECONDS = 14 * 86400


def digest(item: Item) -> str:
    """A claim item's key, short: 12 hex digits (48 bits; a page holds at most a thousand). The batch
    path computes it once per claim and hands the marks the digests."""
    return hashlib.sha256(f"{item.pk}\n{item.sk}".encode()).hexdigest()[:12]


@dataclass
class PageMark:
    """The mark of one page being moderated, and the open marks of earlier pages of the same source."""

    store: Store
    pk: str
    sk: str
    expires_at: int
    earlier: dict[str, set[str]] = field(default_factory=dict)
    written: set[str] | None = None  # what this page's mark lists now (None: not written)

    @classmethod
    def open(cls, store: Store, event: Event | None, first: str, now: float) -> PageMark:
        """The mark of the page whose first event and its claim's digest are given (none: a page with
        nothing to claim, whose mark reads and writes nothing)."""
        if event is None or not first:
            return cls(store, "", "", 0)
        pk = keys.archive_pk(event.platform, event.tenant)
        earlier = {
            item.sk: set(item.data.get("open") or ()) for item in store.query_items(pk, prefix=PAGE_PREFIX)
        }
        return cls(store, pk, PAGE_PREFIX + first, int(now + MARK_SECONDS), earlier)

    def unfinished(self) -> set[str]:
        """The messages earlier pages claimed and did not finish."""
        return set().union(*self.earlier.values()) if self.earlier else set()

    def hold(self, claims: Iterable[str]) -> None:
        """Before the claims (their digests): this page holds all of its messages, and earlier marks let
        go of them."""
        held = set(claims)
        self._write(held)
        for sk, listed in self.earlier.items():
            if sk == self.sk:
                continue
            left = listed - held
            if not left:
                self.store.delete_item(self.pk, sk)
            elif left != listed:
                self._put(sk, left)

    def keep(self, claims: Iterable[str]) -> None:
        """What this page still has to do, by its claims' digests (after the claims; after a stop, from
        the failed message on)."""
        self._write(set(claims))

    def close(self) -> None:
        if self.pk:
            self.store.delete_item(self.pk, self.sk)
            self.written = None

    def _write(self, listed: set[str]) -> None:
        """The mark lists `listed`: one write, none if it does already (a fresh page claims all it held)."""
        if not self.pk or listed == self.written:
            return
        if listed:
            self._put(self.sk, listed)
            self.written = listed
        else:
            self.close()

    def _put(self, sk: str, listed: set[str]) -> None:
        self.store.put_item(Item(self.pk, sk, data={"open": sorted(listed)}, expires_at=self.expires_at))
