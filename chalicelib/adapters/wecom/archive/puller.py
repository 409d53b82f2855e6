"""One pull of a corp's message archive: lease, pages from the `seq` checkpoint, decrypt, map, hand on.

    acquire the lease (one puller per corp; it expires, so a crashed puller never blocks the next)
    seq = checkpoint
    repeat: GetChatData(seq, page)            SDK network errors (10001) retried with back-off
            errcode 301042 / 301052 -> one operator alert, stop (no crash loop)
            each item: RSA(encrypt_random_key) with the key of its publickey_ver, DecryptData, JSON, map
                       a missing key version or an unreadable item: recorded under its seq, one alert
                       per kind, and the items after it go on
            hand_on(events of the page)       the batch path claims each msgid and moderates (durable)
            checkpoint: seq -> the page's last seq, a conditional write (expects the seq it started from)
    until a short page, or the time budget is spent
    release the lease

`GetChatData` "returns messages from seq+1" (doc path/91774): the checkpoint is the last seq handed on.
Every message is processed once by its `msgid` whatever the checkpoint says, since the batch path claims
each one; the checkpoint only saves pulling a page twice.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from chalicelib.adapters.wecom.archive.errors import (
    OPERATOR_ERRCODES,
    ArchiveError,
    BadInput,
    SdkError,
    UndecryptableMessage,
)
from chalicelib.adapters.wecom.archive.keys import MissingKeyVersion, PrivateKeys
from chalicelib.adapters.wecom.archive.messages import to_events
from chalicelib.adapters.wecom.archive.sdk import MAX_LIMIT, FinanceSdk
from chalicelib.clock import Clock
from chalicelib.core.events import Event
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item

log = logging.getLogger("qunguan.archive")

PLATFORM = "wecom"
ALERT_SECONDS = 24 * 3600  # an alert of one kind is raised again at most daily
FAILURE_SECONDS = 7 * 86400  # the archive keeps items about 5 days: a failure record outlives them
NETWORK_RETRIES = 3
BACKOFF_SECONDS = 0.5

HandOn = Callable[[Sequence[Event]], None]


@dataclass
class PullReport:
    """What one pull did, for the log and the audit."""

    outcome: str = "caught_up"  # caught_up | budget | busy | operator | contended
    pages: int = 0
    items: int = 0
    events: int = 0
    seq_from: int = 0
    seq_to: int = 0
    ignored: Counter[str] = field(default_factory=Counter)
    failed: int = 0

    def summary(self) -> str:
        ignored = ",".join(f"{kind}:{n}" for kind, n in sorted(self.ignored.items())) or "-"
        return (
            f"{self.outcome} seq {self.seq_from}->{self.seq_to} pages={self.pages} items={self.items} "
            f"events={self.events} failed={self.failed} ignored={ignored}"
        )


@dataclass(frozen=True)
class PullLimits:
    page_size: int = MAX_LIMIT
    budget_seconds: float = 60.0
    lease_seconds: int = 180  # longer than the budget plus one page: a live pull never loses its lease
    timeout: int = 5  # GetChatData's own timeout, seconds ("建议超时时间设置为5s")
    proxy: str = ""
    proxy_password: str = ""


class ArchivePuller:
    def __init__(
        self,
        sdk: FinanceSdk,
        private_keys: PrivateKeys,
        *,
        store: Store,
        clock: Clock,
        tenant: str,
        hand_on: HandOn,
        limits: PullLimits | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._sdk = sdk
        self._keys = private_keys
        self._store = store
        self._clock = clock
        self._tenant = tenant
        self._hand_on = hand_on
        self._limits = limits or PullLimits()
        self._sleep = sleep
        self._pk = keys.archive_pk(PLATFORM, tenant)

    def pull(self) -> PullReport:
        report = PullReport()
        holder = secrets.token_hex(8)
        if not self._acquire(holder):
            report.outcome = "busy"
            return report
        try:
            self._pull(report)
        finally:
            self._release(holder)
        log.info("archive pull %s: %s", self._tenant, report.summary())
        return report

    # The loop ----------------------------------------------------------------------------------
    def _pull(self, report: PullReport) -> None:
        started = time.monotonic()
        seq = report.seq_from = report.seq_to = self.checkpoint()
        while True:
            page = self._page(seq)
            if page is None:
                report.outcome = "operator"
                return
            report.pages += 1
            events: list[Event] = []
            last = seq
            for item in page:
                report.items += 1
                item_seq = _int(item.get("seq"))
                if item_seq <= last:  # never go backwards, even on a bad answer
                    continue
                last = item_seq
                events.extend(self._read(item, item_seq, report))
            if events:
                self._hand_on(events)
                report.events += len(events)
            if last > seq:
                if not self._advance(seq, last):
                    report.outcome = "contended"
                    return
                seq = report.seq_to = last
            if len(page) < self._limits.page_size:
                report.outcome = "caught_up"
                return
            if time.monotonic() - started >= self._limits.budget_seconds:
                report.outcome = "budget"
                return

    def _page(self, seq: int) -> list[dict[str, Any]] | None:
        """One GetChatData page; None when WeCom refuses in a way only an operator can fix."""
        limits = self._limits
        for attempt in range(NETWORK_RETRIES + 1):
            try:
                raw = self._sdk.get_chat_data(
                    seq,
                    limits.page_size,
                    proxy=limits.proxy,
                    password=limits.proxy_password,
                    timeout=limits.timeout,
                )
                break
            except SdkError as err:
                if not err.retryable:  # an IP not allowed, expired data, a bad certificate: not a retry
                    self.alert(f"sdk-{err.code}", str(err))
                    return None
                if attempt == NETWORK_RETRIES:
                    raise  # the queue's retry, or the next scheduled pull, tries again later
                self._sleep(BACKOFF_SECONDS * 2**attempt)
        try:
            answer = json.loads(raw)
        except ValueError as exc:
            # The seq stays where it was: the next pull asks for the same page again.
            raise SdkError("GetChatData", 10002, "the answer is not JSON") from exc
        if not isinstance(answer, dict):
            raise SdkError("GetChatData", 10002, "the answer is not a JSON object")
        errcode = _int(answer.get("errcode"))
        if errcode in OPERATOR_ERRCODES:
            self.alert(f"errcode-{errcode}", f"{OPERATOR_ERRCODES[errcode]} ({answer.get('errmsg', '')})")
            return None
        if errcode != 0:
            raise SdkError("GetChatData", errcode, str(answer.get("errmsg", "")))
        chatdata = answer.get("chatdata")
        return [item for item in chatdata if isinstance(item, dict)] if isinstance(chatdata, list) else []

    def _read(self, item: dict[str, Any], seq: int, report: PullReport) -> tuple[Event, ...]:
        """One item's events; a failure is recorded under its seq and alerted once per kind."""
        try:
            random_key = self._keys.decrypt_random_key(
                item.get("publickey_ver"), str(item.get("encrypt_random_key", ""))
            )
            plain = self._sdk.decrypt_data(random_key, str(item.get("encrypt_chat_msg", "")))
            # UTF-8 (the SDK's JSON), decoded here: json.loads on bytes would first guess the encoding.
            message = json.loads(plain.decode("utf-8"))
            if not isinstance(message, dict):
                raise UndecryptableMessage("the decrypted message is not a JSON object")
        except MissingKeyVersion as err:
            self._failed(seq, item, "missing-key", str(err), report)
            return ()
        except (UndecryptableMessage, BadInput, SdkError, ValueError) as err:
            kind = f"sdk-{err.code}" if isinstance(err, SdkError) else "undecryptable"
            self._failed(seq, item, kind, f"{type(err).__name__}: {err}", report)
            return ()
        mapped = to_events(message, self._tenant)
        if mapped.ignored:
            report.ignored[mapped.ignored] += 1
        return mapped.events

    def _failed(self, seq: int, item: dict[str, Any], kind: str, reason: str, report: PullReport) -> None:
        report.failed += 1
        now = self._clock.now()
        msgid = str(item.get("msgid", ""))
        self._store.put_item(
            Item(
                self._pk,
                keys.archive_failure_sk(seq),
                data={"seq": seq, "msgid": msgid, "kind": kind, "reason": reason[:500], "at": now},
                expires_at=int(now + FAILURE_SECONDS),
            )
        )
        self.alert(kind, f"archived item seq {seq} could not be read: {reason}")

    # State -------------------------------------------------------------------------------------
    def checkpoint(self) -> int:
        item = self._store.get_item(self._pk, keys.ARCHIVE_CHECKPOINT_SK)
        return _int(item.data.get("seq")) if item else 0

    def _advance(self, old: int, new: int) -> bool:
        """The conditional write: only from the seq this pull started the page at."""
        now = self._clock.now()
        if old == 0 and self._store.get_item(self._pk, keys.ARCHIVE_CHECKPOINT_SK) is None:
            return self._store.put_item(
                Item(self._pk, keys.ARCHIVE_CHECKPOINT_SK, data={"seq": new, "at": now}), if_absent=True
            )
        return self._store.update_item(
            self._pk, keys.ARCHIVE_CHECKPOINT_SK, {"seq": new, "at": now}, expect={"seq": old}
        )

    def _acquire(self, holder: str) -> bool:
        return acquire_lease(self._store, self._clock, self._pk, holder, self._limits.lease_seconds)

    def _release(self, holder: str) -> None:
        release_lease(self._store, self._pk, holder)

    def alert(self, kind: str, message: str) -> bool:
        return raise_alert(self._store, self._clock, self._tenant, kind, message)


