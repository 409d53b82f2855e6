"""qunguan's routing table: webhooks in, the queue consumer, and (later) the schedules.

Each body is one call into `chalicelib`; nothing here reads the environment, opens a client or touches
the network at import time (see the README for `python -X importtime -c 'import app'`).
"""

from chalice.app import Chalice, Response

from chalicelib import web

app = Chalice(app_name="qunguan")
EVENTS_QUEUE = "qunguan-events.fifo"
TYPES = web.ACCEPTED_TYPES


@app.route("/healthz", methods=["GET"])
def healthz() -> Response:
    return web.health()


@app.route("/slack/events", methods=["POST"], content_types=TYPES)
def slack_events() -> Response:
    return web.serve("slack.events", app)


@app.route("/slack/interactions", methods=["POST"], content_types=TYPES)
def slack_interactions() -> Response:
    return web.serve("slack.interactions", app)


@app.route("/slack/commands", methods=["POST"], content_types=TYPES)
def slack_commands() -> Response:
    return web.serve("slack.commands", app)


@app.route("/wecom/callback", methods=["GET", "POST"], content_types=TYPES)
def wecom_callback() -> Response:
    return web.serve("wecom.callback", app)


@app.route("/wecom/aibot", methods=["GET", "POST"], content_types=TYPES)
def wecom_aibot() -> Response:
    return web.serve("wecom.aibot", app)


@app.route("/dingtalk/robot", methods=["POST"], content_types=TYPES)
def dingtalk_robot() -> Response:
    return web.serve("dingtalk.robot", app)


@app.route("/dingtalk/events", methods=["POST"], content_types=TYPES)
def dingtalk_events() -> Response:
    return web.serve("dingtalk.events", app)


@app.route("/dingtalk/cards", methods=["POST"], content_types=TYPES)
def dingtalk_cards() -> Response:
    return web.serve("dingtalk.cards", app)


@app.on_sqs_message(queue=EVENTS_QUEUE, batch_size=10)
def worker(event: object) -> dict[str, list[dict[str, str]]]:
    return web.consume(event)
