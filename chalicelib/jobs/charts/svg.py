"""The same charts as SVG, for the self-contained HTML report: real text in the group's language, every
label and value escaped."""

from __future__ import annotations

from html import escape

from chalicelib.jobs.charts.spec import Chart, tick_label, ticks

WIDTH, HEIGHT = 720, 360
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 36, 56


def render(chart: Chart) -> str:
    top = chart.top()
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y_of(value: float) -> float:
        return TOP + plot_h - plot_h * min(value, top) / top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(chart.title)}" class="chart">',
        f"<title>{escape(chart.title)}</title>",
    ]
    for tick in ticks(top):
        y = y_of(tick)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#e1e4e8"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{tick_label(tick)}</text>'
        )
    count = max(1, len(chart.categories))
    slot = plot_w / count
    every = max(1, count // 16)
    for n, label in enumerate(chart.categories):
        if n % every == 0:
            x = LEFT + slot * (n + 0.5)
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11">'
                f"{escape(label)}</text>"
            )
    if chart.kind == "bar":
        width = slot * 0.8 / max(1, len(chart.series))
        for s_index, series in enumerate(chart.series):
            for n, value in enumerate(series.values):
                if value is None:
                    continue
                x = LEFT + slot * n + slot * 0.1 + width * s_index
                y = y_of(value)
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{width - 1:.1f}" height="{TOP + plot_h - y:.1f}" '
                    f'fill="{series.color}"><title>{escape(series.name)}: {value:g}</title></rect>'
                )
    else:
        for series in chart.series:
            points = [
                (LEFT + slot * (n + 0.5), y_of(value))
                for n, value in enumerate(series.values)
                if value is not None
            ]
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{series.color}" stroke-width="2.5"/>'
            )
            parts.extend(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{series.color}"/>' for x, y in points
            )
    x = LEFT
    for series in chart.series:
        parts.append(f'<rect x="{x}" y="10" width="12" height="12" fill="{series.color}"/>')
        parts.append(f'<text x="{x + 16}" y="20" font-size="12">{escape(series.name)}</text>')
        x += 32 + 8 * len(series.name)
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#333"/>'
    )
    parts.append("</svg>")
    return "".join(parts)
