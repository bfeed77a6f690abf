"""Bar charts as inline SVG, drawn here (no chart service, no JavaScript), readable without colour.

Each chart is an `<svg role="img">` with an `aria-label`, a `<title>` and a `<desc>` that says every value
in words; every bar carries its number as text and its own `<title>`; the series differ in colour *and*
pattern (solid, stripes, dots) and are named in a legend. Only presentation attributes are used, no
`style` attribute, so the page's CSP (`default-src 'self'`) holds. The numbers behind a chart are shown
as a table beside it (the page's job) and offered as CSV.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

# Colours with a contrast of at least 4.5:1 against white (WCAG 1.4.11 asks 3:1 for graphics).
COLOURS = ("#1d70b8", "#00703c", "#4c2c92", "#b1480f")
PATTERNS = ("voll", "streifen", "punkte", "karo")
TEXT = "#0b0c0c"
GRID = "#b1b4b6"

ROW = 22  # height of one bar
GAP = 14  # between categories
LABEL_WIDTH = 190
WIDTH = 640
NUMBER_ROOM = 44  # right of the longest bar, for its number


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[int, ...]


def _id(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "diagramm"


def _pattern(chart_id: str, index: int) -> str:
    """The fill of series `index`: a solid colour, or the colour with white stripes, dots or a check."""
    colour, kind = COLOURS[index % len(COLOURS)], PATTERNS[index % len(PATTERNS)]
    pid = f"{chart_id}-muster-{index}"
    if kind == "voll":
        inner = ""
    elif kind == "streifen":
        inner = '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#ffffff" stroke-width="2"/>'
    elif kind == "punkte":
        inner = '<circle cx="4" cy="4" r="1.6" fill="#ffffff"/>'
    else:
        inner = '<path d="M0,4 h8 M4,0 v8" stroke="#ffffff" stroke-width="1.5"/>'
    return (
        f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{colour}"/>{inner}</pattern>'
    )


def describe(categories: list[str], series: list[Series], unit: str = "") -> str:
    """Every value in words, for the chart's <desc> (and anyone whose screen reader reads it)."""
    parts = []
    for i, category in enumerate(categories):
        values = ", ".join(f"{s.name} {s.values[i]}{(' ' + unit) if unit else ''}" for s in series)
        parts.append(f"{category}: {values}")
    return "; ".join(parts) + "." if parts else "Keine Werte."


def bar_chart(title: str, categories: list[str], series: list[Series], summary: str = "", unit: str = "") -> str:
    """Horizontal grouped bars: one group of bars per category (a month, a regional group), one bar per series.

    `summary` (e.g. "Im Oktober die meisten Aktionen") leads the description; the values follow in words."""
    if any(len(s.values) != len(categories) for s in series):
        raise ValueError("every series needs one value per category")
    chart_id = _id(title)
    top = 12 + 24 * ((len(series) + 2) // 3)  # the legend, three entries per line
    block = ROW * len(series) + GAP
    height = top + block * max(len(categories), 1) + 8
    biggest = max([v for s in series for v in s.values] + [1])
    room = WIDTH - LABEL_WIDTH - NUMBER_ROOM
    desc = (summary + " " if summary else "") + describe(categories, series, unit)
    label = f"Diagramm: {title}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bn-chart" role="img" aria-label={quoteattr(label)} '
        f'aria-labelledby="{chart_id}-titel {chart_id}-beschreibung" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" font-family="Arial, Helvetica, sans-serif" '
        f'font-size="14" fill="{TEXT}">',
        f'<title id="{chart_id}-titel">{escape(title)}</title>',
        f'<desc id="{chart_id}-beschreibung">{escape(desc)}</desc>',
        "<defs>" + "".join(_pattern(chart_id, i) for i in range(len(series))) + "</defs>",
    ]
    for i, s in enumerate(series):  # the legend: swatch with the same pattern, and the name
        x, y = (i % 3) * 210, 8 + 24 * (i // 3)
        out.append(
            f'<g><rect x="{x}" y="{y}" width="16" height="16" fill="url(#{chart_id}-muster-{i})" '
            f'stroke="{TEXT}" stroke-width="1"/><text x="{x + 22}" y="{y + 13}">{escape(s.name)}</text></g>'
        )
    out.append(
        f'<line x1="{LABEL_WIDTH}" y1="{top - 4}" x2="{LABEL_WIDTH}" y2="{height - 8}" stroke="{GRID}" stroke-width="1"/>'
    )
    for c, category in enumerate(categories):
        y0 = top + c * block
        middle = y0 + ROW * len(series) / 2 + 5
        out.append(f'<text x="{LABEL_WIDTH - 8}" y="{middle:.0f}" text-anchor="end">{escape(_short(category))}</text>')
        for i, s in enumerate(series):
            value = s.values[c]
            length = round(room * value / biggest) if value else 0
            y = y0 + i * ROW
            out.append(
                f"<g><title>{escape(f'{category}, {s.name}: {value}')}</title>"
                f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{max(length, 1)}" height="{ROW - 5}" '
                f'fill="url(#{chart_id}-muster-{i})" stroke="{TEXT}" stroke-width="{1 if length else 0}"/>'
                f'<text x="{LABEL_WIDTH + length + 6}" y="{y + ROW - 7}">{value}</text></g>'
            )
    out.append("</svg>")
    return "".join(out)


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
