"""`make load`: a bounded burst of signed webhooks against qunguan on loopback, and what came of it.

    python -m local.load [--count 2000] [--concurrency 100] [--max-seconds 300] [--drain-seconds 600]
                         [--url URL] [--json]

Where it sends:
- with `--url`, or when `make run` is up (`.local/stack.json`, and /healthz answers), to that stack;
- otherwise it starts the pieces in this process, on 127.0.0.1 with the demo credentials: the recording
  fake of the messenger APIs, the embedded DynamoDB (moto) with the table, the Chalice app behind
  `chalice local`'s threaded server, and in place of SQS a queue with four worker threads, so that an
  ack waits for what production's does (verify, claim, hand over) and not for the processing.

What it sends: `--count` requests (at most 20 000), built and signed before the clock starts, as each
messenger would (`local.peers`), spread over the platforms and routes: ordinary Slack channel messages
(moderated), `@bot help` and `/qg help` on Slack, the WeCom AI bot and the WeCom app, DingTalk robot
@-messages, DingTalk events, card clicks. `--concurrency` of them are in flight at once, each on its own
connection, as the platforms send them. Nothing leaves 127.0.0.1; sending stops at `--max-seconds`, and
waiting for the worker at `--drain-seconds`.

What it reports: requests, errors (any answer but 200, or no answer in 30 s), throughput, and ack
latency at p50, p99 and the maximum; for a stack it started, the events the worker processed, failed and
how long the queue took to drain; and, when the replies go to a recording fake it can read, the replies
each request's reply URL received: lost (none) and duplicated (more than one). The exit status is 0 only
when errors, failures, lost and duplicated are all 0. Against `make run` (`QG_DISPATCH=inline`) the ack
includes the processing, so its latency overstates production's.
"""

from __future__ import annotations

import argparse
import http.client
import json
import queue
import statistics
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from local.demo_settings import DEMO_SETTINGS as S
from local.demo_settings import DINGTALK_CORP, SLACK_TEAM
from local.peers import SignedRequest
from local.peers import dingtalk as dingtalk_peer
from local.peers import slack as slack_peer
from local.peers import wecom as wecom_peer

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".local" / "stack.json"
MAX_COUNT = 20_000
CHANNELS = 20


@dataclass(frozen=True)
class Planned:
    request: SignedRequest
    kind: str
    hook: str | None = None  # the reply URL path whose single reply proves the event was processed


@dataclass
class Report:
    target: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    throughput: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    processed: int | None = None  # events the worker processed (in-process stack only)
    failed_deliveries: int | None = None
    drained: bool | None = None
    drain_seconds: float | None = None
    pending: int | None = None
    checked_replies: int | None = None
    lost: int | None = None
    duplicated: int | None = None
    stopped_early: bool = False
    acked: list[int] = field(default_factory=list, repr=False)


# What to send -------------------------------------------------------------------------------------


def plan(count: int, hook_base: str) -> list[Planned]:
    """`count` distinct signed requests, round-robin over the kinds below."""
    run = uuid.uuid4().hex[:6]
    kinds: list[Callable[[int], Planned]] = [
        _slack_message,
        _slack_message,
        lambda n: _slack_command(n, hook_base, run),
        _slack_mention,
        lambda n: _wecom_aibot(n, hook_base, run),
        _wecom_app,
        lambda n: _dingtalk_robot(n, hook_base, run),
        lambda n: _dingtalk_event(n, run),
        _dingtalk_card,
        lambda n: _slack_click(n, hook_base, run),
    ]
    return [kinds[n % len(kinds)](n) for n in range(count)]


def _channel(n: int) -> str:
    return f"C0LOAD{n % CHANNELS:02d}"


