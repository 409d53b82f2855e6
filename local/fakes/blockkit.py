"""Block Kit as Slack checks it, by slack_sdk's own models (`slack_sdk.models.blocks`): what the fake
Slack refuses with `invalid_blocks`, and what the tests assert every card render passes.

A payload passes when it is a list of at most 50 blocks (Slack's limit for a message), each a block type
slack_sdk knows, within every length and count slack_sdk enforces (`validate_json`), and with nothing
that slack_sdk's model would drop: `to_dict()` gives back exactly what was sent, so a misspelt or
unsupported field is caught too.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block

MAX_BLOCKS = 50


def block_kit_errors(blocks: Any) -> list[str]:
    """Why Slack would refuse `blocks`; empty when it would accept them."""
    if not isinstance(blocks, list):
        return ["blocks must be a list"]
    if len(blocks) > MAX_BLOCKS:
        return [f"{len(blocks)} blocks, more than {MAX_BLOCKS}"]
    errors: list[str] = []
    for index, raw in enumerate(blocks):
        where = f"[{index}]"
        parsed = Block.parse(raw) if isinstance(raw, dict) else None
        if parsed is None:
            errors.append(f"{where} is not a known block")
            continue
        try:
            parsed.validate_json()
        except SlackObjectFormationError as exc:
            errors.append(f"{where} {exc}")
            continue
        if parsed.to_dict() != raw:
            errors.append(f"{where} has fields Block Kit does not know: {raw}")
    return errors
