"""Slugs of regional groups: readable, unique, and stable across renames and merges."""

from __future__ import annotations

import pytest

from services.registry.domain import commands
from services.registry.domain.errors import InvalidInput, NotFound
from services.registry.domain.slugs import group_slug
from services.registry.service_layer import handlers, views
from shared.slugs import MAX_LENGTH, candidates, slugify
from tests.unit.registry.fakes import FakeUnitOfWork


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Vogtland", "vogtland"),
        ("Regionalgruppe Vogtland", "vogtland"),
        ("RG Görlitz", "goerlitz"),
        ("Sächsische Schweiz-Osterzgebirge", "saechsische-schweiz-osterzgebirge"),
        ("Straße der Einheit", "strasse-der-einheit"),
        ("ÜBERLAND  &  Mühle", "ueberland-muehle"),
        ("Landkreis Leipzig (Nord)", "landkreis-leipzig-nord"),
        ("Regionalgruppe", "regionalgruppe"),
        ("Cafe\u0301 Weiße Rose", "cafe-weisse-rose"),
    ],
)
def test_a_group_slug_is_its_name_in_lower_case_ascii_with_german_transliteration(name: str, slug: str) -> None:
    assert group_slug(name) == slug


def test_a_name_without_letters_is_refused_in_german() -> None:
    with pytest.raises(InvalidInput, match="keine Kennung"):
        group_slug("–!–")


def test_clashes_get_a_number_and_stay_within_the_length() -> None:
    long = slugify("x" * 100)
    assert len(long) == MAX_LENGTH
    first = list(zip(range(3), candidates("leipzig"), strict=False))
    assert [c for _, c in first] == ["leipzig", "leipzig-2", "leipzig-3"]
    assert [len(c) for _, c in zip(range(12), candidates(long), strict=False)] == [MAX_LENGTH] * 12


async def form(uow: FakeUnitOfWork, name: str, group_id: str, state: str = "SN"):
    return await handlers.handle(commands.FormGroup(name, state, group_id=group_id), uow)


async def test_a_second_group_of_the_same_name_gets_a_numbered_slug() -> None:
    uow = FakeUnitOfWork()
    first, second = await form(uow, "Leipzig", "g-1"), await form(uow, "Regionalgruppe Leipzig", "g-2")
    third = await form(uow, "Leipzig", "g-3", "NW")
    assert (first.slug, second.slug, third.slug) == ("leipzig", "leipzig-2", "leipzig-3")
    assert uow.published[0].group.slug == "leipzig"  # the event carries it


async def test_a_rename_brings_a_new_slug_and_the_old_one_keeps_leading_to_the_group() -> None:
    uow = FakeUnitOfWork()
    await form(uow, "Vogtland", "g-v")
    renamed = await handlers.handle(commands.RenameGroup("vogtland", "Vogtland-Plauen"), uow)  # named by its slug
    assert (renamed.slug, renamed.aliases) == ("vogtland-plauen", ("vogtland",))
    for ref in ("vogtland", "vogtland-plauen", "g-v", "Vogtland-Plauen", "Regionalgruppe Vogtland-Plauen"):
        assert (await views.group(uow, ref)).id == "g-v", ref
    back = await handlers.handle(commands.RenameGroup("g-v", "Vogtland"), uow)
    assert (back.slug, back.aliases) == ("vogtland", ("vogtland-plauen",))
    other = await form(uow, "Vogtland-Plauen", "g-x")  # an earlier slug is never given to another group
    assert other.slug == "vogtland-plauen-2"


async def test_a_merged_groups_slug_leads_to_the_surviving_group_and_unknown_ones_are_named() -> None:
    uow = FakeUnitOfWork()
    await form(uow, "Leipzig", "g-l")
    await form(uow, "Landkreis Leipzig", "g-ll")
    await handlers.handle(commands.MergeGroups("leipzig", ("landkreis-leipzig", "g-ll")), uow)
    assert uow.published[-1].merged_group_ids == ("g-ll",)
    assert (await views.group(uow, "landkreis-leipzig")).id == "g-l"
    with pytest.raises(NotFound, match="Regionalgruppe „zwickau“ nicht gefunden"):
        await views.group(uow, "zwickau")
