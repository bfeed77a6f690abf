"""Who may see what, and which posts the gateway refuses, in a real browser against the whole system as processes.

- A coordinator of a regional group and a plain member of a list are signed in, but moderate nothing: every page of
  the list's moderation and the administration of access answer 403 with a German page (the list's owner gets 200
  on the same addresses, so the addresses are real).
- A form without its CSRF token, and a form with a valid token posted from another origin (a page of a second
  local web server on another port whose form submits itself to the gateway), are refused with a German 403.
- A sign-in link works once, and not a second time; a link older than 15 minutes is refused, one of 14 still works.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

from shared.contracts import notifications as n
from shared.contracts import registry as r
from shared.db import make_database
from tests.browser.support import RequestRecorder, System, axe_check

TITLE = "{} – Beratungsnetz"
OWNER = "olga.sicher@example.org"
COORDINATOR = "vera.sicher@example.org"
MEMBER = "paul.sicher@example.org"
LANDESBUERO = "landesbuero@beratungsnetz.example"


def members(system: System, list_id: str) -> dict[str, n.MemberV1]:
    query = n.MembersQuery(list_id=list_id, moderator=LANDESBUERO, admin=True)
    return {m.address: m for m in system.ask(n.MEMBERS, query).members}


def moderator_pages(list_id: str) -> list[str]:
    base = f"/moderation/{quote(list_id, safe='')}"
    tasks = ("anfragen", "mitglieder", "protokoll", "nachricht", "versand", "einstellungen")
    return [
        base,
        *(f"{base}/{task}" for task in tasks),
        f"{base}/mitglieder/hinzufuegen",
        f"{base}/mitglieder/person?adresse={quote(MEMBER)}",
    ]


def issue_sign_in(system: System, address: str, age: timedelta) -> str:
    """A sign-in token as the gateway issues one, but `age` old.

    The gateway runs as a process with its own clock, which a test cannot move on by 16 minutes. So the token is
    written into the gateway's own database through its SessionStore, dated `age` before the system's clock (which
    the services' clocks follow to within a second); the gateway then judges it by its own clock, as any link."""
    from services.gateway.adapters.sessions import SessionStore

    async def issue() -> str:
        database = make_database(f"sqlite+aiosqlite:///{system.logs / 'gateway.sqlite3'}")
        try:
            return await SessionStore(database).issue_sign_in(address, "", system.clock.now() - age)
        finally:
            await database.dispose()

    return system.nats.run(issue())


def test_a_coordinator_and_a_member_get_a_german_403_on_every_moderator_page(system: System, new_context) -> None:
    from playwright.sync_api import expect

    board = system.new_list("Sicher Vorstandsliste", policy="bestaetigen", owner_address=OWNER)
    system.ask(n.ADD_MEMBER, n.AddMember(list_id=board.list_id, moderator=OWNER, address=MEMBER))
    coordinator = {"name": "Vera Sicher", "email": COORDINATOR}
    system.ask(r.FORM_GROUP, r.FormGroup(name="Sicher Vogtland", state="SN", coordinator=coordinator))
    forbidden = [*moderator_pages(board.list_id), "/verwaltung/zugaenge"]

    owner = new_context()
    system.sign_in(owner, OWNER)
    tab = owner.new_page()
    for path in forbidden[:-1]:  # the same addresses exist and open for the list's moderation
        shown = tab.goto(system.link(path))
        assert shown is not None and shown.status == 200, f"{path}: {shown and shown.status}"
    shown = tab.goto(system.link("/verwaltung/zugaenge"))
    assert shown is not None and shown.status == 403  # moderating a list is no access to the administration

    for person, role in ((COORDINATOR, "Koordination „Sicher Vogtland“"), (MEMBER, None)):
        browser = new_context()
        system.sign_in(browser, person)
        tab = browser.new_page()
        tab.goto(system.link("/aufgaben"))  # signed in for real: the 403s below are not the sign-in page's doing
        expect(tab.get_by_role("banner")).to_contain_text(person)
        if role:
            expect(tab.get_by_role("main")).to_contain_text(role)
        for path in forbidden:
            shown = tab.goto(system.link(path))
            assert shown is not None and shown.status == 403, f"{person} auf {path}: {shown and shown.status}"
            assert tab.url == system.link(path)  # answered there, not sent elsewhere
            expect(tab).to_have_title(TITLE.format("Nicht erlaubt"))
            expect(tab.get_by_role("heading", level=1)).to_have_text("Nicht erlaubt")
            text = tab.get_by_role("main").inner_text()
            assert "moderieren Sie nicht" in text or "der Landesgeschäftsstelle vorbehalten" in text, text
            assert board.name not in text  # nothing of the list is shown
        axe_check(tab)
        # The overview of one's lists: the coordinator moderates the group's own list (made with the group), not
        # this one; the member moderates nothing and is told so.
        shown = tab.goto(system.link("/moderation"))
        if role:
            assert shown is not None and shown.status == 200
            expect(tab.get_by_role("main")).to_contain_text("Sicher Vogtland")
            expect(tab.get_by_role("main")).not_to_contain_text(board.name)
        else:
            assert shown is not None and shown.status == 403
            expect(tab.get_by_role("main")).to_contain_text("Sie moderieren keinen Verteiler")
    assert members(system, board.list_id)[MEMBER].role == "mitglied"


@contextmanager
def foreign_site(html: str) -> Iterator[str]:
    """A second web server on this machine (another port: another origin) that serves one page, as an
    attacker's site would; yields its origin."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, name="fremde-seite", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_forms_without_token_or_from_another_origin_are_refused(
    system: System, page, context, recorder: RequestRecorder
) -> None:
    from playwright.sync_api import expect

    owner = "otto.sicher@example.org"
    team = system.new_list("Sicher Teamliste", owner_address=owner)
    for address in ("ida.sicher@example.org", "jan.sicher@example.org"):
        system.ask(n.ADD_MEMBER, n.AddMember(list_id=team.list_id, moderator=owner, address=address))
    system.sign_in(context, owner)
    remove = f"/moderation/{quote(team.list_id, safe='')}/mitglieder/entfernen"

    # 1. The moderator's own form, its token taken out: 403, a German page, the member stays.
    page.goto(system.link(f"{remove}?adresse={quote('ida.sicher@example.org')}"))
    page.get_by_role("main").locator('input[name="csrf_token"]').evaluate("field => field.remove()")
    with page.expect_response(lambda x: x.request.method == "POST") as sent:
        page.get_by_role("button", name="Ja, entfernen").click()
    assert sent.value.status == 403
    expect(page).to_have_title(TITLE.format("Nicht erlaubt"))
    expect(page.get_by_role("main")).to_contain_text("Das Formular ist abgelaufen oder kam nicht von dieser Seite.")
    axe_check(page)
    assert members(system, team.list_id)["ida.sicher@example.org"].status == "aktiv"

    # 2. Another site's form posts to the gateway. Its page even knows the moderator's valid CSRF token (as if it had
    # leaked), and the browser sends the moderator's cookies along (127.0.0.1 on another port is the same site): only
    # the gateway's check of the Origin stops it.
    token = next(c["value"] for c in context.cookies(system.url) if c["name"] == "bn_csrf")
    attack = (
        '<!DOCTYPE html><html lang="de"><head><title>Gewinnspiel</title></head><body>'
        f'<form method="post" action="{system.link(remove)}">'
        f'<input type="hidden" name="csrf_token" value="{token}">'
        '<input type="hidden" name="adresse" value="jan.sicher@example.org"></form>'
        "<script>document.forms[0].submit()</script></body></html>"
    )
    with foreign_site(attack) as origin:
        recorder.allow(origin)  # this test's own second origin, on this machine; any other host still fails the test
        with page.expect_response(lambda x: x.url == system.link(remove) and x.request.method == "POST") as sent:
            page.goto(origin)
        page.wait_for_url(system.link(remove))
    assert sent.value.request.header_value("origin") == origin
    assert "bn_sitzung=" in (sent.value.request.header_value("cookie") or "")
    assert sent.value.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Nicht erlaubt")
    expect(page.get_by_role("main")).to_contain_text("kam nicht von dieser Seite")
    assert members(system, team.list_id)["jan.sicher@example.org"].status == "aktiv"

    # The same token and session from the gateway's own page do remove the member: the refusal was the origin's.
    page.goto(system.link(f"{remove}?adresse={quote('jan.sicher@example.org')}"))
    assert page.get_by_role("main").locator('input[name="csrf_token"]').input_value() == token
    page.get_by_role("button", name="Ja, entfernen").click()
    expect(page.get_by_role("alert")).to_contain_text("ist aus dem Verteiler entfernt")
    assert members(system, team.list_id)["jan.sicher@example.org"].status == "entfernt"


def test_a_sign_in_link_works_once_and_for_15_minutes(system: System, page, new_context) -> None:
    from playwright.sync_api import expect

    person = "greta.sicher@example.org"
    system.new_list("Sicher Anmeldeliste", owner_address=person)

    page.goto(system.link("/anmelden"))
    page.get_by_label("E-Mail-Adresse").fill(person)
    page.get_by_role("button", name="Anmeldelink schicken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Link ist unterwegs")
    link = system.mail(person, "Anmeldelink").link("anmelden/link")
    page.goto(link)
    page.get_by_role("button", name="Jetzt anmelden").click()
    assert page.url == system.link("/aufgaben")
    expect(page.get_by_role("banner")).to_contain_text(person)

    # The same link again, in another browser (someone who found it later): refused, and not signed in there.
    other = new_context().new_page()
    other.goto(link)
    with other.expect_response(lambda x: x.request.method == "POST") as sent:
        other.get_by_role("button", name="Jetzt anmelden").click()
    assert sent.value.status == 400
    expect(other).to_have_title(TITLE.format("Link nicht mehr gültig"))
    expect(other.get_by_role("main")).to_contain_text("abgelaufen oder wurde schon benutzt")
    axe_check(other)
    other.goto(system.link("/aufgaben"))
    assert other.url.startswith(system.link("/anmelden"))

    # A link of 16 minutes is refused; one of 14 minutes still signs in (the limit is the 15 minutes, not the clock).
    late = new_context().new_page()
    late.goto(system.link(f"/anmelden/link?token={issue_sign_in(system, person, timedelta(minutes=16))}"))
    with late.expect_response(lambda x: x.request.method == "POST") as sent:
        late.get_by_role("button", name="Jetzt anmelden").click()
    assert sent.value.status == 400
    expect(late.get_by_role("main")).to_contain_text("Ein Link gilt 15 Minuten und nur einmal.")
    late.goto(system.link("/aufgaben"))
    assert late.url.startswith(system.link("/anmelden"))

    late.goto(system.link(f"/anmelden/link?token={issue_sign_in(system, person, timedelta(minutes=14))}"))
    late.get_by_role("button", name="Jetzt anmelden").click()
    assert late.url == system.link("/aufgaben")
    expect(late.get_by_role("banner")).to_contain_text(person)
