"""`python -m bench.table`: bench/results.json as the Markdown table docs/benchmarks.md shows, so the
figures there are copied by a program, not by hand."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results.json"


def figure(value: float | None) -> str:
    """Four significant figures at most, thousands spaced as the docs write them; "—" for none."""
    if value is None:
        return "—"
    shown = f"{value:.4g}" if abs(value) < 1000 else f"{round(value):,}".replace(",", " ")
    return shown.replace("e+0", "e")


def table(results: dict[str, Any]) -> str:
    lines = ["| Row | Unit | qunguan | Peer | Ratio (peer / qunguan) |", "|---|---|---:|---:|---:|"]
    for row in results["rows"]:
        ratio = "—" if row.get("ratio") is None else f"{figure(row['ratio'])}×"
        ours, peer = figure(row["qunguan"]), figure(row.get("peer"))
        lines.append(f"| {row['name']} | {row['unit']} | {ours} | {peer} | {ratio} |")
    return "\n".join(lines)


def main() -> int:
    print(table(json.loads(RESULTS.read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
