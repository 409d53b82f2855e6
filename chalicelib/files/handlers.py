"""The archive's part in the worker (`chalicelib.worker.registry.DOMAINS`): files shared or sent to the bot
are archived (`chalicelib.files.archiving`), the `files` and `file` commands and the request card's
buttons (`chalicelib.files.commands`). An archive that failed in a way worth retrying says so in the
decision's `retry`: the pipeline then fails the event once everything else is recorded, so that
the queue delivers it again (the claim on the file was freed).
"""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.core.actions import Decision
from chalicelib.core.events import Event, FileShared, MessagePosted
from chalicelib.files import archiving, commands

EVENTS: dict[type[Event], Callable[..., Decision]] = {
    MessagePosted: archiving.on_files,
    FileShared: archiving.on_files,
}
COMMANDS = {"files": commands.on_files, "file": commands.on_file}
CARD_ACTIONS = {"file": commands.on_card}
AFTER: tuple[Callable[..., None], ...] = ()
