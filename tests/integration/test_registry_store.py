"""The registry on a real database (SQLite and PostgreSQL): storage, outbox events, CSV import."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from services.registry.adapters import orm
from services.registry.adapters.unit_of_work import RegistryUnitOfWork
from services.registry.domain import commands
from services.registry.service_layer import handlers, importer, views
from shared.db import upgrade
from tests.unit.registry.builders import register

HEADER = "Kennung;Name;Trägerart;Träger;Straße;PLZ;Ort;Zugang;Telefon;E-Mail;Sprechzeiten;Beratungsfelder;Kreisverband"
BREAKERS = [  # (column index, bad value, words the German reason must contain)
    (5, "123", "Postleitzahl"),
    (9, "kein-at", "E-Mail"),
    (8, "12", "Telefonnummer"),
    (10, "manchmal", "Sprechzeit"),
    (2, "Kirche", "Trägerart"),
    (12, "Atlantis", "Atlantis"),
    (1, "", "Name fehlt"),
]


@pytest.fixture
async def registry(database):
    await upgrade(database, "registry")
    return lambda: RegistryUnitOfWork(database, orm.messaging)


async def outbox_subjects(database) -> list[str]:
    async with database.sessions() as session:
        rows = await session.execute(select(orm.messaging.outbox.c.subject).order_by(orm.messaging.outbox.c.position))
        return list(rows.scalars())


def office_list(rows: int, broken: int, seed: int = 7) -> tuple[str, dict[int, str]]:
    """A CSV of `rows` offices, `broken` of them wrong in one field; returns the text and line → expected words."""
    rng = random.Random(seed)
    bad_lines = set(rng.sample(range(rows), broken))
    lines, expected = [HEADER], {}
    for i in range(rows):
        fields = [
            "",
            f"Sozialberatung Nr. {i}",
            "Kreisverband",
            "DIE LINKE Leipzig",
            f"Teststraße {i}",
            f"{4100 + i % 800:05d}",
            "Leipzig",
            "",
            f"0341 555{i:04d}",
            f"stelle{i}@example.org",
            "dienstags 14–17 Uhr",
            "Bürgergeld, KdU",
            "Leipzig",
        ]
        if i in bad_lines:
            column, value, words = BREAKERS[i % len(BREAKERS)]
            fields[column] = value
            expected[i + 2] = words  # line 1 is the header
        lines.append(";".join(fields))
    return "\ufeff" + "\n".join(lines) + "\n", expected


async def test_stored_office_reads_back_equal_and_each_change_is_one_outbox_event(registry, database) -> None:
    await handlers.handle(register(), registry())
    await handlers.handle(commands.PauseOffice("office-1"), registry())
    await handlers.handle(commands.PauseOffice("office-1"), registry())  # no change, no event
    stored = await views.office(registry(), "office-1")
    assert stored.status == "pausiert" and [c.name for c in stored.counsellors] == ["Anna Beispiel", "Bernd Ohnename"]
    assert stored.details == register().details and stored.supervision == register().supervision
    assert await outbox_subjects(database) == ["registry.office.registered.v1", "registry.office.paused.v1"]


async def test_import_of_500_rows_with_20_broken_reports_each_and_reimport_changes_nothing(registry, database) -> None:
    await handlers.handle(commands.AddDistrict("Leipzig", "SN", district_id="kv-l"), registry())
    text, expected = office_list(500, 20)
    progress: list[tuple[int, int]] = []

    async def record(done: int, total: int) -> None:
        progress.append((done, total))

    first = await importer.import_offices(text, registry(), progress=record)
    assert (first.rows, first.created, first.updated, first.unchanged) == (500, 480, 0, 0)
    assert [line for line, _ in first.errors] == sorted(expected)
    for line, reason in first.errors:
        assert expected[line] in reason, (line, reason)
    assert progress[-1] == (480, 480) and len(progress) == 5
    events_after_first = await outbox_subjects(database)
    assert events_after_first.count("registry.office.registered.v1") == 480

    second = await importer.import_offices(text, registry())
    assert (second.created, second.updated, second.unchanged, len(second.errors)) == (0, 0, 480, 20)
    assert await outbox_subjects(database) == events_after_first  # no event at all
    async with database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(orm.offices)) == 480


async def test_dry_run_reports_but_stores_nothing_and_a_changed_row_is_one_update(registry, database) -> None:
    await handlers.handle(commands.AddDistrict("Leipzig", "SN", district_id="kv-l"), registry())
    text, _ = office_list(10, 0)
    dry = await importer.import_offices(text, registry(), dry_run=True)
    assert (dry.dry_run, dry.created) == (True, 10)
    assert await outbox_subjects(database) == ["registry.district.added.v1"]

    await importer.import_offices(text, registry())
    changed = text.replace("dienstags 14–17 Uhr", "mittwochs 9–12 Uhr", 1)
    result = await importer.import_offices(changed, registry())
    assert (result.updated, result.unchanged) == (1, 9)
    assert (await outbox_subjects(database)).count("registry.office.updated.v1") == 1


async def test_import_refuses_a_file_without_required_columns_and_flags_duplicates(registry) -> None:
    with pytest.raises(Exception, match="Pflichtspalten fehlen: PLZ"):
        await importer.import_offices("Name,Trägerart,Träger,Straße,Ort\nA,KV,B,C,D\n", registry())
    comma_separated = (
        "Name,Trägerart,Träger,Straße,PLZ,Ort,Farbe\n"
        "Stelle A,Parteibüro,DIE LINKE,Weg 1,04109,Leipzig,rot\n"
        "Stelle A,Parteibüro,DIE LINKE,Weg 2,04109,Leipzig,blau\n"
    )
    result = await importer.import_offices(comma_separated, registry())
    assert result.created == 1 and result.errors == [(3, "Doppelt: dieselbe Beratungsstelle wie in Zeile 2.")]
    assert result.warnings == ["Unbekannte Spalte „Farbe“ wird ignoriert."]


async def test_two_transactions_changing_one_office_cannot_overwrite_each_other(registry, database) -> None:
    from shared.db.snapshots import ConcurrentChange
    from tests.unit.registry.builders import details

    await handlers.handle(register(), registry())
    async with registry() as first, registry() as second:
        mine, theirs = await first.offices.get("office-1"), await second.offices.get("office-1")
        mine.update(details(phone="03741 555011"))
        theirs.update(details(city="Oelsnitz"))
        await first.commit()
        with pytest.raises(ConcurrentChange, match="gleichzeitig geändert"):
            await second.commit()
    stored = await views.office(registry(), "office-1")
    assert (stored.details.phone, stored.details.city) == ("03741 555011", "Plauen")
    assert (await outbox_subjects(database)).count("registry.office.updated.v1") == 1


async def test_group_slugs_are_stored_unique_and_earlier_ones_keep_leading_to_the_group(registry) -> None:
    vogtland = await handlers.handle(commands.FormGroup("Vogtland", "SN"), registry())
    twin = await handlers.handle(
        commands.FormGroup("Regionalgruppe Vogtland", "SN"), registry()
    )  # another unit of work
    assert (vogtland.slug, twin.slug) == ("vogtland", "vogtland-2")
    await handlers.handle(commands.RenameGroup("vogtland", "Plauen"), registry())
    for ref in ("vogtland", "plauen", vogtland.id, "Plauen"):
        assert (await views.group(registry(), ref)).id == vogtland.id, ref
    stored = await views.group(registry(), vogtland.id)
    assert (stored.name, stored.slug, stored.aliases) == ("Plauen", "plauen", ("vogtland",))
    assert (await handlers.handle(commands.FormGroup("Vogtland", "SN"), registry())).slug == "vogtland-3"
    await handlers.handle(commands.MergeGroups("plauen", ("vogtland-2",)), registry())
    assert (await views.group(registry(), "vogtland-2")).id == vogtland.id
