"""The public directory's search (issue 16): by place or postcode, area, language, access; "heute geöffnet" and the
next consultation hours by the injected clock, judged in Europe/Berlin."""

from __future__ import annotations

from datetime import UTC, datetime

from services.gateway.domain import directory as d
from shared.clock import BERLIN, Clock


def rule(kind: str, weekday: int | None = None, start: str = "14:00", end: str = "17:00", nth: int | None = None):
    if kind == "nach_vereinbarung":
        return {"kind": kind, "text": "nach Vereinbarung"}
    return {"kind": kind, "weekday": weekday, "nth": nth, "start": start, "end": end, "text": f"{kind} {weekday}"}


def office(id: str, city: str, postcode: str, **extra) -> d.Office:
    raw = {"id": id, "name": f"Sozialberatung {city}", "operator": "DIE LINKE", "street": "Markt 1"}
    return d.office_from(raw | {"city": city, "postcode": postcode} | extra)


PLAUEN = office(
    "plauen",
    "Plauen",
    "08523",
    district="Vogtland",
    hours=[rule("woechentlich", 1), rule("monatlich", 4, "15:00", "18:00", nth=-1)],  # Tuesdays, last Friday
    areas=[{"key": "sgb2", "label": "SGB II / Bürgergeld"}, {"key": "kdu", "label": "Kosten der Unterkunft"}],
    languages=["Deutsch", "Russisch"],
    access_notes="Eingang stufenlos, Aufzug vorhanden",
)
REICHENBACH = office(
    "reichenbach",
    "Reichenbach im Vogtland",
    "08468",
    district="Vogtland",
    hours=[rule("monatlich", 0, "16:00", "18:00", nth=1)],  # first Monday
    areas=[{"key": "rente", "label": "Rente / Senior:innen"}],
    languages=["Deutsch"],
    access_notes="Nicht barrierefrei: 12 Stufen",
)
LEIPZIG = office(
    "leipzig",
    "Leipzig",
    "04107",
    district="Leipzig",
    street="Braustraße 3",
    hours=[rule("nach_vereinbarung")],
    areas=[{"key": "aufenthalt", "label": "Aufenthaltsrecht"}, {"key": "energie", "label": "Energiearmut"}],
    languages=["Deutsch", "Arabisch"],
    paused=False,
)
PAUSED = office("pause", "Zwickau", "08056", hours=[rule("woechentlich", 1)], paused=True, district="Zwickau")
ALL = [PLAUEN, REICHENBACH, LEIPZIG, PAUSED]


def at(text: str) -> datetime:
    """A moment in Berlin time, as the injected clock gives it (in UTC)."""
    return Clock(datetime.fromisoformat(text).replace(tzinfo=BERLIN)).now()


TUESDAY_NOON = at("2026-12-01T12:00")  # Tuesday, 1 December 2026


def ids(result: d.Result) -> list[str]:
    return [o.id for o in result.offices]


def test_a_full_postcode_finds_its_office_and_its_start_finds_the_region() -> None:
    assert ids(d.search(ALL, d.Search(place="08523"), TUESDAY_NOON)) == ["plauen"]
    assert ids(d.search(ALL, d.Search(place="08"), TUESDAY_NOON)) == ["plauen", "reichenbach", "pause"]
    assert ids(d.search(ALL, d.Search(place=" 04107 "), TUESDAY_NOON)) == ["leipzig"]


def test_a_postcode_without_office_shows_those_nearby_and_says_so() -> None:
    result = d.search(ALL, d.Search(place="08525"), TUESDAY_NOON)  # Plauen's other postcode: no office in it
    assert ids(result) == ["plauen"] and result.nearby == "085"
    wider = d.search(ALL, d.Search(place="08999"), TUESDAY_NOON)
    assert wider.nearby == "08" and set(ids(wider)) == {"plauen", "reichenbach", "pause"}
    assert d.search(ALL, d.Search(place="99999"), TUESDAY_NOON).total == 0
    assert d.search(ALL, d.Search(place="08523"), TUESDAY_NOON).nearby == ""


def test_a_place_is_found_by_city_district_or_street_whatever_the_case() -> None:
    assert ids(d.search(ALL, d.Search(place="plauen"), TUESDAY_NOON)) == ["plauen"]
    assert ids(d.search(ALL, d.Search(place="VOGTLAND"), TUESDAY_NOON)) == ["plauen", "reichenbach"]
    assert ids(d.search(ALL, d.Search(place="reichenbach vogtland"), TUESDAY_NOON)) == ["reichenbach"]
    assert ids(d.search(ALL, d.Search(place="Braustrasse"), TUESDAY_NOON)) == ["leipzig"]  # "ß" as "ss"
    assert d.search(ALL, d.Search(place="Dresden"), TUESDAY_NOON).total == 0


