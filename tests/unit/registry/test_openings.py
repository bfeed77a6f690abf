"""When an office opens and closes (the board's dashboard, issue 15): the day comes from the injected clock,
a planned office opens when it becomes active, a paused one that is reactivated does not open again."""

from __future__ import annotations

from datetime import date

import pytest

from services.registry.domain import commands
from services.registry.domain.errors import InvalidInput
from services.registry.domain.offices import Office, openings_and_closings
from services.registry.service_layer import handlers, importer, views
from tests.unit.registry.builders import details
from tests.unit.registry.fakes import FakeUnitOfWork


async def test_registering_activating_and_closing_record_the_clocks_day() -> None:
    uow = FakeUnitOfWork(date(2026, 3, 2))
    active = await handlers.handle(commands.RegisterOffice(details(name="Aktiv"), "aktiv"), uow)
    planned = await handlers.handle(commands.RegisterOffice(details(name="Geplant"), "geplant"), uow)
    assert active.opened_on == date(2026, 3, 2) and planned.opened_on is None
    uow.day = date(2026, 4, 15)
    await handlers.handle(commands.ReactivateOffice(planned.id), uow)
    await handlers.handle(commands.PauseOffice(active.id), uow)
    await handlers.handle(commands.ReactivateOffice(active.id), uow)  # back from a pause: it had opened before
    uow.day = date(2026, 5, 31)
    closed = await handlers.handle(commands.CloseOffice(active.id), uow)
    assert (closed.opened_on, closed.closed_on) == (date(2026, 3, 2), date(2026, 5, 31))
    assert uow.offices.items[planned.id].opened_on == date(2026, 4, 15)

    found = await views.office_changes(uow, date(2026, 2, 1), date(2026, 6, 30))
    assert found == [("2026-02", 0, 0), ("2026-03", 1, 0), ("2026-04", 1, 0), ("2026-05", 0, 1), ("2026-06", 0, 0)]
    with pytest.raises(InvalidInput):
        await views.office_changes(uow, date(2026, 6, 1), date(2026, 5, 1))


async def test_an_import_opens_and_closes_on_the_clocks_day_too() -> None:
    uow = FakeUnitOfWork(date(2026, 1, 10))
    csv = (
        "Name;Trägerart;Träger;Straße;PLZ;Ort;Status\n"
        "Neu;Kreisverband;KV;Weg 1;08523;Plauen;aktiv\n"
        "Zu;Kreisverband;KV;Weg 2;08523;Plauen;geschlossen\n"
    )
    result = await importer.import_offices(csv, uow)
    assert result.created == 2, result.errors
    by_name = {o.name: o for o in uow.offices.items.values()}
    assert by_name["Neu"].opened_on == date(2026, 1, 10) and by_name["Neu"].closed_on is None
    assert by_name["Zu"].closed_on == date(2026, 1, 10)


def test_days_outside_the_period_or_unknown_count_nowhere() -> None:
    old = Office.register("o1", details(), "aktiv", (), None)  # no clock: the day is not known
    early = Office.register("o2", details(), "aktiv", (), None, date(2025, 12, 31))
    late = Office.register("o3", details(), "aktiv", (), None, date(2026, 1, 31))
    late.close(date(2026, 2, 1))
    months = openings_and_closings([old, early, late], date(2026, 1, 1), date(2026, 1, 31))
    assert months == [("2026-01", 1, 0)]
    assert openings_and_closings([], date(2025, 11, 5), date(2026, 2, 1))[0] == ("2025-11", 0, 0)
    assert len(openings_and_closings([], date(2025, 11, 5), date(2026, 2, 1))) == 4
