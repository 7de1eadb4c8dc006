"""Inline SVG charts: horizontal bars with 95% interval whiskers, alone or in panels.

The charts are drawn in points for a 470 pt wide column (A4 with 22 mm margins); the CSS scales
them to the column in HTML. Panels share one axis, so bars of the same length mean the same
number in every panel. A whisker is drawn over a light outline, so the part inside a dark bar
stays visible. Each chart is an image with a title and a description that gives its figures in
words (``role="img"``, ``aria-labelledby``), for those who cannot see it.

Labels are measured with the advance widths of DejaVu Sans Condensed (the font the report asks
for; narrower fallbacks only leave more room) and wrapped on word boundaries; a label that still
does not fit its lines is shortened with an ellipsis (the table next to the chart always has it
in full).

>>> wrap("Disciplinaire maatregel, ontslag of einde inhuur", 80, 7.5)
['Disciplinaire', 'maatregel, ontslag of', 'einde inhuur']
>>> nice_ticks(47, 4)
[0, 10, 20, 30, 40, 50]
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from aggregator.report.i18n import UNRELIABLE_MARK, Formatter

#: The column width the charts are drawn for, in points.
WIDTH = 470.0
FONT = (
    "'DejaVu Sans Condensed', 'DejaVu Sans', 'Liberation Sans Narrow', 'Arial Narrow', sans-serif"
)

#: Advance widths (1/1000 em) of DejaVu Sans Condensed for the characters 32…126.
_WIDTHS = (
    286, 360, 414, 754, 572, 855, 702, 247, 351, 351, 450, 754, 286, 325, 286, 303, 572, 572,
    572, 572, 572, 572, 572, 572, 572, 572, 303, 303, 754, 754, 754, 478, 900, 615, 617, 628,
    693, 568, 518, 697, 677, 265, 265, 590, 501, 776, 673, 708, 542, 708, 625, 571, 549, 659,
    615, 890, 616, 549, 616, 351, 303, 351, 754, 450, 450, 551, 571, 495, 571, 554, 316, 571,
    570, 250, 250, 521, 250, 876, 570, 550, 571, 571, 370, 469, 353, 570, 532, 736, 532, 532,
    472, 572, 303, 572, 754,
)  # fmt: skip
_BOLD = 1.09  # DejaVu Sans Condensed Bold is about this much wider

INK = "#1a1a1a"
MUTED = "#5c5c5c"
GRID = "#d6d6d6"
#: Under every whisker: a light outline, so a whisker over a dark bar stays visible.
HALO = "#ffffff"
HALO_WIDTH = 2.6
#: Lightest to darkest; the release's own year is always the darkest.
SERIES = ("#c4d8ec", "#94b8db", "#5f8fc2", "#2f639b", "#154273")


@dataclass(frozen=True)
class Bar:
    """One estimate with its 95% interval."""

    estimate: int
    low: int
    high: int
    unreliable: bool = False
    series: int = 0


@dataclass(frozen=True)
class Row:
    """A labelled row of one bar (or one bar per series)."""

    label: str
    bars: tuple[Bar | None, ...]


@dataclass(frozen=True)
class Panel:
    """One panel of a panel chart: a title and one bar per row label."""

    title: str
    bars: tuple[Bar, ...]


def series_colours(n: int) -> tuple[str, ...]:
    """``n`` colours from light to dark, spread over the palette; the last is the darkest.

    >>> series_colours(2)
    ('#94b8db', '#154273')
    """
    if n <= 1:
        return SERIES[-1:]
    first = 1 if n <= len(SERIES) - 1 else 0
    span = len(SERIES) - 1 - first
    return tuple(SERIES[first + round(i * span / (n - 1))] for i in range(n))


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` in points at ``size`` points."""
    total = 0
    for ch in text:
        code = ord(ch)
        if not 32 <= code <= 126:
            base = unicodedata.normalize("NFKD", ch)[:1]
            code = ord(base) if base and 32 <= ord(base) <= 126 else ord("m")
        total += _WIDTHS[code - 32]
    return total * size / 1000 * (_BOLD if bold else 1.0)


def wrap(text: str, width: float, size: float, max_lines: int = 3, bold: bool = False) -> list[str]:
    """``text`` broken into at most ``max_lines`` lines no wider than ``width``.

    Lines break between words; a word too long for a line also breaks after a hyphen, a
    slash or a closing bracket (``(integriteits)onderzoek``).
    """
    lines: list[str] = []
    current = ""
    for piece, joined in _pieces(text, width, size, bold):
        candidate = (current + ("" if joined else " ") + piece) if current else piece
        if current and text_width(candidate, size, bold) > width:
            lines.append(current)
            current = piece
        else:
            current = candidate
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return [_fit(line, width, size, bold) for line in lines]