def test_filters_by_area_language_access_and_open_today() -> None:
    assert ids(d.search(ALL, d.Search(areas=("kdu",)), TUESDAY_NOON)) == ["plauen"]
    assert ids(d.search(ALL, d.Search(areas=("rente", "energie")), TUESDAY_NOON)) == ["reichenbach", "leipzig"]
    assert ids(d.search(ALL, d.Search(language="arabisch"), TUESDAY_NOON)) == ["leipzig"]
    assert ids(d.search(ALL, d.Search(accessible=True), TUESDAY_NOON)) == ["plauen"]  # "Nicht barrierefrei" is not
    assert ids(d.search(ALL, d.Search(open_today=True), TUESDAY_NOON)) == ["plauen"]  # the paused one is not open
    assert ids(d.search(ALL, d.Search(place="08", areas=("sgb2",), accessible=True), TUESDAY_NOON)) == ["plauen"]


def test_results_come_in_pages_and_a_page_beyond_the_last_shows_the_last() -> None:
    many = [office(f"o{i:02}", "Plauen", "08523") for i in range(45)]
    first = d.search(many, d.Search(), TUESDAY_NOON)
    assert (first.total, first.pages, len(first.offices)) == (45, 3, 20)
    last = d.search(many, d.Search(page=9), TUESDAY_NOON)
    assert last.page == 3 and ids(last) == [f"o{i}" for i in range(40, 45)]


def test_open_today_by_the_hour_of_the_day_in_berlin() -> None:
    assert d.today(PLAUEN, at("2026-12-01T09:00")).state == "spaeter"
    assert d.today(PLAUEN, at("2026-12-01T09:00")).text == "Heute geöffnet, 14:00–17:00 Uhr"
    now = d.today(PLAUEN, at("2026-12-01T15:30"))
    assert now.state == "jetzt" and now.open_today and now.text == "Jetzt geöffnet, bis 17:00 Uhr"
    over = d.today(PLAUEN, at("2026-12-01T17:00"))
    assert over.state == "vorbei" and not over.open_today
    assert d.today(PLAUEN, at("2026-12-02T15:00")).state == "nicht"  # a Wednesday
    # 23:30 UTC on Monday is already Tuesday in Berlin.
    late = Clock(datetime(2026, 11, 30, 23, 30, tzinfo=UTC)).now()
    assert d.today(PLAUEN, late).state == "spaeter"
    assert d.today(PAUSED, TUESDAY_NOON).state == "pausiert" and not d.today(PAUSED, TUESDAY_NOON).open_today


def test_monthly_rules_hit_the_nth_and_the_last_weekday_only() -> None:
    assert d.today(REICHENBACH, at("2026-12-07T10:00")).open_today  # first Monday of December
    assert not d.today(REICHENBACH, at("2026-12-14T10:00")).open_today  # second Monday
    assert d.today(PLAUEN, at("2026-12-25T10:00")).open_today  # last Friday of December
    assert not d.today(PLAUEN, at("2026-12-18T10:00")).open_today


def test_the_next_consultation_hours_skip_what_is_over() -> None:
    coming = d.upcoming(PLAUEN, at("2026-12-01T17:30"), 3)
    assert [(o.starts.date().isoformat(), f"{o.starts:%H:%M}") for o in coming] == [
        ("2026-12-08", "14:00"),
        ("2026-12-15", "14:00"),
        ("2026-12-22", "14:00"),
    ]
    within = d.upcoming(PLAUEN, at("2026-12-01T15:00"), 1)[0]
    assert within.starts == datetime(2026, 12, 1, 14, tzinfo=BERLIN) and within.ends.hour == 17
    assert d.upcoming(REICHENBACH, at("2026-12-08T10:00"), 1)[0].starts.date().isoformat() == "2027-01-04"
    assert d.upcoming(LEIPZIG, TUESDAY_NOON) == [] and d.upcoming(PAUSED, TUESDAY_NOON) == []
    # Across the change to summer time the hour stays 14:00 in Berlin.
    tuesdays = office("t", "Aue", "08280", hours=[rule("woechentlich", 1)])
    spring = d.upcoming(tuesdays, at("2027-03-22T12:00"), 2)  # summer time begins on Sunday, 28 March 2027
    assert [o.starts.astimezone(BERLIN).hour for o in spring] == [14, 14]
    assert [o.starts.astimezone(UTC).hour for o in spring] == [13, 12]


def test_choices_come_from_the_offices_german_first() -> None:
    assert [a.key for a in d.area_choices(ALL)] == ["aufenthalt", "energie", "kdu", "rente", "sgb2"]
    assert d.language_choices(ALL) == ["Deutsch", "Arabisch", "Russisch"]
    assert [name for name, _ in d.districts([*ALL, office("x", "Aue", "08280")])] == [
        "Leipzig",
        "Vogtland",
        "Zwickau",
        "Ohne Kreisverband",
    ]


def test_an_unknown_field_of_the_index_is_ignored_and_a_bad_time_leaves_the_rule_irregular() -> None:
    odd = d.office_from(
        {"id": "x", "name": "X", "city": "Aue", "postcode": "08280", "neu": 1, "hours": [rule("woechentlich", 1, "x")]}
    )
    assert odd.hours[0].regular is False and d.upcoming(odd, TUESDAY_NOON) == []
