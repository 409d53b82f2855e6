"""qunguan's routing table: webhooks in, the queue consumer, and the schedules.

Each body is one call into `chalicelib`; nothing here reads the environment, opens a client or touches
the network at import time (see the README for `python -X importtime -c 'import app'`).
"""

from chalice.app import Chalice, Cron, Rate, Response

from chalicelib import web
from chalicelib.jobs import entry as jobs

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


@app.route("/files/{token}", methods=["GET", "POST"], content_types=web.FORM_TYPES)
def file_link(token: str) -> Response:
    return web.serve_file_link(token, app)


@app.on_sqs_message(queue=EVENTS_QUEUE, batch_size=10)
def worker(event: object) -> dict[str, list[dict[str, str]]]:
    return web.consume(event)


# Scheduled jobs (UTC; the comments give China time). Per-group jobs fan out through the queue; the backup
# and the restore drill work on the table and run in their own functions.
@app.schedule(Rate(5, unit=Rate.MINUTES))
def end_mutes(event: object) -> None:
    jobs.end_mutes()


@app.schedule(Rate(2, unit=Rate.MINUTES))  # WeCom's message archive: the safety net of msgaudit_notify
def archive_pull(event: object) -> None:
    jobs.archive_pull()


@app.schedule(Cron(5, "*", "*", "*", "?", "*"))  # hourly: join approvals, names, announcements, mentions
def reminders(event: object) -> None:
    jobs.schedule("membership")
    jobs.schedule("workflows")
    jobs.schedule("mentions")


@app.schedule(Cron(0, 19, "*", "*", "?", "*"))  # 03:00 daily
def cleanup(event: object) -> None:
    jobs.schedule("cleanup")


@app.schedule(Cron(30, 1, "*", "*", "?", "*"))  # 09:30 daily: nudges arrive in working hours
def inactivity(event: object) -> None:
    jobs.schedule("inactivity")


@app.schedule(Cron(0, 1, "?", "*", "MON", "*"))  # 09:00 on Mondays
def review(event: object) -> None:
    jobs.schedule("review")


@app.schedule(Cron(0, 12, 1, "*", "?", "*"))  # the 1st, 20:00: last month is over in every time zone
def assessment(event: object) -> None:
    jobs.schedule("assessment")


@app.schedule(Cron(0, 18, "*", "*", "?", "*"))  # 02:00 daily
def backup(event: object) -> None:
    jobs.backup()


@app.schedule(Cron(30, "*", 2, "*", "?", "*"))  # hourly on the 2nd: a long restore resumes
def restore_drill(event: object) -> None:
    jobs.restore_drill()
