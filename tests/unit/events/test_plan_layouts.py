"""The work-plan reader takes the natural layouts: blank lines or none, T after V or before it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.events.domain.errors import InvalidInput
from services.events.domain.plan_text import parse_plan
from services.events.service_layer.plan_import import import_plan
from tests.support import brief_file
from tests.unit.events.fakes import FakeUnitOfWork

SEED = "seeds/004_34595da5e9f5134e.txt"


def items(text: str) -> list[tuple[str, str, str | None]]:
    return [(i.text, i.responsible, i.timing) for i in parse_plan(text).items]


def without_blank_lines(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if line.strip())


def t_before_v(text: str) -> str:
    """Every "V: …" directly followed (after blank lines) by a "T: …" swaps places with it."""
    return re.sub(r"^(V:[^\n]*)\n(\s*\n)*(T[:.][^\n]*)$", r"\3\n\1", text, flags=re.MULTILINE)


def test_the_seed_without_blank_lines_gives_the_same_items() -> None:
    seed = brief_file(SEED).read_text()
    compact = parse_plan(without_blank_lines(seed))
    assert items(without_blank_lines(seed)) == items(seed) and len(compact.items) == 21
    assert compact.title == parse_plan(seed).title and compact.year == 2017


def test_the_seed_with_t_before_v_gives_the_same_items_in_either_layout() -> None:
    seed = brief_file(SEED).read_text()
    swapped = t_before_v(seed)
    assert swapped != seed and "T: stetig\nV: Kathrin" in swapped
    assert items(swapped) == items(seed) == items(without_blank_lines(swapped))


def test_what_is_left_over_is_reported_in_line_order() -> None:
    plan = parse_plan(
        "Arbeitsplan 2027\n\nNur ein Gedanke.\nT: Mai\nZweiter Gedanke.\n\nDritter.\nV: Kathrin\nT: Juni\nT: Juli\n"
    )
    assert [(i.text, i.responsible, i.timing) for i in plan.items] == [("Dritter.", "Kathrin", "Juni")]
    assert plan.leftover == [(3, "Nur ein Gedanke."), (4, "T: Mai"), (5, "Zweiter Gedanke."), (10, "T: Juli")]


def test_a_v_wrapped_onto_the_next_line_stays_one_v() -> None:
    plan = parse_plan(
        "Die Homepage wird gepflegt.\nV: Beiträge – alle,\nEinstellung - Kathrin\nT: monatlich\nNächster Punkt.\nV: Thea"
    )
    assert [(i.responsible, i.timing) for i in plan.items] == [
        ("Beiträge – alle, Einstellung - Kathrin", "monatlich"),
        ("Thea", None),
    ]


words = st.sampled_from(
    ["Die", "Liste", "wird", "gepflegt", "Beratung", "im", "Vogtland", "weiter", "Treffen", "Flyer"]
)
sentence = st.lists(words, min_size=2, max_size=8).map(lambda w: " ".join(w) + ".")
paragraph = st.lists(sentence, min_size=1, max_size=3)  # lines of one paragraph
responsible = st.sampled_from(
    [
        "Sprecherrat",
        "Kathrin",
        "Wolfgang und Kathrin",
        "Beiträge – alle, Einstellung - Kathrin",
        "für Leipzig, ... und Steffen",
    ]
)
timing = st.one_of(
    st.none(), st.sampled_from(["stetig", "II. Quartal 2017", "monatlich", "Ende März", "KW 20", "15.06.2017"])
)
entry = st.tuples(paragraph, st.lists(st.tuples(responsible, timing), min_size=1, max_size=3))


def render(plan: list, blank: bool, t_first: bool) -> str:
    gap = "\n\n" if blank else "\n"
    parts = ["Arbeitsplan der LAG für 2017"]
    for lines, pairs in plan:
        parts.append("\n".join(lines))
        for v, t in pairs:
            marks = [f"V: {v}"] + ([f"T: {t}"] if t else [])
            parts.extend(reversed(marks) if t_first else marks)
    return gap.join(parts) + "\n"


@settings(deadline=None)  # examples: the profile (tests/conftest.py)
@given(st.lists(entry, min_size=1, max_size=6), st.booleans(), st.booleans())
def test_every_layout_reads_the_same_items(plan: list, blank: bool, t_first: bool) -> None:
    if t_first:  # with T before V, a V without T would take the T of the V after it: not written that way
        plan = [(lines, pairs if all(t for _, t in pairs) else pairs[:1]) for lines, pairs in plan]
    expected = [(" ".join(lines), v, t) for lines, pairs in plan for v, t in pairs]
    read = parse_plan(render(plan, blank, t_first))
    assert items(render(plan, blank, t_first)) == expected
    assert (read.title, read.year, read.leftover) == ("Arbeitsplan der LAG für 2017", 2017, [])


@pytest.mark.parametrize("text", ["", "   \n\n", "Arbeitsplan 2027\n\nEin Absatz ohne V.\nT: Mai\n"])
async def test_an_import_that_takes_nothing_is_refused_in_german(text: str, clock) -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(InvalidInput) as refused:
        await import_plan(text, uow, clock.today())
    assert refused.value.code == "ungueltige_eingabe" and (
        "leer" in refused.value.message or "Kein Punkt" in refused.value.message
    )
    assert uow.items.rows == {} and uow.published == []