def _pieces(text: str, width: float, size: float, bold: bool) -> list[tuple[str, bool]]:
    """The words of ``text`` as ``(piece, joins the previous piece)``; a word wider than
    ``width`` is split after every ``-``, ``/`` or ``)`` in it."""
    out: list[tuple[str, bool]] = []
    for word in text.split():
        if text_width(word, size, bold) <= width:
            out.append((word, False))
            continue
        parts = re.findall(r"[^-/)]*[-/)]|[^-/)]+$", word)
        out.extend((part, i > 0) for i, part in enumerate(parts))
    return out


def _fit(line: str, width: float, size: float, bold: bool) -> str:
    if text_width(line, size, bold) <= width:
        return line
    while line and text_width(line + "…", size, bold) > width:
        line = line[:-1]
    return line.rstrip(" ,;:/-") + "…"


def nice_ticks(top: float, target: int = 4) -> list[int]:
    """Whole-number axis ticks from 0 to just past ``top``, at most ``target + 1`` steps,
    with as little empty room past ``top`` as such steps allow.

    >>> nice_ticks(47, 3), nice_ticks(23, 3), nice_ticks(0), nice_ticks(123, 5)
    ([0, 25, 50], [0, 10, 20, 30], [0, 1], [0, 25, 50, 75, 100, 125])
    """
    top = max(float(top), 1.0)
    best: tuple[float, int, int] | None = None
    magnitude = 1
    while best is None or magnitude <= top:
        for m in (1, 2, 2.5, 5):
            step = m * magnitude
            if step != int(step):
                continue
            n = math.ceil(top / step)
            if (n >= 2 or top <= 1) and n <= target + 1:
                key = (n * step, abs(n - target), int(step))
                best = key if best is None or key < best else best
        magnitude *= 10
    assert best is not None
    end, _, step = best
    return list(range(0, int(end) + 1, step))


