"""Moved to `chalicelib.kernel.commands` (the kernel at the bottom of the worker); this name stays for code
written before the move. New code imports the kernel."""

from __future__ import annotations

from chalicelib.kernel.commands import (
    COMMANDS,
    HELP_WORDS,
    as_command,
    command_name,
    command_prefix,
    failure_notice,
    missing_arguments,
    privately,
    show_help,
    unknown,
)

__all__ = [
    "COMMANDS",
    "HELP_WORDS",
    "as_command",
    "command_name",
    "command_prefix",
    "failure_notice",
    "missing_arguments",
    "privately",
    "show_help",
    "unknown",
]
