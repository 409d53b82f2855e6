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
minutes has. The group was registered by that pull, moments before: every message of the page is one of
the first the bot sees there (issue 16's arrival asks, for each, whether the setup card went out).

CPU is the pulling thread's (`time.thread_time`, so moto's server threads are not counted). The page is
measured `RUNS` times, each on a table of its own, and the run of median CPU is reported whole. Each part
is timed by wrapping one call (`_Timed`); the wrappers' own CPU (about a microsecond a call, a few
thousand calls a page: two `thread_time` system calls and a Python frame each) is measured on a call
that does nothing (`_instrumentation`) and taken out of every figure, so that none of it is counted as
qunguan's. Rows:

- DynamoDB requests for the page (budget ≤ 120): every call the store made, reads and writes;
- CPU outside the SDK (budget ≤ 150 ms): the thread's CPU less the time inside the SDK's own C calls
  (`GetChatData`, `DecryptData`); the ctypes binding around them (the slice's `NewSlice`,
  `GetContentFromSlice`, `GetSliceLen`, `FreeSlice`, the copy by length, the checks before
  `DecryptData`) counts as qunguan's, all but ctypes' conversion of the two calls' own arguments (a
  fraction of a microsecond a call, inside the window timed);
- what it is made of: the RSA step (`keys.private_decrypt`: one RSA-2048 private-key operation per
  message, the vendor's scheme; peer: OpenSSL's own `openssl speed rsa2048` signing, the same
  private-key operation, times the page's messages), and the rest, qunguan and boto3: the DynamoDB
  client (boto3 building requests and reading answers, HTTP included), the worker's pipeline per
  message (the kernel's context, every domain's handlers, the rule set) and the batch path (the pull,
  base64 and the key's checks around the RSA step, the binding, JSON, mapping, claims, the page's mark
  and the store's own code around its requests);
- the DynamoDB client on the page's own requests, replayed: the deployed configuration (no client-side
  validation, a fixed User-Agent) against botocore's defaults, in turn, median of `REPLAYS` each.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import Row
from bench.moderation import CLEAN
from chalicelib.adapters.wecom.archive import keys as archive_keys
from chalicelib.adapters.wecom.archive import sdk as archive_sdk
from chalicelib.bootstrap import Deps
from chalicelib.clock import FrozenClock
from chalicelib.errors import StoreError
from chalicelib.settings import Settings
from chalicelib.store import dynamodb
from chalicelib.store.dynamodb import DynamoStore, client_config
from chalicelib.worker import archive, pipeline
from local.demo_settings import DEMO_SETTINGS
from local.dynamo import start_dynamodb
from local.fakes.finance_sdk.build import build
from local.fakes.server import FakeMessengers
from local.fakes.wecom_archive import FakeArchive, set_room

ROOM = "wrBENCHROOM0001"
TEXTS = tuple(text for text in CLEAN if "://" not in text)  # a link is an ad in the default policy
MEMBERS = 50
SPREAD_SECONDS = 240
RUNS = 3
REPLAYS = 3  # on the first run only: moto takes seconds of its own for each replay of the window items
SDK_CALLS = ("GetChatData", "DecryptData")

Request = tuple[str, dict[str, Any]]


class _Timed:
    """Thread CPU inside the SDK's C calls, the RSA step, the DynamoDB client, and the pipeline outside
    the DynamoDB client; how many calls each wrapper timed (`calls`, for the wrappers' own CPU, and
    "nested": the DynamoDB calls inside the pipeline's); and the page's requests, kept to be replayed."""

    def __init__(self) -> None:
        self.sdk = self.rsa = self.dynamodb = self.pipeline = 0.0
        self.calls: Counter[str] = Counter()
        self.requests: list[Request] = []
        self._undo: list[tuple[Any, str, Any]] = []

    def wrap(self, library: Any) -> None:
        for name in SDK_CALLS:
            self._replace(library, name, self._timed(getattr(library, name), "sdk"))
        self._replace(archive_keys, "private_decrypt", self._timed(archive_keys.private_decrypt, "rsa"))
        self._replace(DynamoStore, "_call", self._recorded(DynamoStore._call))
        self._replace(pipeline, "process", self._outside_dynamodb(pipeline.process))

    def unwrap(self) -> None:
        while self._undo:
            owner, name, original = self._undo.pop()
            setattr(owner, name, original)

    def _replace(self, owner: Any, name: str, wrapper: Any) -> None:
        self._undo.append((owner, name, getattr(owner, name)))
        setattr(owner, name, wrapper)

    def _timed(self, function: Callable[..., Any], bucket: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.calls[bucket] += 1
            started = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                setattr(self, bucket, getattr(self, bucket) + time.thread_time() - started)

        return timed

    def _recorded(self, call: Callable[..., Any]) -> Callable[..., Any]:
        def recorded(store: DynamoStore, operation: str, **request: Any) -> Any:
            self.requests.append((operation, request))  # replayed after the page (`_replay`)
            self.calls["dynamodb"] += 1
            started = time.thread_time()
            try:
                return call(store, operation, **request)
            finally:
                self.dynamodb += time.thread_time() - started

        return recorded

    def _outside_dynamodb(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.calls["pipeline"] += 1
            started, inside, requests = time.thread_time(), self.dynamodb, self.calls["dynamodb"]
            try:
                return function(*args, **kwargs)
            finally:
                self.pipeline += time.thread_time() - started - (self.dynamodb - inside)
                self.calls["nested"] += self.calls["dynamodb"] - requests

        return timed

    def without_instrumentation(self, cpu: float) -> tuple[float, float]:
        """The thread's `cpu` and this timer's figures less the wrappers' own CPU: each timed call cost
        `inside` within the window it timed and `outside` around it (in the window of the pipeline's
        timer, for the DynamoDB calls made within it). Returns the CPU and the wrappers' total."""
        inside, outside = _instrumentation()
        calls = self.calls
        self.sdk -= calls["sdk"] * inside
        self.rsa -= calls["rsa"] * inside
        self.dynamodb -= calls["dynamodb"] * inside
        self.pipeline -= calls["pipeline"] * inside + calls["nested"] * outside
        spent = (calls["sdk"] + calls["rsa"] + calls["dynamodb"] + calls["pipeline"]) * (inside + outside)
        return cpu - spent, spent


def _instrumentation(rounds: int = 5, calls: int = 20_000) -> tuple[float, float]:
    """The CPU a `_Timed` wrapper adds to one call, in seconds: inside the window it times, and around
    it; measured on a call that does nothing, median of `rounds`."""

    def nothing(*_: Any) -> None:
        return None

    insides: list[float] = []
    outsides: list[float] = []
    for _ in range(rounds):
        timer = _Timed()
        timed = timer._timed(nothing, "sdk")
        started = time.thread_time()
        for _ in range(calls):
            nothing(1, 2)
        bare = (time.thread_time() - started) / calls  # the loop and the call itself
        started = time.thread_time()
        for _ in range(calls):
            timed(1, 2)
        wrapped = (time.thread_time() - started) / calls
        inside = max(timer.sdk / calls - bare, 0.0)
        insides.append(inside)
        outsides.append(max(wrapped - bare - inside, 0.0))
    return statistics.median(insides), statistics.median(outsides)


def _client(endpoint_url: str, config: Any) -> Any:
    """A client for the embedded DynamoDB with `config` (the deployed store's: `client_config()`)."""
    import boto3

    from local.dynamo import DUMMY_CREDENTIAL, REGION

    return boto3.session.Session().client(
        "dynamodb",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id=DUMMY_CREDENTIAL,
        aws_secret_access_key=DUMMY_CREDENTIAL,
        config=config,
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
    outside_ms: float  # the pulling thread's CPU outside the SDK's C calls
    rsa_ms: float  # of which the RSA step
    dynamodb_ms: float  # of which the DynamoDB client (boto3: building requests, reading answers)
    pipeline_ms: float  # of which the worker's pipeline per message, outside the DynamoDB client
    sdk_ms: float  # inside the (fake) SDK's C calls
    write_units: float  # what DynamoDB (here moto) charged the page's writes
    instrumentation_ms: float = 0.0  # the timers' own CPU, taken out of the figures above
    replayed_ms: tuple[float, float] = field(default=(0.0, 0.0))  # the requests again: deployed, defaults

    @property
    def rest_ms(self) -> float:
        """qunguan and boto3: everything outside the SDK but the RSA step."""
        return self.outside_ms - self.rsa_ms

    @property
    def batch_ms(self) -> float:
        """qunguan's batch path: the pull, the binding, JSON, mapping, claims, the page's mark and the
        store's own code."""
        return self.rest_ms - self.dynamodb_ms - self.pipeline_ms

    @property
    def own_ms(self) -> float:
        return self.pipeline_ms + self.batch_ms


def measure(messages: int, *, replays: int = REPLAYS) -> Measured:
    """What one page of `messages` costs, on a table of its own."""
    with tempfile.TemporaryDirectory() as scratch:
        library_path = build(Path(scratch) / "sdk")
        fake_archive = FakeArchive(Path(scratch) / "archive")
        # The fake SDK reads it with C's getenv: into the process environment itself, whatever object
        # os.environ is (chalice's test client swaps it).
        os.putenv("QG_FAKE_FINANCE_DIR", str(fake_archive.directory))
        dynamo = start_dynamodb()
        fake = FakeMessengers().start()
        timed = _Timed()
        try:
            # moto keeps its tables in this process, past the server: one table per page measured.
            table = f"qunguan-bench-archive-{os.getpid()}-{time.monotonic_ns()}"
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
                wecom_finance_sdk_path=str(library_path),
            )
            store = DynamoStore(table, client=_client(dynamo.endpoint_url, client_config()), clock=clock)
            deps = Deps(settings=Settings(_env_file=None, **values), clock=clock, store=store)
            # A warm-up pull, as the worker's previous one: the group (named by WeCom) and the policy are
            # cached, and every member's activity is recent (it is written at most hourly).
            set_room(fake, ROOM, name="研发部周会群", owner="member00")
            _post_page(fake_archive, now - 900, MEMBERS * 4)
            archive.pull(deps)
            _post_page(fake_archive, now, messages)
            fake.clear()
            store.usage.reset()
            timed.wrap(archive_sdk.cached_library(str(library_path)))
            started = time.thread_time()
            report = archive.pull(deps)
            cpu = time.thread_time() - started
            timed.unwrap()
            assert report is not None and report.events == messages, report
            acted = [f"{c.path} {str(c.body)[:200]}" for c in fake.sent() if "gettoken" not in c.path]
            assert not acted, f"a clean page was acted on: {acted[:3]}"
            replayed = _replay(timed.requests, table, dynamo.endpoint_url, clock, replays)
        finally:
            timed.unwrap()
            fake.stop()
            dynamo.stop()
            os.unsetenv("QG_FAKE_FINANCE_DIR")
    calls = dict(store.usage.calls)
    cpu, instrumentation = timed.without_instrumentation(cpu)
    return Measured(
        requests=sum(calls.values()),
        calls=calls,
        outside_ms=(cpu - timed.sdk) * 1000,
        rsa_ms=timed.rsa * 1000,
        dynamodb_ms=timed.dynamodb * 1000,
        pipeline_ms=timed.pipeline * 1000,
        sdk_ms=timed.sdk * 1000,
        write_units=store.usage.write_units,
        instrumentation_ms=instrumentation * 1000,
        replayed_ms=replayed,
    )


def _replay(
    requests: list[Request], table: str, endpoint_url: str, clock: FrozenClock, rounds: int
) -> tuple[float, float]:
    """The page's requests sent again through the store's `_call`, by a client with the deployed
    configuration and by one with botocore's defaults, in turn: each side's median thread CPU, in ms.
    A conditional write refused the second time costs the client what it did the first."""
    if rounds <= 0:
        return (0.0, 0.0)
    from botocore.config import Config

    sides = (
        DynamoStore(table, client=_client(endpoint_url, client_config()), clock=clock),
        DynamoStore(table, client=_client(endpoint_url, Config()), clock=clock),
    )
    for replayer in sides:  # a client's first request loads its model and endpoint rules
        replayer.get_item("PK#warm-up", "SK#warm-up")
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for side, replayer in enumerate(sides):
            started = time.thread_time()
            for operation, request in requests:
                with contextlib.suppress(StoreError, dynamodb._ConditionFailed):
                    replayer._call(operation, **request)
            samples[side].append((time.thread_time() - started) * 1000)
    return (statistics.median(samples[0]), statistics.median(samples[1]))


def openssl_rsa2048_ms() -> float | None:
    """One RSA-2048 private-key operation by OpenSSL's own benchmark (`openssl speed rsa2048`, signing),
    in ms; None without the openssl command."""
    command = shutil.which("openssl")
    if command is None:
        return None
    done = subprocess.run(  # noqa: S603 - openssl from PATH, fixed arguments
        [command, "speed", "-seconds", "2", "-mr", "rsa2048"], capture_output=True, text=True, check=False
    )
    # -mr: "+F2:<count>:<bits>:<signs per second>:<verifications per second>"
    for line in done.stdout.splitlines():
        parts = line.split(":")
        if line.startswith("+F2:") and len(parts) >= 5 and parts[2] == "2048":
            return 1000.0 / float(parts[3])
    return None


def main(*, quick: bool = False) -> list[Row]:
    messages = 50 if quick else 1000
    runs = [measure(messages, replays=1 if quick else REPLAYS)]
    runs += [measure(messages, replays=0) for _ in range(0 if quick else RUNS - 1)]
    m = sorted(runs, key=lambda run: run.outside_ms)[len(runs) // 2]
    rsa_op = None if quick else openssl_rsa2048_ms()
    shown = ", ".join(f"{op} {n}" for op, n in sorted(m.calls.items()))
    print(
        f"  archive page of {messages}: {m.requests} DynamoDB requests ({shown}); CPU outside the SDK "
        f"{m.outside_ms:.0f} ms = RSA {m.rsa_ms:.0f} + DynamoDB client {m.dynamodb_ms:.0f} + pipeline "
        f"{m.pipeline_ms:.0f} + batch path {m.batch_ms:.0f}; inside the fake SDK {m.sdk_ms:.0f} ms; "
        f"{m.write_units:.0f} write units; the timers' own {m.instrumentation_ms:.1f} ms taken out; "
        f"runs (outside the SDK): {', '.join(f'{run.outside_ms:.0f}' for run in runs)} ms; openssl speed "
        f"rsa2048: {'-' if rsa_op is None else f'{rsa_op:.3f}'} ms a signature"
    )
    page = f"a page of {messages} ordinary messages"
    deployed, defaults = runs[0].replayed_ms
    return [
        Row(f"WeCom archive: DynamoDB requests for {page} (budget ≤ 120)", "requests", float(m.requests)),
        Row(f"WeCom archive: CPU outside the SDK for {page} (budget ≤ 150)", "ms", round(m.outside_ms, 1)),
        Row(
            "WeCom archive: of which RSA, one RSA-2048 private operation per message, the vendor's "
            "protocol, vs openssl speed rsa2048 (signing) as many times",
            "ms",
            round(m.rsa_ms, 1),
            None if rsa_op is None else round(rsa_op * messages, 1),
        ),
        Row("WeCom archive: of which qunguan + boto3, outside the SDK and RSA", "ms", round(m.rest_ms, 1)),
        Row(
            f"WeCom archive: of which the DynamoDB client (boto3, its {m.requests} requests)",
            "ms",
            round(m.dynamodb_ms, 1),
        ),
        Row(
            "WeCom archive: of which qunguan's pipeline per message (context, every domain's handlers, "
            "the rule set)",
            "ms",
            round(m.pipeline_ms, 1),
        ),
        Row(
            "WeCom archive: of which qunguan's batch path (JSON, mapping, claims, the page's mark and store)",
            "ms",
            round(m.batch_ms, 1),
        ),
        Row(
            "WeCom archive: the DynamoDB client on the page's requests replayed, deployed configuration vs "
            "botocore's defaults",
            "ms",
            round(deployed, 1),
            round(defaults, 1),
        ),
    ]
