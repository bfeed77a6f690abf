"""Seed 004 (the LAG Hartz IV work plan 2017): every item with its V and T, every T classified."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.events.domain.errors import InvalidInput
from services.events.domain.plan_text import parse_plan
from services.events.domain.responsibility import OPEN_SEAT, parse_responsible
from services.events.domain.timing import (
    Ongoing,
    Periods,
    Recurring,
    Soft,
    Unparsed,
    month_period,
    parse_timing,
    quarter_period,
)
from services.events.service_layer.plan_import import import_plan
from tests.support import brief_file
from tests.unit.events.fakes import FakeUnitOfWork

SEED = "seeds/004_34595da5e9f5134e.txt"  # the team's brief beside the checkout; absent in a plain clone

# Every (V, T) of the seed in document order, and what each T must become (year 2017 from the title).
EXPECTED = [
    ("Sprecherrat", "mindestens einmal im Quartal", Recurring("quartal", 1, at_least=True)),
    ("Sprecherrat", "Oktober 2017", month_period(2017, 10)),
    ("Landesratsmitglied", "zeitnah", Soft("zeitnah")),
    ("Kathrin", "stetig", Ongoing("stetig")),
    ("Gudrun", "II. Quartal 2017", quarter_period(2017, 2)),
    ("Sprecherrat", "stetig", Ongoing("stetig")),
    ("Wolfgang", "stetig", Ongoing("stetig")),
    ("Thea", "stetig", Ongoing("stetig")),
    ("Sprecherrat", "demnächst", Soft("demnächst")),
    ("Steffen", "II. Quartal 2017", quarter_period(2017, 2)),  # written "T." in the seed
    ("Wolfgang, Steffen, Frank, Friedbert", None, None),  # the seed gives no T here
    ("Wolfgang", "stetig", Ongoing("stetig")),
    ("Wolfgang und Kathrin", "insgesamt einmal pro Monat", Recurring("monat", 1, in_total=True)),
    ("Gudrun, Renate", "I. Quartal 2017", quarter_period(2017, 1)),
    ("für Leipzig, ... und Steffen", "III. Quartal 2017", quarter_period(2017, 3)),
    ("für Dresden, Katharina und ...", "III. Quartal 2017", quarter_period(2017, 3)),
    ("Gudrun, Petra", "monatlich", Recurring("monat", 1)),
    ("Beiträge – alle, Einstellung - Kathrin", "mindestens einmal monatlich", Recurring("monat", 1, at_least=True)),
    ("Sprecherrat", "stetig", Ongoing("stetig")),
    ("Kathrin", "zeitnah", Soft("zeitnah")),
    (
        "Gudrun, Kathrin, Dresdener Mitglied, Steffen",
        "I. und III. Quartal",
        Periods((quarter_period(2017, 1), quarter_period(2017, 3))),
    ),
]


@pytest.fixture(scope="module")
def seed_text() -> str:
    return brief_file(SEED).read_text()


def test_every_item_of_the_seed_is_read_with_its_v_and_t(seed_text: str) -> None:
    plan = parse_plan(seed_text)
    assert plan.title == "Arbeitsplan der Landesarbeitsgemeinschaft (LAG) Hartz IV für 2017" and plan.year == 2017
    assert [(i.responsible, i.timing) for i in plan.items] == [(v, t) for v, t, _ in EXPECTED]
    assert plan.items[0].text.startswith("Die Besprechungen des erweiterten Sprecherrates")
    assert plan.items[14].text == plan.items[15].text  # one paragraph, two V/T pairs: Leipzig and Dresden
    assert [line for line, _ in plan.leftover] == [128, 130, 132]  # closing call, resolution, place and date


@pytest.mark.parametrize(("v", "t", "expected"), EXPECTED, ids=[f"{n:02d}-{t}" for n, (_, t, _) in enumerate(EXPECTED)])
def test_every_t_of_the_seed_is_classified(v: str, t: str | None, expected: object) -> None:
    if t is not None:
        assert parse_timing(t, 2017) == expected


def test_responsibles_of_the_seed() -> None:
    assert [r.name for r in parse_responsible("Wolfgang und Kathrin")] == ["Wolfgang", "Kathrin"]
    roles = parse_responsible("Beiträge – alle, Einstellung - Kathrin")
    assert [(r.role, r.name) for r in roles] == [("Beiträge", "alle"), ("Einstellung", "Kathrin")]
    leipzig = parse_responsible("für Leipzig, ... und Steffen")
    assert [(r.scope, r.name) for r in leipzig] == [("für Leipzig", OPEN_SEAT), ("für Leipzig", "Steffen")]
    assert parse_responsible("Sprecherrat")[0].is_body


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("15.03.2017", "OnDate"),
        ("1. Halbjahr 2018", "Period"),
        ("zweimal pro Quartal", "Recurring"),
        ("vierteljährlich", "Recurring"),
        ("im Mai", "Period"),
        ("laufend", "Ongoing"),
        ("bald", "Soft"),
        ("nach der Wahl", "Unparsed"),
        ("V. Quartal 2017", "Unparsed"),
        ("31.02.2017", "Unparsed"),
    ],
)
def test_other_common_forms_and_what_is_never_guessed(text: str, kind: str) -> None:
    assert type(parse_timing(text, 2017)).__name__ == kind


async def test_import_creates_every_item_once_and_again_nothing(seed_text: str) -> None:
    uow = FakeUnitOfWork()
    first = await import_plan(seed_text, uow, date(2016, 11, 1))
    assert (first.plan, first.year, len(first.items)) == (
        "Arbeitsplan der Landesarbeitsgemeinschaft (LAG) Hartz IV für 2017",
        2017,
        21,
    )
    assert [(i.timing_text or None) for i in first.items] == [t for _, t, _ in EXPECTED]
    assert [i.timing for i in first.items] == [e for _, _, e in EXPECTED]
    assert len(first.not_imported) == 3 and first.not_imported[0].startswith("Zeile 128: Alle sind angehalten")
    assert len(uow.published) == 21
    again = await import_plan(seed_text, uow, date(2016, 11, 2))
    assert (len(again.items), again.unchanged, len(uow.published)) == (0, 21, 21)


@settings(deadline=None)  # examples: the profile (tests/conftest.py)
@given(st.text(), st.integers(min_value=1900, max_value=2100))
def test_the_t_parser_never_crashes(text: str, year: int) -> None:
    timing = parse_timing(text, year)
    assert timing.describe() is not None
    if isinstance(timing, Unparsed):
        assert timing.text == text.strip() or not text.strip()


plan_like = st.lists(
    st.one_of(
        st.text(),
        st.sampled_from(
            ["V: Sprecherrat", "T: stetig", "T. II. Quartal", "V:", "T:", "\n", "\n\n", "Arbeitsplan für 2017"]
        ),
    ),
    max_size=30,
).map("\n".join)


@settings(deadline=None)  # examples: the profile (tests/conftest.py)
@given(plan_like)
def test_the_plan_reader_and_importer_never_crash(text: str) -> None:
    plan = parse_plan(text)
    for item in plan.items:
        parse_responsible(item.responsible)
        if item.timing is not None:
            parse_timing(item.timing, plan.year or 2026)


@settings(deadline=None)  # examples: the profile (tests/conftest.py)
@given(plan_like)
def test_the_importer_never_crashes_either(text: str) -> None:
    uow = FakeUnitOfWork()
    if not parse_plan(text).items:  # nothing to take is refused, not reported as a success
        with pytest.raises(InvalidInput, match="Kein Punkt übernommen|Der Arbeitsplan ist leer"):
            asyncio.run(import_plan(text, uow, date(2026, 11, 21)))
        assert uow.published == []
        return
    result = asyncio.run(import_plan(text, uow, date(2026, 11, 21)))
    # Every item read is either created or recognised as the same item read earlier in the text.
    assert len(result.items) + result.unchanged == len(parse_plan(text).items)
    assert len(uow.published) == len(result.items)
