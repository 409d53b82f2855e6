"""Moved to `chalicelib.kernel.clicks` (the kernel at the bottom of the worker); this name stays for code
written before the move. New code imports the kernel."""

from __future__ import annotations

from chalicelib.kernel.clicks import BAD_SEAL, ClickAnswers, ClickGate, OpenedClick, Right, answer_click

__all__ = ["BAD_SEAL", "ClickAnswers", "ClickGate", "OpenedClick", "Right", "answer_click"]
