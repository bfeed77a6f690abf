"""Fixtures for tests in a real browser: the whole system as processes, Chromium, a page whose requests are watched.

A test asks for `page` (and `system` for lists, mails and the gateway's address) and writes only its steps:

    def test_x(system, page):
        page.goto(system.link("/abonnieren/..."))
        axe_check(page)
        screenshot(page, "abonnieren")

After the test, the `recorder` behind every page fails it if the browser talked to any host but the gateway, a request failed, a part of
a page could not be loaded or the console reported an error (see `support.RequestRecorder`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.support import VIEWPORT, RequestRecorder, System, chromium_path, start_system, stop_system

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="package")
def chromium() -> str:
    """The path of Debian's Chromium; without it (or without Playwright) every browser test skips, in CI fails."""
    return chromium_path()


@pytest.fixture(scope="package")
def system(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """Registry, notifications, events and gateway as processes on a real nats-server, mail into an SMTP server
    in the test; the services' clocks start at the test day (tests.support). One system for the whole package."""
    from beratungsnetz.runtime.nats_server import NatsServer

    directory = tmp_path_factory.mktemp("browser-system")
    nats_server = NatsServer(store_dir=directory / "nats", log_file=directory / "nats.log").start()
    try:
        running = start_system(nats_server, directory)
        try:
            yield running
        finally:
            stop_system(running.processes, running.nats, running.smtp)
    finally:
        nats_server.stop()


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    """Headless Chromium, one per test module (Playwright's sync API; a module's tests are all synchronous)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def recorder(system: System) -> Iterator[RequestRecorder]:
    """Watches every browser context of the test; afterwards the test fails if it saw anything against the
    rules (see `support.RequestRecorder`) or a service of the system ended."""
    watching = RequestRecorder(origin=system.url)
    yield watching
    problems = watching.problems() + system.ended()
    assert not problems, "Der Browser hat gegen die Regeln verstoßen:\n" + "\n".join(f"- {p}" for p in problems)


@pytest.fixture
def new_context(browser: Browser, recorder: RequestRecorder) -> Iterator[Callable[[], BrowserContext]]:
    """Makes another browser profile (own cookies: a second person), watched by the same recorder."""
    made: list[BrowserContext] = []

    def make() -> BrowserContext:
        fresh = browser.new_context(
            locale="de-DE",
            timezone_id="Europe/Berlin",
            viewport=VIEWPORT,
            color_scheme="light",
            reduced_motion="reduce",
        )
        fresh.set_default_timeout(10_000)
        recorder.attach(fresh)
        made.append(fresh)
        return fresh

    yield make
    for fresh in made:
        fresh.unroute_all(behavior="ignoreErrors")  # a request still routed as the test ends is no error of it
        fresh.close()


@pytest.fixture
def context(new_context: Callable[[], BrowserContext]) -> BrowserContext:
    """A fresh browser profile as a person in Germany has it: German, Berlin time, 1280×900, no cookies yet."""
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    """A tab in `context`, the one a test drives."""
    return context.new_page()