def _slack_message(n: int) -> Planned:
    event = {
        "type": "message",
        "user": f"U0LOAD{n % 97:03d}",
        "channel": _channel(n),
        "text": f"weekly status update number {n}",
        "ts": f"{time.time():.6f}",
        "channel_type": "channel",
    }
    envelope = slack_peer.envelope(event, team=SLACK_TEAM, event_id=f"EvL{uuid.uuid4().hex[:12].upper()}")
    return Planned(slack_peer.event_request(envelope, S["SLACK_SIGNING_SECRET"]), "slack message")


def _slack_mention(n: int) -> Planned:
    event = {
        "type": "app_mention",
        "user": f"U0LOAD{n % 97:03d}",
        "channel": _channel(n),
        "text": "<@UQGBOT> help",
        "ts": f"{time.time():.6f}",
    }
    envelope = slack_peer.envelope(event, team=SLACK_TEAM, event_id=f"EvL{uuid.uuid4().hex[:12].upper()}")
    return Planned(slack_peer.event_request(envelope, S["SLACK_SIGNING_SECRET"]), "slack @bot help")


def _slack_command(n: int, hook_base: str, run: str) -> Planned:
    hook = f"/hooks/load-{run}-{n}"
    form = {
        "command": "/qg",
        "text": "help",
        "team_id": SLACK_TEAM,
        "channel_id": _channel(n),
        "user_id": f"U0LOAD{n % 97:03d}",
        "response_url": hook_base + hook,
        "trigger_id": uuid.uuid4().hex,
    }
    return Planned(slack_peer.command_request(form, S["SLACK_SIGNING_SECRET"]), "slack /qg help", hook)


def _slack_click(n: int, hook_base: str, run: str) -> Planned:
    hook = f"/hooks/load-{run}-{n}"
    payload = {
        "type": "block_actions",
        "user": {"id": f"U0LOAD{n % 97:03d}"},
        "team": {"id": SLACK_TEAM},
        "channel": {"id": _channel(n)},
        "container": {"type": "message", "message_ts": "1.2"},
        "trigger_id": uuid.uuid4().hex,
        "response_url": hook_base + hook,
        "actions": [
            {"action_id": "mod.dismiss", "value": "x", "type": "button", "action_ts": f"{time.time():.6f}"}
        ],
    }
    return Planned(slack_peer.interaction_request(payload, S["SLACK_SIGNING_SECRET"]), "slack card click")


def _wecom_aibot(n: int, hook_base: str, run: str) -> Planned:
    hook = f"/hooks/load-{run}-{n}"
    payload = {
        "msgid": uuid.uuid4().hex,
        "aibotid": "AIBOT",
        "chatid": f"wrLOAD{n % CHANNELS}",
        "chattype": "group",
        "from": {"userid": f"user{n % 97}"},
        "response_url": hook_base + hook,
        "msgtype": "text",
        "text": {"content": "@qunguan 帮助"},
    }
    request = wecom_peer.aibot_request(
        payload, token=S["WECOM_AIBOT_TOKEN"], aes_key=S["WECOM_AIBOT_AES_KEY"]
    )
    return Planned(request, "wecom ai bot @bot help", hook)


def _wecom_app(n: int) -> Planned:
    xml = wecom_peer.text_message_xml(
        corp_id=S["WECOM_CORP_ID"],
        user=f"user{n % 97}",
        content="help",
        msg_id=str(uuid.uuid4().int % 10**19),
        create_time=int(time.time()),
    )
    request = wecom_peer.callback_request(
        xml, token=S["WECOM_TOKEN"], aes_key=S["WECOM_AES_KEY"], corp_id=S["WECOM_CORP_ID"]
    )
    return Planned(request, "wecom app direct help")


