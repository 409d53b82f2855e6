"""The charts: PNG that decodes, with each bar as tall as its value; the same chart as SVG with its labels
escaped; axis tops that are round numbers."""

from __future__ import annotations

import pytest

from chalicelib.jobs.charts import png, svg
from chalicelib.jobs.charts.spec import Chart, Series, nice_ceiling

BLUE = "#2f6fdb"


def bars(values: tuple[float | None, ...], y_max: float | None = 100) -> Chart:
    labels = tuple(str(n) for n in range(len(values)))
    return Chart("t", "bar", "Scores", labels, labels, (Series("now", "NOW", values, BLUE),), y_max=y_max)


def column_top(chart: Chart, index: int) -> int:
    """The first row, from the top of the plot, where the bar's colour starts at the column's centre."""
    width, height, rows = png.decode(png.render(chart))
    slot = (width - png.MARGIN_LEFT - png.MARGIN_RIGHT) / len(chart.short)
    x = round(png.MARGIN_LEFT + slot * (index + 0.5)) - 10  # left of centre, clear of the value label
    for y in range(png.MARGIN_TOP, height - png.MARGIN_BOTTOM + 1):
        start = (y * width + x) * 3
        if tuple(rows[start : start + 3]) == png.hex_color(BLUE):
            return y
    return -1


def test_a_png_chart_decodes_to_its_size() -> None:
    width, height, rows = png.decode(png.render(bars((80.0, 40.0))))
    assert (width, height, len(rows)) == (png.WIDTH, png.HEIGHT, png.WIDTH * png.HEIGHT * 3)


@pytest.mark.parametrize(("value", "share"), [(100.0, 1.0), (50.0, 0.5), (25.0, 0.25)])
def test_each_bar_is_as_tall_as_its_value(value: float, share: float) -> None:
    chart = bars((value, 10.0))
    bottom = png.HEIGHT - png.MARGIN_BOTTOM
    expected = bottom - round((bottom - png.MARGIN_TOP) * share)
    assert column_top(chart, 0) == expected


def test_a_missing_value_draws_no_bar() -> None:
    assert column_top(bars((None, 30.0)), 0) == -1


def test_the_same_data_gives_the_same_bytes() -> None:
    assert png.render(bars((61.5, 70.0))) == png.render(bars((61.5, 70.0)))


def test_svg_labels_and_titles_are_escaped() -> None:
    chart = Chart("t", "line", "A <b> & C", ("<i>", "合规"), ("1", "2"), (Series("x&y", "X", (1.0, 2.0)),))
    drawn = svg.render(chart)
    assert drawn.startswith("<svg") and "A &lt;b&gt; &amp; C" in drawn and "&lt;i&gt;" in drawn
    assert "<i>" not in drawn and "合规" in drawn and "x&amp;y" in drawn


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (0.4, 1), (7, 10), (13, 20), (24, 25), (51, 100), (130, 200)]
)
def test_axis_tops_are_round_numbers(value: float, top: float) -> None:
    assert nice_ceiling(value) == top
