"""Journey 2 in a real browser: regional groups plan a joint action, as the people involved do it.

Vogtland's coordinator signs in by mail, plans a Zahltag-Aktion at Jobcenter Plauen and invites Erzgebirge and
Chemnitz (the check step shows the LAG's guideline); their coordinators follow the link in their invitation mail,
sign in and land on the invitation, and accept; Vogtland confirms; the action is in all three groups' calendar
feeds (the addresses shown on "Kalender abonnieren", parsed with `icalendar`); once it has begun, Vogtland records
the report; the board's dashboard counts it and the next progress report mail tells of it.

Every page is checked with axe-core, the main ones are photographed for the README, and the recorder fails the
test if any page talks to another host.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta

import httpx
import pytest

from shared.clock import BERLIN
from shared.contracts import events as e
from tests.browser.regional import BOARD, COORDINATORS, regional_groups
from tests.browser.support import System, axe_check, screenshot

TITLE = "Zahltag-Aktion vor dem Jobcenter Plauen"
PAGE = "{} – Beratungsnetz"
VOGTLAND, ERZGEBIRGE, CHEMNITZ = (COORDINATORS[g] for g in ("Vogtland", "Erzgebirge", "Chemnitz"))


def look(page, name: str | None = None) -> None:
    axe_check(page)
    if name:
        screenshot(page, name)


def action_start(system: System) -> datetime:
    """When the action begins: the next full minute at least 20 seconds from now, on the services' clocks.

    The services run as processes with clocks that started at the test day and run on at the normal pace; a test
    cannot move them (the integration test of these pages, tests/integration/test_web_groups.py, advances an
    in-process clock by days instead). So the action is planned for a moment the journey reaches by itself: the
    form takes whole minutes, the steps before the report (three sign-ins, planning, two answers, confirming, the
    calendars) take about half a minute, so the report waits for less than a minute. (On a slow machine the action
    may have begun before it is confirmed; that is allowed, and the test then skips the "not yet begun" check. On
    a test day whose clock starts seconds before midnight the end would cross the day: `action_end` keeps it.)"""
    soon = system.clock.now().astimezone(BERLIN) + timedelta(seconds=20)
    return soon.replace(second=0, microsecond=0) + timedelta(minutes=1)


def action_end(start: datetime) -> datetime:
    end = start + timedelta(hours=1)
    return end if end.date() == start.date() else start.replace(hour=23, minute=59)


def wait_until_begun(system: System, page, path: str, start: datetime) -> float:
    """Wait until the action's page offers the report form; returns the seconds waited.

    Each service's clock starts at the test day when its process starts, so they trail the test's own clock
    (`system.clock`, made before the processes) by their start-up time, the gateway (started last) the most. So the
    test sleeps until the start by its own clock and then reloads the page until the gateway, too, sees it begun."""
    waited = time.monotonic()
    time.sleep(max(0.0, (start - system.clock.now()).total_seconds()))
    label = page.get_by_label("Wie viele Menschen haben teilgenommen?")
    deadline = time.monotonic() + 30
    while True:
        page.goto(system.link(path))
        if label.count():
            return time.monotonic() - waited
        assert time.monotonic() < deadline, page.get_by_role("main").inner_text()
        time.sleep(0.5)


def wait_for_mail(system: System, recipient: str, subject_part: str, text_part: str, timeout: float = 20):
    """The first mail to `recipient` with `subject_part` in its subject and `text_part` in its text."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for got in system.smtp.mailbox.to(recipient):
            if subject_part in got.message["Subject"] and text_part in got.text:
                return got
        time.sleep(0.1)
    seen = [x.message["Subject"] for x in system.smtp.mailbox.to(recipient)]
    raise AssertionError(f"keine Mail „{subject_part}“ mit „{text_part}“ an {recipient}; angekommen: {seen}")


def calendar_events(url: str) -> list:
    """The VEVENTs of a calendar feed, fetched as a calendar program does and parsed with icalendar."""
    from icalendar import Calendar

    answer = httpx.get(url, timeout=10)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/calendar"), answer.text[:300]
    return list(Calendar.from_ical(answer.content).walk("VEVENT"))