def _dingtalk_robot(n: int, hook_base: str, run: str) -> Planned:
    hook = f"/hooks/load-{run}-{n}"
    payload = {
        "conversationId": f"cidLOAD{n % CHANNELS}",
        "chatbotCorpId": DINGTALK_CORP,
        "msgId": f"msg{uuid.uuid4().hex[:16]}",
        "senderStaffId": f"staff{n % 97}",
        "conversationType": "2",
        "isInAtList": True,
        "sessionWebhook": hook_base + hook,
        "createAt": int(time.time() * 1000),
        "text": {"content": " help"},
        "msgtype": "text",
    }
    return Planned(
        dingtalk_peer.robot_request(payload, app_secret=S["DINGTALK_APP_SECRET"]), "dingtalk robot help", hook
    )


def _dingtalk_event(n: int, run: str) -> Planned:
    payload = {
        "EventType": "user_modify_org",
        "CorpId": DINGTALK_CORP,
        "UserId": [f"staff-{run}-{n}"],
        "TimeStamp": int(time.time() * 1000),
    }
    request = dingtalk_peer.event_request(
        payload, token=S["DINGTALK_TOKEN"], aes_key=S["DINGTALK_AES_KEY"], app_key=S["DINGTALK_APP_KEY"]
    )
    return Planned(request, "dingtalk event")


def _dingtalk_card(n: int) -> Planned:
    params = {"action": "mod.dismiss", "value": "x", "chat": f"cidLOAD{n % CHANNELS}"}
    payload = {
        "type": "actionCallback",
        "outTrackId": uuid.uuid4().hex,
        "corpId": DINGTALK_CORP,
        "userId": f"staff{n % 97}",
        "content": json.dumps({"cardPrivateData": {"params": params}}),
    }
    return Planned(
        dingtalk_peer.card_request(payload, card_secret=S["DINGTALK_CARD_SECRET"]), "dingtalk card click"
    )


# Where to send ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    url: str
    fake: str | None  # the recording fake's URL, when it can be read
    worker: BackgroundWorker | None = None  # the queue's consumer, when the stack runs here


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 - loopback
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def target(url: str | None) -> Iterator[Target]:
    if url:
        yield Target(url.rstrip("/"), None)
        return
    if STATE.exists():
        state = json.loads(STATE.read_text())
        if _healthy(str(state["url"])):
            yield Target(str(state["url"]), state.get("fake_messengers"))
            return
    with in_process() as started:
        yield started


