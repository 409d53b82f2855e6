"""WeCom's message archive: one page of 1 000 ordinary group messages pulled and moderated as a batch.

The path is the production one: `chalicelib.worker.archive.pull` builds the puller on the Finance SDK
(here the fake, built from its C source: local/fakes/finance_sdk/), which pages `GetChatData`, RSA-decrypts
each item's key, calls `DecryptData`, maps the message and hands the page to the batch path
(`chalicelib.worker.batch`), which claims the page at once and moderates each message through the
worker's pipeline with the page's store. The store is a `DynamoStore` on the embedded DynamoDB (moto on
loopback), its client configured as in production (`client_config`).

The page: 1 000 clean messages (the moderation bench's texts without a link) from 50 members of one
group, posted over the 4 minutes before the pull. The container is warm: an earlier pull read the group
and the policy and wrote every member's activity (at most hourly), as a worker that pulls every few
minutes has. Rows:

- DynamoDB requests for the page (budget ≤ 120): every call the store made, reads and writes;
- CPU of the pull outside the SDK (budget ≤ 150 ms): the pulling thread's CPU time (`time.thread_time`,
  so moto's server threads are not counted) less the time inside the SDK's calls; and what it is made
  of: the RSA step (one RSA-2048 private-key operation per message, the vendor's scheme, about 0.3 ms
  each on this machine), the DynamoDB client (boto3 building requests and reading answers), and
  qunguan's own code (JSON, mapping, claims, context, the rule set, the page store).
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import Row
from bench.moderation import CLEAN
from chalicelib.adapters.wecom.archive import keys as archive_keys
from chalicelib.adapters.wecom.archive import sdk as archive_sdk
from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.settings import Settings
from chalicelib.store.dynamodb import DynamoStore, client_config
from chalicelib.worker import archive
from local.demo_settings import DEMO_SETTINGS
from local.dynamo import start_dynamodb
from local.fakes.finance_sdk.build import build
from local.fakes.server import FakeMessengers
from local.fakes.wecom_archive import FakeArchive, set_room

ROOM = "wrBENCHROOM0001"
TEXTS = tuple(text for text in CLEAN if "://" not in text)  # a link is an ad in the default policy
MEMBERS = 50
SPREAD_SECONDS = 240


class _Timed:
    """Thread CPU spent inside the SDK's calls, the RSA step and the DynamoDB client, added up."""

    def __init__(self) -> None:
        self.sdk = 0.0
        self.rsa = 0.0
        self.dynamodb = 0.0

    def wrap(self) -> None:
        for name in ("get_chat_data", "decrypt_data"):
            original = getattr(archive_sdk.FinanceSdk, name)
            setattr(archive_sdk.FinanceSdk, name, self._timed(original, "sdk"))
        original_rsa = archive_keys.PrivateKeys.decrypt_random_key
        archive_keys.PrivateKeys.decrypt_random_key = self._timed(original_rsa, "rsa")  # type: ignore[method-assign]
        DynamoStore._call = self._timed(DynamoStore._call, "dynamodb")  # type: ignore[method-assign]

    def _timed(self, function: Any, bucket: str) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                setattr(self, bucket, getattr(self, bucket) + time.thread_time() - started)

        timed.__wrapped__ = function  # type: ignore[attr-defined]
        return timed

    def unwrap(self) -> None:
        """Undo `wrap` (nothing if it never ran)."""
        for owner, name in (
            (archive_sdk.FinanceSdk, "get_chat_data"),
            (archive_sdk.FinanceSdk, "decrypt_data"),
            (archive_keys.PrivateKeys, "decrypt_random_key"),
            (DynamoStore, "_call"),
        ):
            wrapped = getattr(getattr(owner, name), "__wrapped__", None)
            if wrapped is not None:
                setattr(owner, name, wrapped)


def _client(endpoint_url: str) -> Any:
    """A client configured as the deployed store's (`client_config`), for the embedded DynamoDB."""
    import boto3

    from local.dynamo import DUMMY_CREDENTIAL, REGION

    return boto3.session.Session().client(
        "dynamodb",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id=DUMMY_CREDENTIAL,
        aws_secret_access_key=DUMMY_CREDENTIAL,
        config=client_config(),
    )


def _post_page(fake_archive: FakeArchive, now: float, messages: int) -> None:
    rng = random.Random(7)
    for n in range(messages):
        at = now - SPREAD_SECONDS + SPREAD_SECONDS * n / messages
        fake_archive.post(
            {
                "msgid": f"bench-{n}-{int(at)}",
                "action": "send",
                "from": f"member{rng.randrange(MEMBERS):02d}",
                "tolist": ["member00"],
                "roomid": ROOM,
                "msgtime": int(at * 1000),
                "msgtype": "text",
                "text": {"content": f"{TEXTS[n % len(TEXTS)]} ({n})"},
            }
        )