def accept_from_mail(system: System, new_context, group: str, address: str, action_id: str) -> None:
    """A coordinator follows the invitation mail's link, signs in by mail, lands on the invitation, accepts."""
    from playwright.sync_api import expect

    mail = system.mail(address, f"Einladung: {TITLE}")
    found = re.search(rf"{re.escape(system.url)}/gruppen/{group}/einladungen#aktion-{action_id}", mail.text)
    assert found, mail.text
    person = new_context().new_page()
    person.goto(found.group(0))
    # not signed in: the sign-in page, which remembers where to go (the browser keeps the #fragment in the bar)
    expect(person).to_have_url(re.compile(re.escape(system.link(f"/anmelden?weiter=/gruppen/{group}/einladungen"))))
    person.get_by_label("E-Mail-Adresse").fill(address)
    already = len(system.smtp.mailbox.to(address))
    person.get_by_role("button", name="Anmeldelink schicken").click()
    expect(person.get_by_role("heading", level=1)).to_have_text("Link ist unterwegs")
    deadline = time.monotonic() + 15
    while not (
        fresh := [m for m in system.smtp.mailbox.to(address)[already:] if "Anmeldelink" in m.message["Subject"]]
    ):
        assert time.monotonic() < deadline, f"kein Anmeldelink an {address}"
        time.sleep(0.05)
    person.goto(fresh[0].link("anmelden/link"))
    person.get_by_role("button", name="Jetzt anmelden").click()
    expect(person).to_have_url(re.compile(rf"/gruppen/{group}/einladungen"))
    invitation = person.locator(f"#aktion-{action_id}")
    expect(invitation.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(invitation).to_contain_text("Vogtland")
    look(person, "einladung" if group == "erzgebirge" else None)
    invitation.get_by_role("button", name=re.compile(rf"^Zusagen\W+{re.escape(TITLE)}$")).click()
    expect(person.get_by_role("alert")).to_contain_text(f"Sie haben für „{TITLE}“ zugesagt.")
    expect(person.get_by_role("table", name=re.compile("Beantwortete Einladungen"))).to_contain_text("zugesagt")
    look(person)


@pytest.mark.timeout(
    360
)  # waits for the planned action to begin (up to a minute by design); about 65 s alone, more under CI load
def test_journey_groups_in_the_browser(system: System, new_context) -> None:
    from playwright.sync_api import expect

    started = time.monotonic()
    ids = regional_groups(system)
    start = action_start(system)
    end = action_end(start)

    # --- 1. Vogtland's coordinator signs in and plans the action -----------------------------------------------
    kathrin = new_context().new_page()
    system.sign_in_by_mail(kathrin, VOGTLAND)
    expect(kathrin).to_have_title(PAGE.format("Meine Aufgaben"))
    nav = kathrin.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("link", name="Regionalgruppen").click()
    expect(kathrin.get_by_role("link", name="Vogtland", exact=True)).to_be_visible()
    expect(kathrin.get_by_role("link", name="Erzgebirge", exact=True)).to_have_count(0)  # only her own group
    look(kathrin)
    kathrin.get_by_role("link", name="Vogtland", exact=True).click()
    expect(kathrin).to_have_title(PAGE.format("Regionalgruppe Vogtland"))
    look(kathrin)
    kathrin.get_by_role("navigation", name="Seiten dieser Regionalgruppe").get_by_role(
        "link", name="Aktion planen"
    ).click()
    kathrin.get_by_label("Zahltag-Aktion vor dem Jobcenter").check()
    kathrin.get_by_label("Titel").fill(TITLE)
    kathrin.get_by_label("Jobcenter (bei Aktionen vor einem Jobcenter)").fill("Jobcenter Plauen")
    kathrin.get_by_label("Ort (Adresse oder Treffpunkt)").fill("Vor dem Eingang, Neundorfer Straße 92, Plauen")
    kathrin.get_by_label("Datum").fill(f"{start:%d.%m.%Y}")
    kathrin.get_by_label("Beginn (Uhrzeit)").fill(f"{start:%H:%M}")
    kathrin.get_by_label("Ende (Uhrzeit)").fill("25:00")  # a slip first: the form says what is wrong
    kathrin.get_by_label("Verantwortlich (V)").fill("Kathrin")
    invite = kathrin.get_by_role("group", name="Welche Regionalgruppen laden Sie ein?")
    invite.get_by_label("Erzgebirge").check()
    invite.get_by_label("Chemnitz").check()
    kathrin.get_by_role("button", name="Weiter zur Prüfung").click()
    expect(kathrin.locator(".bn-error-summary")).to_contain_text("„25:00“ ist keine Uhrzeit")
    look(kathrin, "gruppe-planen-fehler")
    kathrin.get_by_label("Ende (Uhrzeit)").fill(f"{end:%H:%M}")
    expect(invite.get_by_label("Chemnitz")).to_be_checked()  # what was chosen stays chosen
    look(kathrin, "gruppe-planen")
    kathrin.get_by_role("button", name="Weiter zur Prüfung").click()

    # the check step: the LAG's guideline, no clash, what was understood; nothing saved yet
    expect(kathrin).to_have_title(PAGE.format("Aktion prüfen"))
    guideline = kathrin.get_by_role("region", name="Leitlinie der LAG für Aktionen vor Jobcentern")
    expect(guideline).to_contain_text("nicht angegriffen fühlen")
    expect(kathrin.locator(".bn-summary-list")).to_contain_text("Chemnitz, Erzgebirge")
    look(kathrin, "gruppe-pruefen")
    assert not [a for a in system.ask(e.ACTIONS, e.ActionsQuery(group_id=ids["Vogtland"])).actions if a.title == TITLE]
    kathrin.get_by_role("button", name="Aktion speichern und Gruppen einladen").click()
    expect(kathrin.get_by_role("alert")).to_contain_text("Eingeladen: Chemnitz, Erzgebirge")
    (action,) = [a for a in system.ask(e.ACTIONS, e.ActionsQuery(group_id=ids["Vogtland"])).actions if a.title == TITLE]
    action_path = f"/gruppen/vogtland/aktionen/{action.action_id}"
    expect(kathrin).to_have_url(system.link(action_path))
    expect(
        kathrin.get_by_text(re.compile(r"Noch keine Antwort von: (Erzgebirge, Chemnitz|Chemnitz, Erzgebirge)\."))
    ).to_be_visible()
    expect(kathrin.get_by_role("button", name="Aktion bestätigen")).to_have_count(0)
    look(kathrin, "gruppe-aktion-geplant")

    # --- 2. Erzgebirge and Chemnitz accept from the links in their invitation mails ------------------------------
    accept_from_mail(system, new_context, "erzgebirge", ERZGEBIRGE, action.action_id)
    system.mail(VOGTLAND, f"Erzgebirge hat zugesagt: {TITLE}")
    accept_from_mail(system, new_context, "chemnitz", CHEMNITZ, action.action_id)
    system.mail(VOGTLAND, f"Chemnitz hat zugesagt: {TITLE}")

    # --- 3. Vogtland confirms ----------------------------------------------------------------------------------
    kathrin.reload()
    answers = kathrin.get_by_role("table", name=re.compile("Antworten der eingeladenen Gruppen"))
    expect(answers.get_by_role("row", name=re.compile("Erzgebirge"))).to_contain_text("zugesagt")
    expect(answers.get_by_role("row", name=re.compile("Chemnitz"))).to_contain_text("zugesagt")
    look(kathrin)
    kathrin.get_by_role("button", name="Aktion bestätigen").click()
    expect(kathrin.get_by_role("alert")).to_contain_text("Die Aktion ist bestätigt.")
    expect(kathrin.locator(".bn-summary-list")).to_contain_text("bestätigt")
    if system.clock.now() < start:  # the gateway's clock trails the test's: it, too, sees the action not begun
        expect(kathrin.get_by_text("Den Bericht können Sie eintragen, sobald die Aktion begonnen hat")).to_be_visible()
    look(kathrin, "gruppe-aktion-bestaetigt")

    # --- 4. the action is in all three groups' calendars, at the addresses the calendar page shows --------------
    for group, address in (("vogtland", VOGTLAND), ("erzgebirge", ERZGEBIRGE), ("chemnitz", CHEMNITZ)):
        viewer = kathrin if group == "vogtland" else new_context()
        if viewer is not kathrin:
            system.sign_in(viewer, address)
            viewer = viewer.new_page()
        viewer.goto(system.link(f"/gruppen/{group}/kalender"))
        expect(viewer).to_have_title(PAGE.format(f"Kalender abonnieren – {group.capitalize()}"))
        feed = system.link(f"/kalender/{group}.ics")
        subscribe = viewer.get_by_role("main").locator("a.bn-button", has_text="Kalender abonnieren")
        expect(subscribe).to_have_attribute("href", feed.replace("http://", "webcal://"))
        expect(viewer.locator(".bn-inset-text")).to_have_text(feed)
        for program in ("Thunderbird", "Outlook", "Google Kalender", "Nextcloud", "iPhone und iPad"):
            expect(viewer.get_by_role("heading", name=program)).to_be_visible()
        axe_check(viewer)
        if group == "vogtland":  # the picture shows the address as on `make up` (port 8000), the same every run
            viewer.locator(".bn-inset-text").evaluate(
                "(el, [ours, shown]) => { el.textContent = el.textContent.replace(ours, shown) }",
                [system.url, "http://127.0.0.1:8000"],
            )
            screenshot(viewer, "gruppe-kalender")
        mine = [v for v in calendar_events(feed) if str(v.get("SUMMARY")) == TITLE]
        assert len(mine) == 1, f"{group}: {[str(v.get('SUMMARY')) for v in calendar_events(feed)]}"
        assert mine[0].decoded("DTSTART") == start and mine[0].decoded("DTEND") == end, group
        assert "Jobcenter Plauen" in str(mine[0].get("LOCATION")), group

    # The group's page: the action coming up, the calendar linked.
    kathrin.goto(system.link("/gruppen/vogtland"))
    expect(kathrin.get_by_role("link", name=TITLE)).to_be_visible()
    look(kathrin, "gruppe")

    # --- 5. once it has begun, Vogtland records the report ---------------------------------------------------
    done_before = system.ask(e.DASHBOARD, e.DashboardQuery(since=start - timedelta(days=1))).report.overall.actions_done
    waited = wait_until_begun(system, kathrin, action_path, start)
    kathrin.get_by_label("Wie viele Menschen haben teilgenommen?").fill("viele")
    kathrin.get_by_role("button", name="Bericht speichern").click()
    expect(kathrin.locator(".bn-error-message")).to_contain_text("als ganze Zahl")
    look(kathrin)
    kathrin.get_by_label("Wie viele Menschen haben teilgenommen?").fill("14")
    kathrin.get_by_label("Wie ist es gelaufen?").fill("Gute Gespräche über KdU-Bescheide; zwei Termine zur Beratung.")
    kathrin.get_by_label("Presse (Links zu Berichten, je einer pro Zeile)").fill("https://zeitung.example/zahltag")
    look(kathrin, "gruppe-bericht")
    kathrin.get_by_role("button", name="Bericht speichern").click()
    expect(kathrin.get_by_role("alert")).to_contain_text("Der Bericht ist eingetragen.")
    expect(kathrin.locator("#bericht + .bn-summary-list")).to_contain_text("14")
    look(kathrin)
    board_mail = system.mail(BOARD, f"Aktion durchgeführt: {TITLE}")
    assert "Teilnehmende: 14" in board_mail.text and "Erzgebirge" in board_mail.text

    # --- 6. the board: the dashboard counts it, the next progress report tells of it --------------------------
    board = new_context()
    system.sign_in(board, BOARD)
    lage = board.new_page()
    lage.goto(system.link("/lage"))
    expect(lage).to_have_title(PAGE.format("Lage"))
    glance = lage.locator(".bn-summary-list__row").filter(has_text="Aktionen durchgeführt")
    shown = int(re.search(r"(\d+) im Zeitraum", glance.inner_text()).group(1))
    assert shown >= done_before + 1, (shown, done_before)
    groups_table = lage.get_by_role("table", name="Regionalgruppen: Aktionen und Arbeitsplan im Zeitraum")
    vogtland_row = groups_table.get_by_role("row", name=re.compile("^Vogtland"))
    expect(vogtland_row).to_be_visible()
    head = [c.strip() for c in groups_table.locator("thead th").all_inner_texts()]
    cells = [c.strip() for c in vogtland_row.locator("th, td").all_inner_texts()]
    assert int(cells[head.index("Aktionen durchgeführt")]) >= 1, (head, cells)
    look(lage, "lage")

    compiled = system.ask(e.COMPILE_PROGRESS, e.CompileProgress())
    assert TITLE in [a.title for a in compiled.held], compiled.held
    progress = wait_for_mail(system, BOARD, "Fortschrittsbericht", TITLE)
    assert "14 Teilnehmende" in progress.text and "Gute Gespräche über KdU-Bescheide" in progress.text
    assert f"{system.url}/lage" in progress.text
    lage.goto(system.link("/lage/berichte"))
    look(lage, "lage-berichte")
    lage.get_by_role("table", name="Fortschrittsberichte").get_by_role("link").first.click()  # the newest
    expect(lage.get_by_role("main")).to_contain_text(TITLE)
    look(lage, "lage-bericht")

    elapsed = time.monotonic() - started
    print(f"Reise der Regionalgruppen im Browser: {elapsed:.1f} s (davon {waited:.0f} s Warten auf den Beginn)")