class _Server:
    """`chalice local`'s threaded server, with a listen backlog that takes a burst of connections."""

    def __init__(self) -> None:
        from chalice.config import Config
        from chalice.local import (
            ChaliceRequestHandler,
            LocalDevServer,
            ThreadedHTTPServer,
            create_local_server,
        )

        import app as application

        class Backlogged(ThreadedHTTPServer):
            request_queue_size = 1024

        class Quiet(ChaliceRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # not a line per request
                return

        config = Config.create(chalice_stage="dev", app_name="qunguan", project_dir=str(ROOT))
        local = create_local_server(application.app, config, "127.0.0.1", 0)  # makes the app thread-safe
        local.server.server_close()
        self.dev = LocalDevServer(
            local.app_object, config, "127.0.0.1", 0, handler_cls=Quiet, server_cls=Backlogged
        )
        host, port = self.dev.server.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        self._thread = threading.Thread(
            target=self.dev.server.serve_forever, name="qunguan-local", daemon=True
        )

    def start(self) -> _Server:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.dev.shutdown()
        self.dev.server.server_close()


class BackgroundWorker:
    """SQS and its consumer, in miniature: ingress hands events over and acks, as in production, and
    `threads` workers process them meanwhile. A worker that raises counts as a failed delivery (SQS
    would deliver it again)."""

    def __init__(self, process: Callable[[Any], object], threads: int = 4) -> None:
        self._process = process
        self._queue: queue.Queue[Any] = queue.Queue()
        self.processed = 0
        self.failed = 0
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._work, daemon=True) for _ in range(threads)]
        for thread in self._threads:
            thread.start()

    def dispatch(self, events: Any) -> None:
        for event in events:
            self._queue.put(event)

    def drain(self, timeout: float) -> bool:
        """Wait until every handed-over event was processed; False if `timeout` passed first."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.05)
        return not self._queue.unfinished_tasks

    @property
    def pending(self) -> int:
        return self._queue.unfinished_tasks

    def stop(self) -> None:
        for _ in self._threads:
            self._queue.put(None)

    def _work(self) -> None:
        while (event := self._queue.get()) is not None:
            try:
                self._process(event)
                outcome = "processed"
            except Exception:  # a failed delivery, as SQS would see it; counted, reported
                outcome = "failed"
            finally:
                self._queue.task_done()
            with self._lock:
                self.processed += outcome == "processed"
                self.failed += outcome == "failed"


@contextmanager
def in_process() -> Iterator[Target]:
    """The fake messenger APIs, the embedded DynamoDB with the table, and the app, in this process; the
    worker behind a queue, as in production."""
    from chalicelib.bootstrap import Deps, use_deps
    from chalicelib.clock import SystemClock
    from chalicelib.settings import Settings
    from chalicelib.store.dynamodb import DynamoStore
    from chalicelib.worker.pipeline import process
    from local.dynamo import start_dynamodb
    from local.fakes.server import FakeMessengers

    fake = FakeMessengers().start()
    dynamo = start_dynamodb()
    table = f"qunguan-load-{uuid.uuid4().hex[:6]}"
    dynamo.create_table(table)
    values: dict[str, Any] = {name.lower(): value for name, value in S.items()}
    values.update(fake.settings(), qg_dispatch="sqs", qg_table_name=table)
    clock = SystemClock()
    deps = Deps(
        settings=Settings(_env_file=None, **values),
        clock=clock,
        store=DynamoStore(table, client=dynamo.client(), clock=clock),
    )
    worker = BackgroundWorker(lambda event: process(event, deps))
    deps.dispatcher = worker
    use_deps(deps)
    server = _Server().start()
    try:
        yield Target(server.url, fake.url, worker)
    finally:
        worker.stop()
        server.stop()
        use_deps(None)
        dynamo.stop()
        fake.stop()


# Sending ------------------------------------------------------------------------------------------


def send(url: str, request: SignedRequest, timeout: float) -> tuple[int | str, float]:
    """(status, seconds) for one request on a new connection; the error's name when there was no answer."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=timeout)
    started = time.perf_counter()
    try:
        connection.request(
            request.method, request.url_path, body=request.body or None, headers=request.headers
        )
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    except OSError as exc:
        return type(exc).__name__, time.perf_counter() - started
    finally:
        connection.close()


def run(planned: list[Planned], url: str, *, concurrency: int, max_seconds: float) -> Report:
    report = Report(target=url)
    latencies: list[float] = []
    acked: set[int] = set()
    deadline = time.monotonic() + max_seconds
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        pending = iter(planned)
        futures = {}
        for item in pending:  # keep `concurrency` in flight, no more
            futures[pool.submit(send, url, item.request, 30.0)] = item
            if len(futures) >= concurrency:
                break
        while futures:
            done = next(as_completed(futures))
            item = futures.pop(done)
            status, seconds = done.result()
            report.requests += 1
            report.by_kind[item.kind] = report.by_kind.get(item.kind, 0) + 1
            report.statuses[str(status)] = report.statuses.get(str(status), 0) + 1
            latencies.append(seconds)
            if status == 200:
                acked.add(id(item))
            else:
                report.errors += 1
            if time.monotonic() > deadline:
                report.stopped_early = True
                continue
            following = next(pending, None)
            if following is not None:
                futures[pool.submit(send, url, following.request, 30.0)] = following
    report.seconds = time.perf_counter() - started
    report.acked = [n for n, item in enumerate(planned) if id(item) in acked]
    report.throughput = report.requests / report.seconds if report.seconds else 0.0
    if latencies:
        cuts = statistics.quantiles(latencies, n=100, method="inclusive")
        report.p50_ms, report.p99_ms = cuts[49] * 1000, cuts[98] * 1000
        report.max_ms = max(latencies) * 1000
    return report


