"""The moderation pages' own small rules: lines of the "add these addresses" box, filter days, paging."""

from __future__ import annotations

from datetime import date

import pytest

from services.gateway.domain.moderation import (
    Paging,
    action_word,
    choices,
    day_end,
    day_start,
    detail_word,
    member_lines,
    notice_lines,
    parse_day,
)


def test_each_line_is_an_address_or_a_name_with_an_address_and_bad_lines_say_why() -> None:
    text = (
        "kathrin@example.org\r\n"
        "\n"
        '  "Gudrun Beispiel" <gudrun@example.org>  \n'
        "Steffen <steffen@example>\n"
        "kein-at-zeichen\n"
        "Wolfgang <wolfgang@example.org\n"
        "KATHRIN@example.org\n"
        "Thea <>\n"
        "frank@example.org,\n"
    )
    lines = member_lines(text)
    assert [(ln.number, ln.address, ln.name, ln.problem) for ln in lines] == [
        (1, "kathrin@example.org", "", ""),
        (3, "gudrun@example.org", "Gudrun Beispiel", ""),
        (4, "steffen@example", "Steffen", "„steffen@example“ ist keine gültige E-Mail-Adresse."),
        (5, "kein-at-zeichen", "", "„kein-at-zeichen“ ist keine gültige E-Mail-Adresse."),
        (6, "", "", "Die spitzen Klammern passen nicht: „Name <adresse>“."),
        (7, "KATHRIN@example.org", "", "Dieselbe Adresse steht schon in Zeile 1."),
        (8, "", "Thea", "Es fehlt die E-Mail-Adresse."),
        (9, "frank@example.org", "", ""),
    ]
    assert lines[4].text == "Wolfgang <wolfgang@example.org"  # the line as typed, to put back into the box


def test_days_are_read_in_both_ways_people_write_them_and_cover_whole_berlin_days() -> None:
    assert parse_day("21.11.2026") == date(2026, 11, 21) == parse_day("2026-11-21")
    assert parse_day("  ") is None
    with pytest.raises(ValueError, match="„31.02.2026“ ist kein Datum"):
        parse_day("31.02.2026")
    with pytest.raises(ValueError, match="kein Datum"):
        parse_day("gestern")
    assert day_start(date(2026, 3, 29)).isoformat() == "2026-03-29T00:00:00+01:00"
    assert day_end(date(2026, 3, 29)).isoformat() == "2026-03-30T00:00:00+02:00"  # the clocks went forward


def test_paging_counts_from_one_and_never_below() -> None:
    paging = Paging.of("3").counted(120)
    assert (paging.offset, paging.pages, paging.first_row, paging.last_row) == (100, 3, 101, 120)
    assert Paging.of("x").number == Paging.of("-4").number == 1
    assert Paging.of("1").counted(0).pages == 1


def test_words_for_the_services_values() -> None:
    assert action_word("anfrage_annehmen") == "Anfrage angenommen"
    assert action_word("etwas_neues") == "Etwas neues"
    assert action_word("verteiler_geaendert") == "Einstellungen geändert"  # what the service writes
    assert detail_word("zustellart_geaendert", "woechentlich") == "Wöchentliche Zusammenfassung"
    assert detail_word("rolle_geaendert", "moderation") == "Moderation"
    assert detail_word("beitrag_versendet", "woechentlich") == "woechentlich"  # a subject, as it was written
    assert choices({"a": ("A", "erklärt")}, hints=True) == [("a", "A", "erklärt")]
    assert choices({"a": ("A", "erklärt"), "b": "B"}) == [("a", "A"), ("b", "B")]


def test_a_long_notice_is_cut_with_a_count_of_what_is_left_out() -> None:
    assert notice_lines("2 Anfragen aufgenommen.", ["a", "b"]) == "2 Anfragen aufgenommen.\na\nb"
    cut = notice_lines("Kopf", [f"Zeile {i}: person{i}@example.org hinzugefügt" for i in range(200)])
    assert len(cut.encode()) < 1600 and cut.endswith(" weitere") and "… und " in cut
    assert cut.count("\n") < 200
