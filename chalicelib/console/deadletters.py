"""The dead-letter queue as the console shows it: its depth for owners and auditors, and its replay
for owners, through `chalicelib.replay` (each message back to the main queue, deleted from the DLQ only
once sent). `QG_DLQ_URL` names the queue; without it the console says the depth is unknown."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from chalicelib.console.web import BadRequest

if TYPE_CHECKING:
    from chalicelib.console.web import View

REPLAY_AT_MOST = 100
log = logging.getLogger("qunguan.console")


def depth(view: View) -> int | None:
    """Messages waiting in the DLQ (SQS's approximate count), or None where there is no DLQ to ask."""
    url = view.settings.qg_dlq_url
    if not url:
        return None
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib.replay import depth as queue_depth

    try:
        return queue_depth(view.sqs(), url)
    except (BotoCoreError, ClientError) as exc:  # not allowed, or unreachable: the page says "unknown"
        log.warning("dead-letter depth unknown: %s", type(exc).__name__)
        return None


def replay_all(view: View) -> int:
    """Move up to a hundred dead letters back to the queue; how many moved."""
    from chalicelib.replay import replay

    queue_url, dlq_url = view.viewer.deps.settings.qg_queue_url, view.settings.qg_dlq_url
    if not queue_url or not dlq_url:
        raise BadRequest("console.jobs.no_dlq")
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return replay(view.sqs(), queue_url, dlq_url, max_messages=REPLAY_AT_MOST).moved
    except (BotoCoreError, ClientError) as exc:
        log.warning("dead-letter replay failed: %s", type(exc).__name__)
        raise BadRequest("console.jobs.replay_failed") from exc