class _Svg:
    """A small SVG writer: elements appended in drawing order."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def text(
        self,
        x: float,
        y: float,
        content: str,
        *,
        size: float = 7.5,
        anchor: str = "start",
        fill: str = INK,
        bold: bool = False,
    ) -> None:
        weight = ' font-weight="bold"' if bold else ""
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{fill}"{weight}>{escape(content)}</text>'
        )

    def rect(
        self, x: float, y: float, w: float, h: float, fill: str, stroke: str | None = None
    ) -> None:
        edge = f' stroke="{stroke}" stroke-width="0.9"' if stroke else ""
        self.parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" '
            f'fill="{fill}"{edge}/>'
        )

    def path(self, d: str, stroke: str, width: float) -> None:
        """Several strokes in one element (fewer elements: a faster PDF)."""
        self.parts.append(f'<path d="{d}" stroke="{stroke}" stroke-width="{width}" fill="none"/>')

    def render(self, width: float, height: float, label: str, description: str) -> Markup:
        body = "".join(self.parts)
        ident = "chart-" + hashlib.sha1(label.encode()).hexdigest()[:10]  # noqa: S324 - an id
        # Every text and attribute value in ``parts`` was escaped when it was added.
        return Markup(  # noqa: S704
            f'<svg class="chart" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
            f'height="{height:.0f}" role="img" aria-labelledby="{ident}-t {ident}-d" '
            f'font-family="{escape(FONT)}"><title id="{ident}-t">{escape(label)}</title>'
            f'<desc id="{ident}-d">{escape(description)}</desc>{body}</svg>'
        )


def describe(fmt: Formatter, rows: Sequence[tuple[str, Sequence[Bar | None]]]) -> str:
    """The figures of a chart in words: ``Publiekszaken: 48 (34–68); Veiligheid: 12 u (3–29)``.

    >>> describe(Formatter("en"), [("a", [Bar(12, 3, 21, True)]), ("b", [None, Bar(5, 1, 9)])])
    'a: 12\xa0u (3–21); b: –, 5 (1–9)'
    """
    parts = []
    for label, bars in rows:
        shown = [
            "–"
            if b is None
            else f"{fmt.estimate(b.estimate, b.unreliable)} ({fmt.interval(b.low, b.high)})"
            for b in bars
        ]
        parts.append(f"{label}: {', '.join(shown)}")
    return "; ".join(parts)


def _bar(
    svg: _Svg, bar: Bar, *, x0: float, scale: float, y: float, height: float, colour: str
) -> None:
    """A bar from the axis to the estimate, and the interval as a whisker through its middle."""
    length = bar.estimate * scale
    # An unreliable estimate is hollow: shown, but without the weight of a solid bar.
    svg.rect(x0, y, length, height, "#ffffff" if bar.unreliable else colour,
             stroke=colour if bar.unreliable else None)  # fmt: skip
    mid = y + height / 2
    lo, hi = x0 + bar.low * scale, x0 + bar.high * scale
    cap = min(height / 2, 3.2)
    whisker = (
        f"M{lo:.1f} {mid:.1f}H{hi:.1f}M{lo:.1f} {mid - cap:.1f}V{mid + cap:.1f}"
        f"M{hi:.1f} {mid - cap:.1f}V{mid + cap:.1f}"
    )
    svg.path(whisker, HALO, HALO_WIDTH)
    svg.path(whisker, INK, 0.8)


def _axis(
    svg: _Svg,
    ticks: Sequence[int],
    x0: float,
    scale: float,
    top: float,
    bottom: float,
    fmt: Formatter,
) -> None:
    """Light grid lines at the ticks, a darker line at zero, tick labels below."""
    grid = "".join(f"M{x0 + t * scale:.1f} {top:.1f}V{bottom:.1f}" for t in ticks[1:])
    if grid:
        svg.path(grid, GRID, 0.5)
    svg.path(f"M{x0:.1f} {top:.1f}V{bottom:.1f}", MUTED, 0.8)
    for t in ticks:
        svg.text(x0 + t * scale, bottom + 8.5, fmt.integer(t), size=6.5, anchor="middle",
                 fill=MUTED)  # fmt: skip


def _legend(
    svg: _Svg, y: float, x: float, fmt: Formatter, series: Sequence[tuple[str, str]] = ()
) -> None:
    """Swatches for the series (if more than one), the interval and the hollow unreliable bar."""
    size = 7.0
    for name, colour in series:
        svg.rect(x, y - 6, 9, 6.5, colour)
        svg.text(x + 12, y, name, size=size)
        x += 12 + text_width(name, size) + 12
    if not series:
        svg.rect(x, y - 6, 9, 6.5, SERIES[-1])
        label = fmt.t("legend_estimate")
        svg.text(x + 12, y, label, size=size)
        x += 12 + text_width(label, size) + 12
    svg.path(f"M{x:.1f} {y - 2.75:.1f}H{x + 14:.1f}M{x:.1f} {y - 5.75:.1f}V{y + 0.25:.1f}"
             f"M{x + 14:.1f} {y - 5.75:.1f}V{y + 0.25:.1f}", INK, 0.8)  # fmt: skip
    label = fmt.t("legend_interval")
    svg.text(x + 18, y, label, size=size)
    x += 18 + text_width(label, size) + 12
    svg.rect(x, y - 6, 9, 6.5, "#ffffff", stroke=SERIES[-1])
    svg.text(x + 12, y, f"{fmt.t('legend_unreliable')} ({UNRELIABLE_MARK})", size=size)


def _fmt_value(fmt: Formatter, bar: Bar) -> str:
    """The value printed after a bar's whisker: ``12`` or ``12 u``."""
    return fmt.estimate(bar.estimate, bar.unreliable)


