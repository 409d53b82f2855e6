"""A small raster renderer: bars, lines, axes and a 5x7 ASCII bitmap font, encoded as PNG with zlib.

Why not a charting library: matplotlib with numpy is about 40 MB in the Lambda package and seconds of
import; pygal draws only SVG, and turning SVG into PNG needs cairo (a native library). Messengers want
PNG or JPEG, and the charts here are bars and lines on a grid, which take a page of code. The output is
deterministic (same data, same bytes), so tests can decode it and check pixels.
"""

from __future__ import annotations

import itertools
import struct
import zlib
from collections.abc import Callable

from chalicelib.jobs.charts.spec import Chart, tick_label, ticks

WIDTH, HEIGHT = 720, 400
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 20, 40, 48
WHITE = (255, 255, 255)
INK = (40, 40, 40)
GRID = (225, 228, 232)
Color = tuple[int, int, int]
Scale = Callable[[float], int]

# 5x7 glyphs, one string of 7 rows of 5 per character; "#" is ink.
_GLYPHS: dict[str, str] = {
    "0": ".###.#...##..###.#.###..##...#.###.",
    "1": "..#...##....#....#....#....#...###.",
    "2": ".###.#...#....#...#...#...#...#####",
    "3": "#####...#...#.....#.....##...#.###.",
    "4": "...#...##..#.#.#..#.#####...#....#.",
    "5": "######....####.....#....##...#.###.",
    "6": "..##..#...#....####.#...##...#.###.",
    "7": "#####....#...#...#...#....#....#...",
    "8": ".###.#...##...#.###.#...##...#.###.",
    "9": ".###.#...##...#.####....#...#..##..",
    "A": ".###.#...##...#######...##...##...#",
    "B": "####.#...##...#####.#...##...#####.",
    "C": ".###.#...##....#....#....#...#.###.",
    "D": "###..#..#.#...##...##...##..#.###..",
    "E": "######....#....####.#....#....#####",
    "F": "######....#....####.#....#....#....",
    "G": ".###.#...##....#.####...##...#.####",
    "H": "#...##...##...#######...##...##...#",
    "I": ".###...#....#....#....#....#...###.",
    "J": "..###...#....#....#....#.#..#..##..",
    "K": "#...##..#.#.#..##...#.#..#..#.#...#",
    "L": "#....#....#....#....#....#....#####",
    "M": "#...###.###.#.##.#.##...##...##...#",
    "N": "#...##...###..##.#.##..###...##...#",
    "O": ".###.#...##...##...##...##...#.###.",
    "P": "####.#...##...#####.#....#....#....",
    "Q": ".###.#...##...##...##.#.##..#..##.#",
    "R": "####.#...##...#####.#.#..#..#.#...#",
    "S": ".#####....#.....###.....#....#####.",
    "T": "#####..#....#....#....#....#....#..",
    "U": "#...##...##...##...##...##...#.###.",
    "V": "#...##...##...##...##...#.#.#...#..",
    "W": "#...##...##...##.#.##.#.##.#.#.#.#.",
    "X": "#...##...#.#.#...#...#.#.#...##...#",
    "Y": "#...##...#.#.#...#....#....#....#..",
    "Z": "#####....#...#...#...#...#....#####",
    "-": "...............#####...............",
    ".": "..........................##...##..",
    "%": "##...##..#...#...#...#...#..##...##",
    "/": ".........#...#...#...#...#.........",
    "+": ".......#....#..#####..#....#.......",
    ":": "......##...##........##...##.......",
    "(": "...#...#...#....#....#.....#.....#.",
    ")": ".#.....#.....#....#....#...#...#...",
    " ": "...................................",
}


def _glyph(char: str) -> str:
    pattern = _GLYPHS.get(char.upper(), _GLYPHS[" "])
    return pattern


