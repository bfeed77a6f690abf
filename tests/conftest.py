"""Fixtures: a real nats-server per test, and databases on SQLite and PostgreSQL."""

from __future__ import annotations

import gc
import os
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

from shared.clock import Clock
from tests.support import POSTGRES_ENV, postgres_url, test_clock, test_start_text

if TYPE_CHECKING:  # the fixtures import these when used, so that `pytest tests/unit` stays light
    from beratungsnetz.runtime.nats_server import NatsServer
    from shared.db import Database

# The marker without which `ENVIRONMENT=test` is refused (shared/settings.py TEST_SUITE_ENV): set for the settings
# read in this process and inherited by every service process the tests start (they copy os.environ).
os.environ["BERATUNGSNETZ_TEST_SUITE"] = "1"

DATABASES = ["sqlite", "postgresql"]
STORES = ["fake", *DATABASES]  # the database fixture's parameters for tests that also run on a fake

# Property tests try few examples by default, so that `pytest tests/unit` runs in about a second; CI (.ci/run)
# chooses the thorough profile, at least as many examples as each test had before the profiles.
HYPOTHESIS_ENV = "HYPOTHESIS_PROFILE"
settings.register_profile("schnell", max_examples=10)
settings.register_profile("gruendlich", max_examples=300)
settings.load_profile(os.environ.get(HYPOTHESIS_ENV) or "schnell")


def pytest_report_header(config: pytest.Config) -> list[str]:
    url = postgres_url()
    return [
        f"Testuhr beginnt bei: {test_start_text()}",
        f"Hypothesis-Profil: {os.environ.get(HYPOTHESIS_ENV) or 'schnell'} ({settings.default.max_examples} Beispiele)",
        f"PostgreSQL-Varianten: {'aktiv (' + url + ')' if url else f'übersprungen ({POSTGRES_ENV} nicht gesetzt)'}",
    ]


def pytest_sessionstart(session: pytest.Session) -> None:
    gc.disable()  # until the tests are collected: see pytest_collection_finish


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection imported (services, contracts, Hypothesis) and the collected tests live to the end of the run.
    While collecting, the garbage collector would walk them again at each full collection as they grow, and pytest
    runs two more at the end of the session: about 0.3 s of `pytest tests/unit`. Frozen, they are out of its way;
    objects the tests create are collected as always."""
    gc.freeze()
    gc.enable()


@pytest.fixture
def clock() -> Clock:
    """The injected clock, started at the test day (see tests/support.py)."""
    return test_clock()


# Whole modules whose processes or fakes compute with "today": reminders, overdue notices, due dates,
# refresher due, token expiry, progress periods. With every test that asks for the `clock` fixture,
# they are what `make test-dates` runs on each of its days.
DATE_SENSITIVE_MODULES = {
    "test_notifications",
    "test_notifications_repository",
    "test_calendar_clients",
    "test_mail_wire",
    "test_campaigns",  # survey periods, reminders D days apart, never after the end
    "test_qualifications",  # valid until, warning periods
    "test_trainings",  # calendar months with month-end clamping, the day before
    "test_refresher",
    "test_campaign_lines",
}
# Of the journeys over the whole system (half a minute each to start), those whose steps compute with "today":
# actions and their dates, the work plan's due dates, the progress period, an office's opening month. The others
# (catching up after an outage, erasure, moderation, the directory's pages) do not, and run once in `make test`.
DATE_SENSITIVE_JOURNEYS = {
    "test_journey_joint_action",
    "test_journey_work_plan",
    "test_journey_inform_the_board",
    "test_journey_register",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        if (
            "clock" in getattr(item, "fixturenames", ())
            or (module and module.__name__.rsplit(".", 1)[-1] in DATE_SENSITIVE_MODULES)
            or getattr(item, "originalname", item.name) in DATE_SENSITIVE_JOURNEYS
        ):
            item.add_marker(pytest.mark.dates)


_outcomes: Counter[tuple[str, str]] = Counter()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for db in DATABASES:
        if f"[{db}" in report.nodeid and (report.when == "call" or report.skipped):
            _outcomes[(db, report.outcome)] += 1


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    terminalreporter.section("Persistenz-Tests je Datenbank")
    for db in DATABASES:
        counts = ", ".join(f"{n} {outcome}" for (d, outcome), n in sorted(_outcomes.items()) if d == db)
        terminalreporter.write_line(f"{db}: {counts or 'keine'}")


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    from beratungsnetz.runtime.nats_server import NatsServer  # imported here: see TYPE_CHECKING above

    server = NatsServer(store_dir=tmp_path / "nats", log_file=tmp_path / "nats.log").start()
    yield server
    server.stop()


@pytest.fixture
async def broker(nats_server: NatsServer):
    from shared.messaging.broker import make_broker, stop_quietly  # imported here: see TYPE_CHECKING above
    from shared.settings import ServiceSettings

    broker = make_broker(ServiceSettings(nats_url=nats_server.url))
    yield broker
    await stop_quietly(broker)


@pytest.fixture(params=DATABASES)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database | None]:
    """An empty database of each kind; on PostgreSQL a schema of its own per test.

    A test may add the parameter "fake" (`parametrize("database", STORES, indirect=True)`): then it gets
    None and uses its in-memory fake instead, with the same test body (tests/integration/test_repository_contracts.py).
    """
    if request.param == "fake":
        yield None
        return
    async with _open_database(request.param, tmp_path) as db:
        yield db


@asynccontextmanager
async def _open_database(kind: str, tmp_path: Path) -> AsyncIterator[Database]:
    from sqlalchemy import text  # imported here: see TYPE_CHECKING above

    from shared.db import make_database

    if kind == "sqlite":
        db = make_database(f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}")
        try:
            yield db
        finally:
            await db.dispose()
        return
    url = postgres_url()
    if url is None:
        pytest.skip(f"{POSTGRES_ENV} nicht gesetzt")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_database(url)
    async with admin.engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = make_database(url, schema=schema)
    try:
        yield db
    finally:
        await db.dispose()
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()
