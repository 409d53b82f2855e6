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


# The web console (chalicelib.console, loaded on its first request): pages for admins, auditors, members.
@app.route("/console", methods=["GET"])
def console_overview() -> Response:
    return web.serve_console("overview", app)


@app.route("/console/login", methods=["GET"])
def console_login() -> Response:
    return web.serve_console("login", app)


@app.route("/console/login/{platform}", methods=["GET"])
def console_sign_in(platform: str) -> Response:
    return web.serve_console("sign-in", app, platform=platform)


@app.route("/console/callback/{platform}", methods=["GET"])
def console_callback(platform: str) -> Response:
    return web.serve_console("callback", app, platform=platform)


@app.route("/console/logout", methods=["POST"], content_types=TYPES)
def console_logout() -> Response:
    return web.serve_console("logout", app)


@app.route("/console/dev-login", methods=["GET"])
def console_dev_login() -> Response:
    return web.serve_console("dev-login", app)


@app.route("/console/static/{name}", methods=["GET"])
def console_static(name: str) -> Response:
    return web.serve_console("static", app, name=name)


@app.route("/console/groups", methods=["GET"])
def console_groups() -> Response:
    return web.serve_console("groups", app)


@app.route("/console/groups/{gid}", methods=["GET"])
def console_group(gid: str) -> Response:
    return web.serve_console("group", app, gid=gid)


@app.route("/console/groups/{gid}/announcements", methods=["GET"])
def console_group_announcements(gid: str) -> Response:
    return web.serve_console("group-announcements", app, gid=gid)


@app.route("/console/groups/{gid}/files", methods=["GET"])
def console_group_files(gid: str) -> Response:
    return web.serve_console("group-files", app, gid=gid)


@app.route("/console/cases", methods=["GET", "POST"], content_types=TYPES)
def console_cases() -> Response:
    return web.serve_console("cases", app)


@app.route("/console/pick", methods=["GET"])
def console_pick() -> Response:
    return web.serve_console("pick", app)


@app.route("/console/policy", methods=["GET", "POST"], content_types=TYPES)
def console_policy() -> Response:
    return web.serve_console("policy", app)


@app.route("/console/policy/check", methods=["POST"], content_types=TYPES)
def console_policy_check() -> Response:
    return web.serve_console("policy-check", app)


@app.route("/console/policy/test", methods=["POST"], content_types=TYPES)
def console_policy_test() -> Response:
    return web.serve_console("policy-test", app)


@app.route("/console/assessments", methods=["GET"])
def console_assessments() -> Response:
    return web.serve_console("assessments", app)


@app.route("/console/audit", methods=["GET"])
def console_audit() -> Response:
    return web.serve_console("audit", app)


@app.route("/console/audit/export", methods=["GET"])
def console_audit_export() -> Response:
    return web.serve_console("audit-export", app)


@app.route("/console/files", methods=["GET"])
def console_files() -> Response:
    return web.serve_console("files", app)


@app.route("/console/jobs", methods=["GET", "POST"], content_types=TYPES)
def console_jobs() -> Response:
    return web.serve_console("jobs", app)


@app.route("/console/jobs/dry-run", methods=["POST"], content_types=TYPES)
def console_jobs_dry_run() -> Response:
    return web.serve_console("jobs-dry-run", app)


@app.route("/console/people/{uid}", methods=["GET"])
def console_person(uid: str) -> Response:
    return web.serve_console("person", app, uid=uid)


@app.route("/console/me", methods=["GET"])
def console_me() -> Response:
    return web.serve_console("me", app)


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