class Canvas:
    def __init__(self, width: int = WIDTH, height: int = HEIGHT, background: Color = WHITE) -> None:
        self.width = width
        self.height = height
        self.pixels = bytearray(bytes(background) * (width * height))

    def rect(self, x0: int, y0: int, x1: int, y1: int, color: Color) -> None:
        """Fill [x0, x1) x [y0, y1), clipped to the canvas."""
        x0, x1 = max(0, min(x0, x1)), min(self.width, max(x0, x1))
        y0, y1 = max(0, min(y0, y1)), min(self.height, max(y0, y1))
        if x0 >= x1 or y0 >= y1:
            return
        run = bytes(color) * (x1 - x0)
        for y in range(y0, y1):
            start = (y * self.width + x0) * 3
            self.pixels[start : start + len(run)] = run

    def pixel(self, x: int, y: int) -> Color:
        start = (y * self.width + x) * 3
        r, g, b = self.pixels[start : start + 3]
        return (r, g, b)

    def line(self, start: tuple[int, int], end: tuple[int, int], color: Color, width: int = 2) -> None:
        """Bresenham, with a square pen `width` pixels wide."""
        (x0, y0), (x1, y1) = start, end
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        error = dx + dy
        half = width // 2
        while True:
            self.rect(x0 - half, y0 - half, x0 - half + width, y0 - half + width, color)
            if x0 == x1 and y0 == y1:
                return
            doubled = 2 * error
            if doubled >= dy:
                error += dy
                x0 += sx
            if doubled <= dx:
                error += dx
                y0 += sy

    def text(self, x: int, y: int, text: str, color: Color = INK, scale: int = 2) -> int:
        """Draw `text` with its top-left corner at (x, y); returns the width drawn."""
        for n, char in enumerate(text):
            pattern = _glyph(char)
            left = x + n * 6 * scale
            for row in range(7):
                for column in range(5):
                    if pattern[row * 5 + column] == "#":
                        px, py = left + column * scale, y + row * scale
                        self.rect(px, py, px + scale, py + scale, color)
        return text_width(text, scale)

    def png(self) -> bytes:
        rows = b"".join(
            b"\x00" + bytes(self.pixels[y * self.width * 3 : (y + 1) * self.width * 3])
            for y in range(self.height)
        )
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows, 9))
            + _chunk(b"IEND", b"")
        )


def text_width(text: str, scale: int = 2) -> int:
    return max(0, len(text) * 6 * scale - scale)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def hex_color(value: str) -> Color:
    value = value.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def decode(png: bytes) -> tuple[int, int, bytes]:
    """(width, height, RGB rows) of a PNG this module wrote: for tests and checks."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    position, width, height, data = 8, 0, 0, b""
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        body = png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            data += body
        position += 12 + length
    raw = zlib.decompress(data)
    stride = width * 3 + 1
    return width, height, b"".join(raw[y * stride + 1 : (y + 1) * stride] for y in range(height))


# Charts ---------------------------------------------------------------------------------------------------
def render(chart: Chart) -> bytes:
    canvas = Canvas()
    plot_left, plot_right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    plot_top, plot_bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM
    top = chart.top()

    def y_of(value: float) -> int:
        return plot_bottom - round((plot_bottom - plot_top) * min(value, top) / top)

    for tick in ticks(top):
        y = y_of(tick)
        canvas.rect(plot_left, y, plot_right, y + 1, GRID)
        label = tick_label(tick)
        canvas.text(plot_left - 8 - text_width(label), y - 7, label)
    canvas.rect(plot_left, plot_top, plot_left + 2, plot_bottom + 1, INK)
    canvas.rect(plot_left, plot_bottom, plot_right, plot_bottom + 2, INK)
    count = max(1, len(chart.short))
    slot = (plot_right - plot_left) / count
    label_every = max(1, -(-text_width(max(chart.short, key=len, default="")) // max(1, int(slot) - 4)))
    for n, label in enumerate(chart.short):
        if n % label_every == 0:
            centre = plot_left + round(slot * (n + 0.5))
            canvas.text(centre - text_width(label) // 2, plot_bottom + 10, label)
    if chart.kind == "bar":
        _bars(canvas, chart, slot, left=plot_left, y_of=y_of, bottom=plot_bottom)
    else:
        _lines(canvas, chart, slot, plot_left, y_of)
    _legend(canvas, chart)
    return canvas.png()


def _bars(canvas: Canvas, chart: Chart, slot: float, *, left: int, y_of: Scale, bottom: int) -> None:
    width = max(1.0, slot * 0.8 / max(1, len(chart.series)))
    for s_index, series in enumerate(chart.series):
        color = hex_color(series.color)
        for n, value in enumerate(series.values):
            if value is None:
                continue
            x0 = round(left + slot * n + slot * 0.1 + width * s_index)
            canvas.rect(x0, y_of(value), round(x0 + width) - 1, bottom, color)
            label = tick_label(round(value))
            if value and text_width(label, 1) < width:  # the value above its bar, where it fits
                canvas.text(x0 + round(width - text_width(label, 1)) // 2, y_of(value) - 10, label, scale=1)


def _lines(canvas: Canvas, chart: Chart, slot: float, left: int, y_of: Scale) -> None:
    for series in chart.series:
        color = hex_color(series.color)
        points = [
            (round(left + slot * (n + 0.5)), y_of(value))
            for n, value in enumerate(series.values)
            if value is not None
        ]
        for start, end in itertools.pairwise(points):
            canvas.line(start, end, color, width=3)
        for x, y in points:
            canvas.rect(x - 4, y - 4, x + 5, y + 5, color)


def _legend(canvas: Canvas, chart: Chart) -> None:
    x = MARGIN_LEFT
    for series in chart.series:
        if not series.short:
            continue
        canvas.rect(x, 12, x + 14, 26, hex_color(series.color))
        x += 20 + canvas.text(x + 20, 12, series.short) + 20
