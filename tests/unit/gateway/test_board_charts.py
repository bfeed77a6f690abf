"""The board's charts (inline SVG drawn by the project) and the CSV of the numbers behind them (issue 15)."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from services.gateway.domain import board
from services.gateway.domain.charts import COLOURS, Series, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def chart() -> ET.Element:
    svg = bar_chart(
        "Aktionen je Monat",
        ["Okt. 2026", "Nov. 2026", "Dez. <2026> & Co"],
        [Series("Geplant", (3, 0, 5)), Series("Durchgeführt", (1, 0, 2))],
    )
    return ET.fromstring(svg)  # noqa: S314 - our own output; valid XML, or this raises


def test_the_chart_is_valid_svg_with_a_text_alternative_that_says_every_value() -> None:
    root = chart()
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-label") == "Diagramm: Aktionen je Monat"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == "Aktionen je Monat"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert desc.text == (
        "Okt. 2026: Geplant 3, Durchgeführt 1; Nov. 2026: Geplant 0, Durchgeführt 0; "
        "Dez. <2026> & Co: Geplant 5, Durchgeführt 2."
    )
    assert root.get("style") is None and "style=" not in ET.tostring(root, encoding="unicode")  # CSP: no inline style


def test_each_bar_shows_its_value_as_text_and_is_as_long_as_its_value() -> None:
    root = chart()
    bars = [g for g in root.iter(f"{SVG}g") if g.find(f"{SVG}title") is not None]
    assert [g.find(f"{SVG}title").text for g in bars][:2] == ["Okt. 2026, Geplant: 3", "Okt. 2026, Durchgeführt: 1"]
    values = [int(g.find(f"{SVG}text").text) for g in bars]
    assert values == [3, 1, 0, 0, 5, 2]
    widths = [float(g.find(f"{SVG}rect").get("width")) for g in bars]
    assert widths[4] > widths[0] > widths[1] > 0 and widths[2] <= 1  # the longest bar is the biggest value
    assert abs(widths[0] / widths[4] - 3 / 5) < 0.02


def test_series_differ_by_pattern_as_well_as_colour_and_the_legend_names_them() -> None:
    root = chart()
    patterns = root.find(f"{SVG}defs").findall(f"{SVG}pattern")
    assert len(patterns) == 2 and len({p.get("id") for p in patterns}) == 2
    assert [p.find(f"{SVG}rect").get("fill") for p in patterns] == list(COLOURS[:2])
    assert len(list(patterns[0])) == 1 and len(list(patterns[1])) == 2  # solid, then with white stripes
    legend = [t.text for t in root.iter(f"{SVG}text")][:2]
    assert legend == ["Geplant", "Durchgeführt"]


def test_a_series_without_a_value_per_category_is_refused() -> None:
    with pytest.raises(ValueError):
        bar_chart("x", ["a", "b"], [Series("s", (1,))])


def test_the_csv_opens_in_excel_with_umlauts_and_german_heads() -> None:
    table = board.Table(
        "t", "Tabelle", ("Regionalgruppe", "Geplant", "Durchgeführt"), (("Görlitz", 2, 1), ("=HYPERLINK()", 0, 0))
    )
    data = board.csv_bytes(table)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Regionalgruppe", "Geplant", "Durchgeführt"], ["Görlitz", "2", "1"], ["'=HYPERLINK()", "0", "0"]]


def test_the_period_runs_from_the_first_of_the_month_and_only_3_6_or_12() -> None:
    now = datetime(2026, 1, 15, 12, tzinfo=UTC)
    assert board.period_start(3, now).isoformat() == "2025-11-01T00:00:00+01:00"
    assert board.period_start(12, now).date().isoformat() == "2025-02-01"
    assert board.parse_period(None) == 6 and board.parse_period("12") == 12
    with pytest.raises(board.BadPeriod):
        board.parse_period("7")
    assert board.month_label("2026-03") == "März 2026"
    assert board.moment_text(datetime(2026, 12, 1, 8, tzinfo=UTC)) == "Dienstag, 1. Dezember 2026, 9:00 Uhr"