def acquire_lease(store: Store, clock: Clock, pk: str, holder: str, seconds: int) -> bool:
    """One puller per source at a time: a lease that expires, so a crashed puller never blocks the next."""
    now = clock.now()
    lease = Item(pk, keys.ARCHIVE_LEASE_SK, data={"holder": holder, "at": now}, expires_at=int(now + seconds))
    return store.put_item(lease, if_absent=True)


def release_lease(store: Store, pk: str, holder: str) -> None:
    lease = store.get_item(pk, keys.ARCHIVE_LEASE_SK)
    if lease is not None and lease.data.get("holder") == holder:
        store.delete_item(pk, keys.ARCHIVE_LEASE_SK)


def raise_alert(
    store: Store, clock: Clock, tenant: str, kind: str, message: str, *, platform: str = PLATFORM
) -> bool:
    """Tell the operators once (a day) per kind: an ERROR log line the alarms watch (`QG_ALERT`), and
    the alert kept under the archive's key. True when this call raised it."""
    now = clock.now()
    raised = store.put_item(
        Item(
            keys.archive_pk(platform, tenant),
            keys.archive_alert_sk(kind),
            data={"message": message[:500], "at": now},
            expires_at=int(now + ALERT_SECONDS),
        ),
        if_absent=True,
    )
    if raised:
        log.error("QG_ALERT %s archive %s (corp %s): %s", platform, kind, tenant, message)
    return raised


def _int(value: object) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return 0


__all__ = [
    "ArchiveError",
    "ArchivePuller",
    "PullLimits",
    "PullReport",
    "acquire_lease",
    "raise_alert",
    "release_lease",
]
