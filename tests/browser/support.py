"""What the browser tests share: the whole system as processes, the request recorder, axe, screenshots.

The tests drive Debian's Chromium (`/usr/bin/chromium`, never a browser that Playwright downloads) through
Playwright's sync API. NATS requests from a test go through a client on its own thread and event loop, so a
test reads like what a person does, step by step, without `await`. Playwright and axe are imported where they
are used: without them the tests skip (or fail in CI) with a German reason instead of failing to collect.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from beratungsnetz.runtime.ports import free_port, listen
from beratungsnetz.runtime.processes import ChildProcess, answers, wait_healthy
from shared.clock import Clock
from shared.contracts import notifications as n
from shared.db import make_database
from shared.messaging.broker import make_broker
from shared.messaging.rpc import Reply, request
from shared.settings import ServiceSettings
from tests.e2e.processes import start_service
from tests.smtp import Received, SmtpServer
from tests.support import ROOT, missing, test_clock

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request, Response, Route

    from beratungsnetz.runtime.nats_server import NatsServer

CHROMIUM_ENV = "BERATUNGSNETZ_CHROMIUM"  # another Chromium than Debian's; a path that does not exist simulates none
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
SECRET_KEY = "browser-tests-" + "x" * 30
MAILBOX = "postfach"  # under the system's directory: every mail as .eml, shown by the gateway's /postfach pages


def chromium_path() -> str:
    """Debian's Chromium, or why the browser tests cannot run (skip; in CI a failure)."""
    try:
        import axe_playwright_python  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        missing(f"Browser-Tests übersprungen: Python-Paket {exc.name} fehlt (`make install` installiert es)")
    path = os.environ.get(CHROMIUM_ENV) or CHROMIUM
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        missing(
            f"Browser-Tests übersprungen: kein Chromium unter {path} "
            "(Debian: `apt-get install chromium`; Playwright lädt bewusst keinen Browser herunter)"
        )
    return path


