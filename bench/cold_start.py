"""Row 4: cold start, each figure from fresh interpreters, the median of several runs.

- `python -X importtime -c 'import app'`: the cumulative time of `app` (routes, Chalice, the thin web
  layer), against `python -X importtime -c 'import boto3'` alone, the floor any Python Lambda that talks
  to AWS through boto3 pays at some point.
- The first Slack event of a fresh process: from before the first import to the acknowledgement, qunguan
  (`import app`, settings as `get_deps()` reads them, the Slack endpoints, `ingress.handle` with an
  in-memory store) against slack_bolt
  (`import slack_bolt`, `App(...)` with a no-op listener, `App.dispatch`), the same signed bytes for both
  (bench.ingress builds them). Only `time` is imported before the clock starts; `json` reads the request
  from stdin before it, on both sides.
- A check: after `import app` and one Slack and one WeCom request through `ingress.handle`, none of the
  rule engine, the rules, the lexicon or pyahocorasick is loaded (DESIGN.md section 6: the ingress path
  imports only what it needs). The figure is the number of such modules loaded; it must be 0.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import Row

ROOT = Path(__file__).resolve().parent.parent
# What the ingress path must never load (prefixes of module names).
ENGINE_MODULES = ("chalicelib.core.engine", "chalicelib.core.rules", "chalicelib.core.lexicon", "ahocorasick")

QUNGUAN_FIRST_EVENT = """
import json, sys
spec = json.loads(sys.stdin.read())
import time
start = time.perf_counter_ns()
import app
from chalicelib.bootstrap import Deps
from chalicelib.clock import SystemClock
from chalicelib.envsettings import load_env_settings
from chalicelib.http import InboundRequest
from chalicelib.ingress import handle
from chalicelib.store.memory import MemoryStore
clock = SystemClock()
settings = load_env_settings(spec["settings"], env_file=None)
deps = Deps(clock=clock, store=MemoryStore(clock=clock), env=settings)
def send(route, request):
    inbound = InboundRequest.build(request["method"], request["path"], request["headers"], request["query"],
                                   request["body"].encode())
    reply = handle(route, inbound, deps)
    assert reply.status == 200, reply.body
reply = send("slack.events", spec["slack"])
elapsed = time.perf_counter_ns() - start
send("wecom.callback", spec["wecom"])
prefixes = tuple(spec["engine_modules"])
loaded = sorted(name for name in sys.modules if name.startswith(prefixes))
print(json.dumps({"ns": elapsed, "engine_modules": loaded}))
"""

BOLT_FIRST_EVENT = """
import json, sys
spec = json.loads(sys.stdin.read())
import time
start = time.perf_counter_ns()
from slack_bolt import App, BoltRequest
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient
def authorize(enterprise_id, team_id, **_):
    return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=spec["token"],
                           bot_id="B0QGBOT", bot_user_id=spec["bot_user"])
app = App(signing_secret=spec["secret"], authorize=authorize, client=WebClient(base_url="http://127.0.0.1:9/api/"),
          process_before_response=True, request_verification_enabled=True, token_verification_enabled=False)
heard = []
@app.event("message")
def on_message():
    heard.append(1)
request = spec["slack"]
response = app.dispatch(BoltRequest(body=request["body"], headers=request["headers"]))
elapsed = time.perf_counter_ns() - start
assert response.status == 200 and heard, response.body
print(json.dumps({"ns": elapsed}))
"""


def _env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "WECOM_", "QG_"))}
    env.pop("PYTHONPATH", None)
    return env


def import_time_us(module: str) -> int:
    """The cumulative import time of `module` in a fresh interpreter, as `-X importtime` reports it."""
    # This interpreter, on code written here: no untrusted input reaches the command line.
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    for line in reversed(done.stderr.splitlines()):
        # "import time:       self [us] |  cumulative | imported package"
        parts = line.split("|")
        if len(parts) == 3 and parts[2].rstrip() == f" {module}":
            return int(parts[1])
    raise RuntimeError(f"-X importtime printed no line for {module}")


def _child(code: str, spec: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - this interpreter, on code written in this module
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_env(),
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the child process failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _request(signed: Any) -> dict[str, Any]:
    return {
        "method": signed.method,
        "path": signed.path,
        "headers": dict(signed.headers),
        "query": dict(signed.query),
        "body": signed.body.decode(),
    }


def first_event_spec() -> dict[str, Any]:
    from bench.ingress import slack_request, wecom_request
    from local.demo_settings import DEMO_SETTINGS
    from local.peers.slack import BOT_USER

    now = int(time.time())
    return {
        "settings": {key.lower(): value for key, value in DEMO_SETTINGS.items()},
        "secret": DEMO_SETTINGS["SLACK_SIGNING_SECRET"],
        "token": DEMO_SETTINGS["SLACK_BOT_TOKEN"],
        "bot_user": BOT_USER,
        "slack": _request(slack_request(now)),
        "wecom": _request(wecom_request(now)),
        "engine_modules": list(ENGINE_MODULES),
    }


def main(*, quick: bool = False) -> list[Row]:
    runs = 1 if quick else 11
    app_us: list[int] = []
    boto3_us: list[int] = []
    ours_ns: list[int] = []
    bolt_ns: list[int] = []
    loaded: set[str] = set()
    spec = first_event_spec()
    for _ in range(runs):  # interleaved, so that a busy moment of the machine hits both sides
        app_us.append(import_time_us("app"))
        boto3_us.append(import_time_us("boto3"))
        ours = _child(QUNGUAN_FIRST_EVENT, spec)
        ours_ns.append(ours["ns"])
        loaded.update(ours["engine_modules"])
        bolt_ns.append(_child(BOLT_FIRST_EVENT, spec)["ns"])
    if loaded:
        print(f"  cold start: the ingress path loaded {', '.join(sorted(loaded))}")
    return [
        Row(
            "cold start: python -X importtime -c 'import app' vs 'import boto3' alone",
            "ms",
            statistics.median(app_us) / 1000,
            statistics.median(boto3_us) / 1000,
        ),
        Row(
            "cold start: imports + first Slack event acknowledged, vs slack_bolt",
            "ms",
            statistics.median(ours_ns) / 1e6,
            statistics.median(bolt_ns) / 1e6,
        ),
        Row(
            "check: engine/rules/lexicon modules the ingress path loads (must be 0)",
            "modules",
            float(len(loaded)),
        ),
    ]