def count_replies(report: Report, planned: list[Planned], fake: str) -> None:
    """Lost and duplicated replies, from what the recording fake received on each request's hook."""
    with urllib.request.urlopen(f"{fake}/_recorded", timeout=30) as response:  # noqa: S310 - loopback
        calls = json.loads(response.read())
    received: dict[str, int] = {}
    for call in calls:
        received[call["path"]] = received.get(call["path"], 0) + 1
    # Only what was acked: a request that got no answer is one the platform would send again.
    hooks = [hook for n in report.acked if (hook := planned[n].hook)]
    report.checked_replies = len(hooks)
    report.lost = sum(1 for hook in hooks if received.get(hook, 0) == 0)
    report.duplicated = sum(1 for hook in hooks if received.get(hook, 0) > 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000, help=f"requests to send (at most {MAX_COUNT})")
    parser.add_argument("--concurrency", type=int, default=100, help="requests in flight at once")
    parser.add_argument("--max-seconds", type=float, default=300.0, help="stop sending after this long")
    parser.add_argument(
        "--drain-seconds", type=float, default=600.0, help="wait this long at most for the worker to finish"
    )
    parser.add_argument("--url", help="a running qunguan (default: `make run`'s, else one started here)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    count = max(1, min(args.count, MAX_COUNT))
    if args.url and urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("load is sent to loopback only (127.0.0.1)")
    with target(args.url) as where:
        print(f"building {count} signed requests...", file=sys.stderr)
        hook_base = where.fake or "http://127.0.0.1:9"
        planned = plan(count, hook_base)
        print(f"sending them to {where.url}, {args.concurrency} at a time...", file=sys.stderr)
        report = run(planned, where.url, concurrency=max(1, args.concurrency), max_seconds=args.max_seconds)
        if where.worker is not None:
            print("waiting for the worker to drain the queue...", file=sys.stderr)
            started = time.perf_counter()
            report.drained = where.worker.drain(timeout=args.drain_seconds)
            report.drain_seconds = time.perf_counter() - started
            report.processed, report.failed_deliveries = where.worker.processed, where.worker.failed
            report.pending = where.worker.pending
        if where.fake and report.drained is not False:  # replies still queued are not lost
            time.sleep(0.5)  # the last replies are on their way
            count_replies(report, planned, where.fake)
    shown = {k: v for k, v in asdict(report).items() if k != "acked"}
    print(json.dumps(shown, indent=2, ensure_ascii=False) if args.json else summary(report))
    clean = report.errors == 0 and not report.lost and not report.duplicated and not report.failed_deliveries
    return 0 if clean and report.drained is not False else 1


def summary(report: Report) -> str:
    lines = [
        f"target        {report.target}",
        f"requests      {report.requests}" + ("  (stopped at --max-seconds)" if report.stopped_early else ""),
        f"errors        {report.errors}  statuses {report.statuses}",
        f"elapsed       {report.seconds:.1f} s",
        f"throughput    {report.throughput:.0f} requests/s",
        f"ack latency   p50 {report.p50_ms:.1f} ms   p99 {report.p99_ms:.1f} ms   max {report.max_ms:.1f} ms",
    ]
    if report.processed is not None:
        lines.append(
            f"worker        {report.processed} events processed, {report.failed_deliveries} failed; queue "
            + (
                f"drained {report.drain_seconds:.1f} s after the last ack"
                if report.drained
                else f"NOT drained in --drain-seconds: {report.pending} still queued, replies not checked"
            )
        )
    if report.checked_replies is not None:
        checked, lost, twice = report.checked_replies, report.lost, report.duplicated
        lines.append(f"replies       {checked} checked: lost {lost}, duplicated {twice}")
    lines += [f"  {kind:<24} {n}" for kind, n in sorted(report.by_kind.items())]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