class NatsClient:
    """A broker on its own thread and event loop: sync tests ask services without running a loop themselves
    (Playwright's sync API refuses to run inside one)."""

    def __init__(self, url: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="nats-testclient", daemon=True)
        self._thread.start()
        self.broker = make_broker(ServiceSettings(nats_url=url))
        self.run(self.broker.connect())

    def run(self, coroutine: Coroutine[Any, Any, Any], timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def close(self) -> None:
        try:
            self.run(self.broker.stop(), timeout=10)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()


@dataclass
class System:
    """Every service and the gateway as processes, a real nats-server and a real SMTP server that keeps mails.

    It lives for the whole `tests/browser` package: each test makes its own list and uses its own addresses.
    """

    url: str  # the gateway: every page, every link in a mail, the only host a page may talk to
    smtp: SmtpServer  # keeps every mail, and also writes it as .eml into `logs / "postfach"` (the gateway's /postfach)
    nats: NatsClient
    processes: dict[str, ChildProcess]
    logs: Path
    clock: Clock  # started with the services: the test day, running on (their clocks to within a second)
    lmtp_port: int = 0  # the lists' inbox (issue 20): mail to <list>@beratungsnetz.example is handed in here

    def post_to_list(self, sender: str, to: str, raw: bytes) -> None:
        """Hand a mail to the lists' inbox as an MTA does (LMTP); fails if it is refused."""
        import smtplib

        with smtplib.LMTP("127.0.0.1", self.lmtp_port) as client:
            assert client.sendmail(sender, [to], raw) == {}

    def reply(self, spec: Any, payload: Any, timeout: float = 10) -> Reply[Any]:
        """A service's whole reply to a request (ok or error), as the gateway gets it."""
        return self.nats.run(request(self.nats.broker, spec, payload, timeout=timeout, actor="test"))

    def ask(self, spec: Any, payload: Any, timeout: float = 10) -> Any:
        """A service's data for a request that must succeed."""
        answer = self.reply(spec, payload, timeout)
        assert answer.ok, answer.error
        return answer.data

    def new_list(self, name: str, **fields: Any) -> n.ListV1:
        """A mailing list made as the Landesbüro makes one (notifications.cmd.create_list)."""
        return self.ask(n.CREATE_LIST, n.CreateList(name=name, **fields))

    def mail(self, recipient: str, subject_part: str, timeout: float = 15) -> Received:
        """The first mail to `recipient` whose subject contains `subject_part`, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for got in self.smtp.mailbox.to(recipient):
                if subject_part in got.message["Subject"]:
                    return got
            time.sleep(0.05)
        seen = [(x.recipient, x.message["Subject"]) for x in self.smtp.mailbox.received]
        raise AssertionError(f"keine Mail „{subject_part}“ an {recipient}; angekommen: {seen}")

    def ended(self) -> list[str]:
        """Services that are no longer running (a crash mid-test), with where their log is."""
        return [
            f"{name} hat sich beendet (Code {process.exit_code()}); siehe {process.log}"
            for name, process in self.processes.items()
            if not process.alive()
        ]

    def sign_in(self, context: BrowserContext, address: str) -> None:
        """`address` is signed in in this browser profile: a session started directly in the gateway's
        SessionStore, its cookie set (for the sign-in itself through the mail, use the sign-in page)."""
        from services.gateway.adapters.sessions import SessionStore

        async def start() -> str:
            database = make_database(f"sqlite+aiosqlite:///{self.logs / 'gateway.sqlite3'}")
            try:
                return await SessionStore(database).start(address, self.clock.now())
            finally:
                await database.dispose()

        secret = self.nats.run(start())
        context.add_cookies([{"name": "bn_sitzung", "value": secret, "url": self.url, "httpOnly": True}])

    def sign_in_by_mail(self, page: Page, address: str) -> None:
        """Sign in as a person does: the sign-in page, the mail, its link, the button. Only for the sign-in itself:
        the gateway allows 20 sign-in mails per 15 minutes from one client, and all tests are one (127.0.0.1)."""
        already = len(self.smtp.mailbox.to(address))
        page.goto(self.link("/anmelden"))
        page.get_by_label("E-Mail-Adresse").fill(address)
        page.get_by_role("button", name="Anmeldelink schicken").click()
        deadline = time.monotonic() + 15
        while len(fresh := self.smtp.mailbox.to(address)[already:]) == 0 or not any(
            "Anmeldelink" in got.message["Subject"] for got in fresh
        ):
            assert time.monotonic() < deadline, f"kein Anmeldelink an {address}"
            time.sleep(0.05)
        mail = next(got for got in fresh if "Anmeldelink" in got.message["Subject"])
        page.goto(mail.link("anmelden/link"))
        page.get_by_role("button", name="Jetzt anmelden").click()

    def link(self, path: str) -> str:
        """A page of the gateway, as a person's browser would address it."""
        return f"{self.url}/{path.lstrip('/')}"


def start_system(
    nats_server: NatsServer,
    directory: Path,
    *,
    start: datetime | None = None,
    smtp: SmtpServer | None = None,
    port: int = 0,
    settings: dict[str, dict[str, str]] | None = None,
) -> System:
    """Start everything (about as long as the slowest service needs) and wait until each answers.

    `start`: the instant the services' clocks start at (default: the test day); `smtp`: a running mail server to keep
    (a restart); `port`: the gateway's port (a restart keeps the address the browser knows); `settings`: further
    settings per service ("registry": {"demo_data": "true"})."""
    kept_smtp = smtp
    smtp = smtp or SmtpServer(eml_dir=directory / MAILBOX).start()
    clock = Clock(start) if start else test_clock()  # the services' clocks start at the same instant, a moment later
    gateway_socket = listen(port)  # bound here and inherited: nobody can take the port between choosing and binding it
    url = f"http://127.0.0.1:{gateway_socket.getsockname()[1]}"
    common = {"secret_key": SECRET_KEY, "public_url": url}
    if start:
        common["clock_start"] = start.isoformat()
    extra = settings or {}
    processes: dict[str, ChildProcess] = {}
    nats: NatsClient | None = None
    try:
        lmtp_port = free_port()
        mail = {
            "smtp_host": "127.0.0.1",
            "smtp_port": str(smtp.port),
            "delivery_poll_seconds": "0.2",
            "lmtp_port": str(lmtp_port),
        }
        processes["registry"] = start_service(
            "registry", nats_server.url, directory, **common, **extra.get("registry", {})
        )
        processes["notifications"] = start_service(
            "notifications", nats_server.url, directory, **common, **mail, **extra.get("notifications", {})
        )
        processes["events"] = start_service(
            "events", nats_server.url, directory, **common, **{"scheduler_seconds": "1", **extra.get("events", {})}
        )
        fd = gateway_socket.fileno()
        mailbox = str(directory / MAILBOX)
        processes["gateway"] = start_service(
            "gateway",
            nats_server.url,
            directory,
            pass_fds=(fd,),
            **common,
            listen_fd=str(fd),
            mailbox_dir=mailbox,
            # The suite runs the browser journeys beside everything else on 2 cores: a service may take longer than
            # production's 2 s to answer while it starts or delivers; a page then says "nicht erreichbar" (tested).
            **{"request_timeout": "10"} | extra.get("gateway", {}),
        )
        gateway_socket.close()  # the gateway holds it now
        nats = NatsClient(nats_server.url)
        nats.run(wait_healthy(processes.values(), answers(nats.broker), 60, error=AssertionError))
        _wait_for_http(url, processes["gateway"])
    except BaseException:
        gateway_socket.close()
        stop_system(processes, nats, None if kept_smtp else smtp)
        raise
    return System(url, smtp, nats, processes, directory, clock, lmtp_port)


def restart_system(
    system: System, nats_server: NatsServer, at: datetime, settings: dict[str, dict[str, str]] | None = None
) -> System:
    """Stop every process and start them again on the same databases, stream and mail server, their clocks now
    starting at `at`: what "some days later" looks like to the services (nothing is lost across it)."""
    stop_system(system.processes, system.nats, None)
    port = urlsplit(system.url).port or 0
    return start_system(nats_server, system.logs, start=at, smtp=system.smtp, port=port, settings=settings)


def _wait_for_http(url: str, gateway: ChildProcess, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if not gateway.alive() or time.monotonic() > deadline:
            raise AssertionError(f"Gateway antwortet nicht unter {url}; siehe {gateway.log}")
        time.sleep(0.1)


def stop_system(processes: dict[str, ChildProcess], nats: NatsClient | None, smtp: SmtpServer | None) -> None:
    """The gateway first (no new requests), then the services together: each takes about a second to finish.
    `smtp` None: the mail server keeps running (a restart)."""
    if "gateway" in processes:
        processes["gateway"].stop()
    stopping = [threading.Thread(target=p.stop) for name, p in processes.items() if name != "gateway"]
    for thread in stopping:
        thread.start()
    for thread in stopping:
        thread.join()
    if nats is not None:
        nats.close()
    if smtp is not None:
        smtp.stop()


@dataclass
class RequestRecorder:
    """Everything a browser context asked for; what broke the rules is in `problems()`.

    Rules: no request to any host but the gateway's (such a request is also aborted, so nothing leaves the
    machine); no failed request; no sub-resource (style sheet, script, image, font) answered with an error;
    no script error and no console error (a CSP violation is one).
    """

    origin: str  # scheme://host:port of the gateway
    allowed: set[str] = field(default_factory=set)  # further origins a test serves itself (`allow`)
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.route("**/*", self._route)
        context.on("request", self._request)
        context.on("requestfailed", self._failed)
        context.on("response", self._response)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.console.append(f"Skriptfehler: {error.error}"))

    def allow(self, origin: str) -> None:
        """A second origin the test itself serves on this machine (a foreign site, say, whose form posts to the
        gateway): its requests pass and are no fault. Each test has its own recorder, so this holds for that test only."""
        self.allowed.add(origin)

    def ours(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):  # nothing goes over the network
            return True
        return f"{parts.scheme}://{parts.netloc}" in {self.origin, *self.allowed}

    def _route(self, route: Route) -> None:
        if self.ours(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def _request(self, req: Request) -> None:
        self.requests.append(req.url)
        if not self.ours(req.url):
            self.foreign.append(f"{req.method} {req.url} ({req.resource_type})")

    def _failed(self, req: Request) -> None:
        # A foreign one is already counted (we aborted it ourselves); ERR_ABORTED is the browser dropping what
        # it still loaded for a page the test has already left (a print style sheet, say), not a fault.
        if self.ours(req.url) and req.failure != "net::ERR_ABORTED":
            self.failed.append(f"{req.method} {req.url}: {req.failure}")

    def _response(self, response: Response) -> None:
        # A page may answer 4xx on purpose (an expired link); what it loads must not.
        if response.status >= 400 and response.request.resource_type != "document":
            self.broken.append(f"{response.status} {response.url} ({response.request.resource_type})")

    def _console(self, message: ConsoleMessage) -> None:
        # "Failed to load resource" repeats a response the rules above already judge.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console.append(f"{message.text} ({message.location.get('url', '')})")

    def clear(self) -> None:
        """Forget what was seen (a test of the recorder itself, after it looked)."""
        for seen in (self.requests, self.foreign, self.failed, self.broken, self.console):
            seen.clear()

    def problems(self) -> list[str]:
        return (
            [f"Anfrage an einen fremden Host: {x}" for x in self.foreign]
            + [f"Anfrage fehlgeschlagen: {x}" for x in self.failed]
            + [f"Teil der Seite nicht geladen: {x}" for x in self.broken]
            + [f"Fehler in der Browser-Konsole: {x}" for x in self.console]
        )


IMPACT = {"critical": "kritisch", "serious": "schwer", "moderate": "mittel", "minor": "gering"}
BLOCKING = ("critical", "serious")


def axe_check(page: Page, *, context: str | None = None) -> list[dict]:
    """Run axe-core on the page as it is now; fail on any violation of impact serious or critical.

    Returns all violations (also the moderate and minor ones) for a test that wants to look at them.
    `context` limits the check to part of the page (a CSS selector).
    """
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Error

    for attempt in range(5):
        try:
            results = Axe().run(page, context=context).response
            break
        except Error as exc:  # a page that reloads itself (a running import, a mailing) went on while axe ran
            if "Execution context was destroyed" not in str(exc) or attempt == 4:
                raise
            page.wait_for_load_state("load")
    violations = results["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    if blocking:
        version = results.get("testEngine", {}).get("version", "?")
        lines = [f"Barrierefreiheit: {len(blocking)} schwere(r) Mangel/Mängel auf {page.url} (axe-core {version})"]
        for v in blocking:
            targets = ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
            more = f" und {len(v['nodes']) - 5} weitere" if len(v["nodes"]) > 5 else ""
            lines.append(f"- {IMPACT[v['impact']]}: {v['id']} – {v['help']}")
            lines.append(f"    betroffen: {targets}{more}")
            lines.append(f"    Erklärung: {v['helpUrl']}")
        raise AssertionError("\n".join(lines))
    return violations


@dataclass
class Sweep:
    """Checks page after page and keeps what axe found, so that the test names every page with a finding."""

    seen: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    def check(self, page, what: str, status: int | None = None, response=None) -> None:
        if status is not None:
            assert response is not None and response.status == status, f"{what}: {response and response.status}"
        self.seen.append(what)
        try:
            lesser = axe_check(page)  # serious and critical findings raise
        except AssertionError as finding:
            self.findings.append(f"{what}: {finding}")
            return
        # These pages are clean; a moderate or minor finding (e.g. text outside every landmark) is news too.
        for v in lesser:
            targets = ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
            self.findings.append(f"{what} ({page.url}): {v['impact']}: {v['id']} – {v['help']}; betroffen: {targets}")

    def visit(self, page, system: System, path: str, what: str, status: int = 200) -> None:
        self.check(page, what, status, page.goto(system.link(path)))

    def done(self) -> None:
        assert not self.findings, "\n\n".join(self.findings)
        assert len(self.seen) == len(set(self.seen)), "eine Seite doppelt benannt"


def error_state(page) -> None:
    """The page shows its error summary (and says so in its title), as after a form with wrong input."""
    from playwright.sync_api import expect

    expect(page.locator(".bn-error-summary")).to_be_visible()
    assert page.title().startswith("Fehler: "), page.title()


SCREENSHOT_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


def screenshot(page: Page, name: str) -> Path:
    """The whole page as `docs/screenshots/<name>.png` (viewport 1280×900), for the README.

    Every run takes the picture (a page that cannot be drawn fails the test), but the file is written only
    when `BERATUNGSNETZ_SCREENSHOTS=1` (`make screenshots`) and the picture changed: pages that show the
    time of the run would otherwise leave every test run with changed files in the checkout.
    """
    if not SCREENSHOT_NAME.fullmatch(name):
        raise ValueError(f"Name für ein Bildschirmfoto: Kleinbuchstaben, Ziffern, Bindestriche, nicht {name!r}")
    picture = page.screenshot(full_page=True, animations="disabled", caret="hide", scale="css")
    assert picture.startswith(b"\x89PNG"), "kein PNG-Bild"
    path = SCREENSHOTS / f"{name}.png"
    if os.environ.get("BERATUNGSNETZ_SCREENSHOTS") != "1":
        return path
    if not path.exists() or path.read_bytes() != picture:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(picture)
        shutil.move(tmp, path)
    return path


FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
          outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth, boxShadow: s.boxShadow};
}"""


def focused(page: Page) -> dict | None:
    """The element that has the keyboard focus and how it is drawn (outline, box shadow); None: nothing."""
    return page.evaluate(FOCUS_STYLE)


def tab_to(page: Page, *, id: str | None = None, tag: str | None = None, limit: int = 15) -> dict:
    """Press Tab until the element with this id (or the first of this tag) has the focus, as a keyboard user
    does; every element the focus passes on the way must show it (`assert_focus_visible`). Returns the element."""
    passed = []
    while True:
        now = focused(page)
        if now is not None and (now["id"] == id if id is not None else now["tag"] == tag):
            return assert_focus_visible(page)
        assert len(passed) < limit, f"mit Tab nicht zu erreichen ({id or tag}); der Fokus war auf: {passed}"
        page.keyboard.press("Tab")
        passed.append(assert_focus_visible(page))


def assert_focus_visible(page: Page) -> dict:
    """The focused element shows that it has the focus: an outline (or, as GOV.UK links do, a box shadow)."""
    element = focused(page)
    assert element is not None, "nichts hat den Tastaturfokus"
    outline = element["outlineStyle"] != "none" and element["outlineWidth"] not in ("0px", "")
    assert outline or element["boxShadow"] != "none", f"Fokus nicht sichtbar (kein Rahmen, kein Schatten): {element}"
    return element
