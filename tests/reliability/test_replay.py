"""`python -m chalicelib.replay` re-drives the dead-letter queue, against moto's SQS: every message goes
back to the main FIFO queue in its message group and leaves the DLQ only once it was sent; `--max` and
`--dry-run` do what they say; a failed send loses nothing."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from chalicelib.core import codec
from chalicelib.core.events import MessagePosted
from chalicelib.queue import SqsDispatcher
from chalicelib.replay import main, replay
from local.dynamo import DUMMY_CREDENTIAL, REGION
from tests.reliability.support import Queues

ROOT = Path(__file__).resolve().parents[2]


def said(n: int, chat: str) -> MessagePosted:
    return MessagePosted(
        platform="slack",
        tenant="T1",
        event_id=f"ev{n}",
        occurred_at=1.0,
        chat=chat,
        user="U1",
        message_id=f"{n}.0",
        text=f"message {n}",
    )


def dead_letters(queues: Queues, events: list[MessagePosted]) -> None:
    """Send the events the way ingress does, then fail them until SQS moves them to the DLQ."""
    SqsDispatcher(queues.main, client=queues.sqs).dispatch(events)
    for _ in range(10 * (queues.max_receives + 1)):
        messages = queues.sqs.receive_message(QueueUrl=queues.main, MaxNumberOfMessages=10).get(
            "Messages", []
        )
        if not messages:
            break
        for message in messages:
            queues.sqs.change_message_visibility(
                QueueUrl=queues.main, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
    assert len(queues.bodies(queues.dlq)) == len(events)


def received(queues: Queues, url: str) -> list[dict[str, Any]]:
    """Every message in the queue with its attributes, removing them."""
    found: list[dict[str, Any]] = []
    while True:
        batch = queues.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])
        messages = batch.get("Messages", [])
        if not messages:
            return found
        for message in messages:
            found.append(message)
            queues.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


EVENTS = [said(1, "C1"), said(2, "C1"), said(3, "C2")]


def test_every_dead_letter_goes_back_to_its_message_group_in_order_and_leaves_the_dlq(queues: Queues) -> None:
    dead_letters(queues, EVENTS)
    report = replay(queues.sqs, queues.main, queues.dlq)
    assert (report.moved, report.failed) == (3, 0)
    back = received(queues, queues.main)
    by_group: dict[str, list[str]] = {}
    for message in back:
        by_group.setdefault(message["Attributes"]["MessageGroupId"], []).append(
            codec.loads(message["Body"]).event_id
        )
    assert by_group == {"slack:T1:C1": ["ev1", "ev2"], "slack:T1:C2": ["ev3"]}
    assert queues.bodies(queues.dlq) == []


def test_a_replayed_message_gets_a_new_deduplication_id_so_sqs_cannot_drop_it(queues: Queues) -> None:
    """SQS drops a FIFO message whose deduplication id was sent in the last five minutes, deleted or
    not; the events in the DLQ were sent minutes ago with the id ingress gave them."""
    dead_letters(queues, EVENTS[:1])
    original = queues.sqs.receive_message(
        QueueUrl=queues.dlq, AttributeNames=["MessageDeduplicationId"], VisibilityTimeout=0
    )["Messages"][0]["Attributes"]["MessageDeduplicationId"]
    replay(queues.sqs, queues.main, queues.dlq)
    (back,) = received(queues, queues.main)
    assert back["Attributes"]["MessageDeduplicationId"] != original


class DeleteFails:
    """The SQS client, except that deleting from the DLQ fails (a crash between send and delete)."""

    def __init__(self, sqs: Any) -> None:
        self._sqs = sqs

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sqs, name)

    def delete_message(self, **request: Any) -> None:
        from botocore.exceptions import EndpointConnectionError

        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9")


def test_a_run_interrupted_after_the_send_is_safe_to_run_again(queues: Queues) -> None:
    dead_letters(queues, EVENTS[:1])
    assert replay(DeleteFails(queues.sqs), queues.main, queues.dlq).moved == 1
    assert len(queues.bodies(queues.dlq)) == 1  # sent, not deleted: still there
    assert replay(queues.sqs, queues.main, queues.dlq).moved == 1  # the re-run sends the same copy...
    assert len(received(queues, queues.main)) == 1  # ...which SQS deduplicates
    assert queues.bodies(queues.dlq) == []


def test_max_moves_at_most_that_many(queues: Queues) -> None:
    dead_letters(queues, EVENTS)
    out = io.StringIO()
    assert (
        main(["--queue-url", queues.main, "--dlq-url", queues.dlq, "--max", "2"], sqs=queues.sqs, out=out)
        == 0
    )
    assert out.getvalue() == "moved 2 message(s) back to the queue\n"
    assert len(queues.bodies(queues.main)) == 2 and len(queues.bodies(queues.dlq)) == 1


def test_a_dry_run_lists_types_and_groups_and_moves_nothing(queues: Queues) -> None:
    dead_letters(queues, EVENTS)
    out = io.StringIO()
    assert (
        main(["--queue-url", queues.main, "--dlq-url", queues.dlq, "--dry-run"], sqs=queues.sqs, out=out) == 0
    )
    lines = out.getvalue().splitlines()
    assert lines[-1] == "dry run: 3 message(s) would move; nothing was sent"
    assert all("type=MessagePosted" in line and "group=slack:T1:C" in line for line in lines[:-1])
    assert not any("message 1" in line for line in lines)  # the event's text is never printed
    assert queues.bodies(queues.main) == []
    assert len(queues.bodies(queues.dlq)) == 3  # visible again at once


def test_when_the_main_queue_refuses_the_message_stays_in_the_dlq(queues: Queues) -> None:
    dead_letters(queues, EVENTS)
    gone = queues.main.replace("qunguan-events-", "qunguan-deleted-")
    out = io.StringIO()
    assert main(["--queue-url", gone, "--dlq-url", queues.dlq], sqs=queues.sqs, out=out) == 1
    assert "stopped at a failed send" in out.getvalue()
    assert len(queues.bodies(queues.dlq)) == 3


def test_the_command_line_runs_as_a_module_against_the_endpoint_in_the_environment(queues: Queues) -> None:
    dead_letters(queues, EVENTS[:2])
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL_SQS": queues.sqs.meta.endpoint_url,
        "AWS_ACCESS_KEY_ID": DUMMY_CREDENTIAL,
        "AWS_SECRET_ACCESS_KEY": DUMMY_CREDENTIAL,
        "AWS_DEFAULT_REGION": REGION,
    }
    done = subprocess.run(
        [sys.executable, "-m", "chalicelib.replay", "--queue-url", queues.main, "--dlq-url", queues.dlq],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "moved 2 message(s) back to the queue\n"), done.stderr
    assert len(queues.bodies(queues.main)) == 2