@dataclass(frozen=True)
class Measured:
    requests: int
    calls: dict[str, int]
    outside_ms: float  # the pulling thread's CPU outside the SDK's calls
    rsa_ms: float  # of which the RSA step
    dynamodb_ms: float  # of which the DynamoDB client (boto3: building requests, reading answers)
    sdk_ms: float  # inside the (fake) SDK

    @property
    def own_ms(self) -> float:
        return self.outside_ms - self.rsa_ms - self.dynamodb_ms


def measure(messages: int) -> Measured:
    """What one page of `messages` costs."""
    with tempfile.TemporaryDirectory() as scratch:
        library = build(Path(scratch) / "sdk")
        fake_archive = FakeArchive(Path(scratch) / "archive")
        # The fake SDK reads it with C's getenv: into the process environment itself, whatever object
        # os.environ is (chalice's test client swaps it).
        os.putenv("QG_FAKE_FINANCE_DIR", str(fake_archive.directory))
        dynamo = start_dynamodb()
        fake = FakeMessengers().start()
        timed = _Timed()
        try:
            table = f"qunguan-bench-archive-{os.getpid()}"
            dynamo.create_table(table)
            now = time.time()
            clock = FrozenClock(now)
            values: dict[str, Any] = {key.lower(): value for key, value in DEMO_SETTINGS.items()}
            values.update(
                fake.settings(),
                qg_table_name=table,
                qg_dispatch="inline",
                wecom_archive_secret="bench-archive-secret",  # noqa: S106 - the fake SDK's, not a secret
                wecom_archive_private_keys=fake_archive.private_keys_json(),
                wecom_finance_sdk_path=str(library),
            )
            store = DynamoStore(table, client=_client(dynamo.endpoint_url), clock=clock)
            deps = Deps(settings=Settings(_env_file=None, **values), clock=clock, store=store)
            # A warm-up pull, as the worker's previous one: the group (named by WeCom) and the policy are
            # cached, and every member's activity is recent (it is written at most hourly).
            set_room(fake, ROOM, name="研发部周会群", owner="member00")
            _post_page(fake_archive, now - 900, MEMBERS * 4)
            archive.pull(deps)
            _post_page(fake_archive, now, messages)
            fake.clear()
            store.usage.reset()
            timed.wrap()
            started = time.thread_time()
            report = archive.pull(deps)
            cpu = time.thread_time() - started
            assert report is not None and report.events == messages, report
            acted = [f"{c.path} {str(c.body)[:200]}" for c in fake.sent() if "gettoken" not in c.path]
            assert not acted, f"a clean page was acted on: {acted[:3]}"
        finally:
            timed.unwrap()
            fake.stop()
            dynamo.stop()
            os.unsetenv("QG_FAKE_FINANCE_DIR")
    calls = dict(store.usage.calls)
    return Measured(
        requests=sum(calls.values()),
        calls=calls,
        outside_ms=(cpu - timed.sdk) * 1000,
        rsa_ms=timed.rsa * 1000,
        dynamodb_ms=timed.dynamodb * 1000,
        sdk_ms=timed.sdk * 1000,
    )


def main(*, quick: bool = False) -> list[Row]:
    messages = 50 if quick else 1000
    m = measure(messages)
    shown = ", ".join(f"{op} {n}" for op, n in sorted(m.calls.items()))
    print(
        f"  archive page of {messages}: {m.requests} DynamoDB requests ({shown}); CPU outside the SDK "
        f"{m.outside_ms:.0f} ms = RSA {m.rsa_ms:.0f} + DynamoDB client {m.dynamodb_ms:.0f} + qunguan "
        f"{m.own_ms:.0f}; inside the fake SDK {m.sdk_ms:.0f} ms"
    )
    page = f"a page of {messages} ordinary messages"
    return [
        Row(f"WeCom archive: DynamoDB requests for {page} (budget ≤ 120)", "requests", float(m.requests)),
        Row(f"WeCom archive: CPU outside the SDK for {page} (budget ≤ 150)", "ms", round(m.outside_ms, 1)),
        Row(
            "WeCom archive: of which the RSA step (RSA-2048 per message, the vendor's)",
            "ms",
            round(m.rsa_ms, 1),
        ),
        Row("WeCom archive: of which the DynamoDB client (boto3)", "ms", round(m.dynamodb_ms, 1)),
        Row("WeCom archive: of which qunguan (decode, map, claim, moderate)", "ms", round(m.own_ms, 1)),
    ]
