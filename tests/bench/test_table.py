"""docs/benchmarks.md's table is rendered from bench/results.json by `python -m bench.table`."""

from __future__ import annotations

from bench.table import figure, table


def test_a_row_without_a_peer_shows_dashes_and_large_figures_are_spaced() -> None:
    rendered = table(
        {
            "rows": [
                {"name": "a", "unit": "µs", "qunguan": 42.2712, "peer": 57.38, "ratio": 1.3574},
                {"name": "b", "unit": "items", "qunguan": 121021.0, "peer": None, "ratio": None},
            ]
        }
    )
    assert rendered.splitlines()[2:] == [
        "| a | µs | 42.27 | 57.38 | 1.357× |",
        "| b | items | 121 021 | — | — |",
    ]


def test_figures_keep_four_significant_digits() -> None:
    assert [figure(v) for v in (0.10449, 9.99, 1159.8, 2.0)] == ["0.1045", "9.99", "1 160", "2"]
