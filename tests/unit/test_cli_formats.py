"""What people read in the CLI's tables and views: German dates in Berlin time, numbers, plurals, short ids."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import typer

from beratungsnetz.cli.formats import count, day, moment, parse_day, parse_moment, short_id, text


def test_moments_are_shown_in_berlin_time_the_german_way() -> None:
    assert moment("2026-12-01T08:00:00Z") == "Di., 1. Dez. 2026, 9:00 Uhr"
    assert moment(datetime(2026, 7, 1, 8, 0, tzinfo=UTC)) == "Mi., 1. Juli 2026, 10:00 Uhr"  # summer time
    assert moment("2026-12-01T09:00:00+01:00") == moment("2026-12-01T08:00:00+00:00")
    assert day("2026-12-01") == "Di., 1. Dez. 2026"


def test_plurals_and_numbers() -> None:
    assert [count(n, "Zeile", "Zeilen") for n in (0, 1, 3, 1234)] == ["0 Zeilen", "1 Zeile", "3 Zeilen", "1.234 Zeilen"]


def test_cells_shorten_ids_and_translate_values() -> None:
    uuid = "5b0d3a0e-8f7b-4a51-9d55-2f1f0b6c9a11"
    assert short_id(uuid) == "5b0d3a0e" and text(uuid) == "5b0d3a0e" and text(uuid, ids=False) == uuid
    assert text(True) == "ja" and text(["a", 2]) == "a, 2" and text("2026-12-01T08:00:00+00:00").endswith("9:00 Uhr")
    assert text("vogtland") == "vogtland" and text(None) == ""


def test_dates_and_times_are_read_as_people_write_them() -> None:
    assert parse_day("1.12.2026") == parse_day("2026-12-01") == "2026-12-01"
    assert parse_moment("1.12.2026 9:00") == parse_moment("2026-12-01 09:00") == "2026-12-01T09:00"
    assert parse_moment(None) is None
    for wrong in ("31.02.2026", "morgen"):
        with pytest.raises(typer.BadParameter, match="kein Datum"):
            parse_day(wrong)
    with pytest.raises(typer.BadParameter, match="kein Zeitpunkt"):
        parse_moment("1.12.2026 25:00")