def bar_chart(
    rows: Sequence[Row],
    fmt: Formatter,
    *,
    title: str,
    series: Sequence[str] = (),
    values: bool = True,
    width: float = WIDTH,
) -> Markup:
    """Horizontal bars with whiskers, one row per label, one bar per series in a row."""
    size, line_h = 7.5, 8.8
    n_series = max(1, len(series))
    label_w = min(0.36 * width, max(text_width(r.label, size) for r in rows) + 6) if rows else 0
    values_w = 34.0 if values else 6.0
    plot_x0 = label_w + 8
    plot_w = width - plot_x0 - values_w
    top = max((b.high for r in rows for b in r.bars if b is not None), default=0)
    ticks = nice_ticks(top, 5)
    scale = plot_w / ticks[-1]
    bar_h = 7.0 if n_series == 1 else 5.2
    colours = series_colours(n_series)
    svg = _Svg()
    y = 4.0
    layout = []
    for r in rows:
        lines = wrap(r.label, label_w, size, 3)
        block = max(len(lines) * line_h, n_series * (bar_h + 1.2)) + 5.0
        layout.append((r, lines, y, block))
        y += block
    plot_top, plot_bottom = 2.0, y
    _axis(svg, ticks, plot_x0, scale, plot_top, plot_bottom, fmt)
    for r, lines, y0, block in layout:
        text_y = y0 + (block - len(lines) * line_h) / 2 + line_h - 2.2
        for i, line in enumerate(lines):
            svg.text(label_w, text_y + i * line_h, line, size=size, anchor="end")
        bars_h = n_series * (bar_h + 1.2) - 1.2
        by = y0 + (block - bars_h) / 2
        for b in r.bars:
            if b is not None:
                colour = colours[min(b.series, len(colours) - 1)]
                _bar(
                    svg,
                    b,
                    x0=plot_x0,
                    scale=scale,
                    y=by,
                    height=bar_h,
                    colour=colour,
                )
                if values:
                    svg.text(
                        plot_x0 + b.high * scale + 4,
                        by + bar_h - 1.0,
                        _fmt_value(fmt, b),
                        size=6.5,
                        fill=MUTED,
                    )
            by += bar_h + 1.2
    y = plot_bottom + 20
    svg.text(plot_x0 + plot_w / 2, y, fmt.t("axis_incidents"), size=7, anchor="middle")
    y += 14
    _legend(svg, y, plot_x0, fmt, list(zip(series, colours, strict=False)) if series else ())
    if series:
        described = [
            (f"{r.label}, {name}", [b])
            for r in rows
            for name, b in zip(series, r.bars, strict=False)
        ]
    else:
        described = [(r.label, list(r.bars)) for r in rows]
    return svg.render(width, y + 4, title, describe(fmt, described))


def panel_chart(
    labels: Sequence[str],
    panels: Sequence[Panel],
    fmt: Formatter,
    *,
    title: str,
    columns: int = 4,
    width: float = WIDTH,
) -> Markup:
    """Small multiples sharing their row labels: one panel per stage, ``columns`` per line.

    Every panel has the same axis, from 0 to past the largest interval of any panel: bars of
    the same length are the same number everywhere, and a small stage looks small. The table
    beside the chart gives the figures.
    """
    size, line_h, title_size = 7.0, 8.2, 6.8
    columns = max(1, min(columns, len(panels)))
    label_w = min(0.28 * width, max((text_width(x, size) for x in labels), default=0) + 4)
    gap = 12.0
    panel_w = (width - label_w - 8 - gap * (columns - 1) - 6) / columns
    wrapped = [wrap(x, label_w, size, 2) for x in labels]
    row_h = [max(12.0, len(w) * line_h + 3.5) for w in wrapped]
    svg = _Svg()
    y = 2.0
    colour = SERIES[-1]
    top = max((b.high for p in panels for b in p.bars), default=0)
    ticks = nice_ticks(top, 3 if panel_w > 60 else 2)
    scale = (panel_w - 4) / ticks[-1]
    for start in range(0, len(panels), columns):
        line = panels[start : start + columns]
        titles = [wrap(p.title, panel_w, title_size, 4, bold=True) for p in line]
        title_h = max(len(t) for t in titles) * (title_size + 1.6) + 4
        plot_top = y + title_h
        plot_bottom = plot_top + sum(row_h)
        ry = plot_top
        for lines, h in zip(wrapped, row_h, strict=True):
            ty = ry + (h - len(lines) * line_h) / 2 + line_h - 2.0
            for i, text in enumerate(lines):
                svg.text(label_w, ty + i * line_h, text, size=size, anchor="end")
            ry += h
        for k, (panel, title_lines) in enumerate(zip(line, titles, strict=True)):
            x0 = label_w + 8 + k * (panel_w + gap)
            for i, text in enumerate(title_lines):
                svg.text(x0, y + (i + 1) * (title_size + 1.6), text, size=title_size, bold=True)
            _axis(svg, ticks, x0, scale, plot_top, plot_bottom, fmt)
            by = plot_top
            for bar, h in zip(panel.bars, row_h, strict=True):
                bh = min(7.0, h - 5)
                _bar(
                    svg,
                    bar,
                    x0=x0,
                    scale=scale,
                    y=by + (h - bh) / 2,
                    height=bh,
                    colour=colour,
                )
                by += h
        y = plot_bottom + 18
    plot_x0 = label_w + 8
    svg.text(
        plot_x0 + (width - plot_x0) / 2, y + 2, fmt.t("axis_incidents"), size=7, anchor="middle"
    )
    y += 16
    _legend(svg, y, plot_x0, fmt)
    described = [
        (f"{p.title}, {label}", [b])
        for p in panels
        for label, b in zip(labels, p.bars, strict=True)
    ]
    return svg.render(width, y + 4, title, describe(fmt, described))
