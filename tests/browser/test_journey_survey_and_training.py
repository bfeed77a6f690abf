"""Journey 7 of the brief, end to end in a real browser against every service as a process, on the demo register:
survey and train.

The state office sends a survey to every party and MP office of the register (personal links by mail); three offices
answer, one of them only after the reminder a week later; the state office takes their answers into the register,
and the response rate shows on the board's overview and in the next progress report. Members answer a second
survey; two who want to help are invited to a training date, register through their own link, an existing
counsellor gets the last place from the waiting list after a cancellation, attendance is recorded, and the register
knows their qualification until six months later. With the clock moved on to shortly before that day, the refresher
reminder is mailed and the office shows as at risk.

"Some days later" is a restart of every process with its clock started later, on the same databases, stream and mail
server (`support.restart_system`): what the services see when time passes, with nothing kept in memory.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from services.gateway.config import GatewaySettings
from shared.clock import BERLIN, german_date
from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from tests.browser.support import System, axe_check, restart_system, screenshot, start_system, stop_system
from tests.support import test_clock

ADMIN = GatewaySettings.model_fields["admin_address"].default
TITLE = "{} – Beratungsnetz"
OFFICES = "Erhebung Sozialberatung in Partei- und Abgeordnetenbüros 2026"
MEMBERS = "Mitmachen in der Sozialberatung"
AUE, DRESDEN, ZWICKAU, GOERLITZ = (f"{town}@example.org" for town in ("aue", "dresden", "zwickau", "goerlitz"))
HELPERS = {"Mira Mitglied": "mira.mitglied@example.org", "Ole Offen": "ole.offen@example.org"}
KATHRIN = "kathrin.beratung@example.org"  # the demo register's counsellor at Sozialberatung Plauen
SURVEY_LINK = re.compile(r"https?://\S+/umfrage/[A-Za-z0-9_\-.]+")
TRAINING_LINK = re.compile(r"https?://\S+/meine-schulungen/[A-Za-z0-9_\-.]+")
SETTINGS = {"registry": {"demo_data": "true", "scheduler_seconds": "1", "qualification_check_seconds": "1"}}


@pytest.fixture(scope="module")
def journey(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Its own system (with the demo register, the registry's jobs every second), restartable with a later clock."""
    from beratungsnetz.runtime.nats_server import NatsServer

    directory = tmp_path_factory.mktemp("journey-7")
    nats_server = NatsServer(store_dir=directory / "nats", log_file=directory / "nats.log").start()
    held: dict[str, Any] = {"nats_server": nats_server}
    try:
        held["system"] = start_system(nats_server, directory, start=test_clock().now(), settings=SETTINGS)
        yield held
    finally:
        if "system" in held:
            running = held["system"]
            stop_system(running.processes, running.nats, running.smtp)
        nats_server.stop()


def day(value: date) -> str:
    return f"{value.day}.{value.month}.{value.year}"


def add_months(start: date, months: int) -> date:
    """The last day of a qualification: the same day `months` later, or that month's last day."""
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(start.day, last))


def link_in(system: System, address: str, subject: str, pattern: re.Pattern[str], timeout: float = 30) -> str:
    return pattern.search(system.mail(address, subject, timeout=timeout).text).group(0)


def wait_for(condition: Any, what: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, what
        time.sleep(0.2)
    return found


def office_named(system: System, name: str) -> r.OfficeSnapshot:
    return next(o for o in system.ask(r.OFFICES, r.ListQuery()).offices if o.name == name)


def create_campaign(page: Any, system: System, title: str, kind: str, today: date, **choose: str) -> str:
    from playwright.sync_api import expect

    page.goto(system.link("/verwaltung/erhebungen"))
    page.get_by_label("Titel").fill(title)
    page.get_by_role("radio", name=kind).check()
    page.get_by_label("Erster Tag").fill(day(today))
    page.get_by_label("Letzter Tag").fill(day(today + timedelta(days=28)))
    if "register" in choose:
        page.get_by_label(choose["register"]).check()
    if "verteiler" in choose:
        verteiler = page.get_by_label("Verteiler, dessen aktive Mitglieder gefragt werden")
        verteiler.select_option(label=f"{choose['verteiler']} (2 Mitglieder)")
    page.get_by_role("button", name="Erhebung anlegen").click()
    expect(page).to_have_title(TITLE.format(title))
    expect(page.get_by_role("alert")).to_contain_text("Erhebung angelegt")
    return page.url


def answer_as_office(new_context: Any, link: str, hours: str, counsellor: str, *, draft_first: bool = False) -> None:
    from playwright.sync_api import expect

    person = new_context().new_page()  # the office: no sign-in, only its link
    person.goto(link)
    person.get_by_label("Ja, hier wird beraten").check()
    person.get_by_label("Sprechzeiten").fill(hours)
    if draft_first:
        person.get_by_role("button", name="Zwischenspeichern").click()
        expect(person.get_by_role("alert")).to_contain_text("Zwischengespeichert")
        person.goto(link)  # later, from the mail again: the draft is there
        expect(person.get_by_label("Sprechzeiten")).to_have_value(hours)
    person.get_by_label("Wer berät?").fill(counsellor)
    person.get_by_role("button", name="Absenden").click()
    expect(person.get_by_role("alert")).to_contain_text("Ihre Antwort ist abgegeben")


@pytest.mark.timeout(600)  # three starts of every process and a long walk; alone it takes about 80 s
def test_journey_survey_and_training(journey: dict[str, Any], new_context: Any, recorder: Any) -> None:
    from playwright.sync_api import expect

    system: System = journey["system"]
    recorder.allow(system.url)
    t0, today = system.clock.now(), system.clock.today()
    wait_for(lambda: len(system.ask(r.OFFICES, r.ListQuery()).offices) == 9, "das Demo-Register ist nicht geladen")

    state_office = new_context()
    system.sign_in(state_office, ADMIN)
    page = state_office.new_page()

    # The survey to every party and MP office of the register: Aue, Dresden (party/MP offices), Zwickau, Görlitz.
    campaign_url = create_campaign(
        page,
        system,
        OFFICES,
        "Partei- und Abgeordnetenbüros",
        today,
        register="Alle Partei- und Abgeordnetenbüros des Registers einladen",
    )
    expect(page.get_by_role("alert")).to_contain_text("4 Einladungen")
    links = {office: link_in(system, office, "Umfrage:", SURVEY_LINK) for office in (AUE, DRESDEN, ZWICKAU, GOERLITZ)}
    assert len(set(links.values())) == 4  # one personal link each
    for other in ("plauen@example.org", "leipzig@example.org", "chemnitz@example.org"):  # district associations
        assert not system.smtp.mailbox.to(other)
    answer_as_office(new_context, links[AUE], "montags 16–18 Uhr", "Uwe Aue", draft_first=True)
    answer_as_office(new_context, links[DRESDEN], "mittwochs 15–18 Uhr", "Dora Dresden")

    # The members' survey: who wants to help?
    members = system.new_list("Mitglieder Sachsen")
    for name, address in HELPERS.items():
        system.ask(
            n.ADD_MEMBER,
            n.AddMember(list_id=members.list_id, moderator=ADMIN, admin=True, address=address, display_name=name),
        )
    create_campaign(page, system, MEMBERS, "Mitglieder", today, verteiler="Mitglieder Sachsen")
    for address in HELPERS.values():
        helper = new_context().new_page()
        helper.goto(link_in(system, address, "Umfrage:", SURVEY_LINK))
        helper.get_by_role("radio", name="Ja", exact=True).check()
        helper.get_by_label("Wo wohnen Sie oder möchten Sie helfen?").fill("Plauen")
        helper.get_by_label(
            "Ich bin einverstanden, dass mich die Landesgeschäftsstelle zu Schulungen anschreibt."
        ).check()
        helper.get_by_role("button", name="Absenden").click()
        expect(helper.get_by_role("alert")).to_contain_text("Ihre Antwort ist abgegeben")

    # A training date with three places, five days ahead.
    training_day = today + timedelta(days=5)
    page.goto(system.link("/verwaltung/schulungen"))
    page.get_by_label("Multiplikator:innenschulung (online)").check()
    page.get_by_label("Datum").fill(f"{training_day:%d.%m.%Y}")
    page.get_by_label("Beginn (Uhrzeit)").fill("10:00")
    page.get_by_label("Ende (Uhrzeit)").fill("16:00")
    page.get_by_label("online", exact=True).check()
    page.get_by_label("Plätze").fill("3")
    page.get_by_role("button", name="Termin planen").click()
    expect(page.get_by_role("heading", name="Multiplikator:innenschulung (online)", level=1)).to_be_visible()
    training_url = page.url

    # The interested members are invited and register through their own link.
    page.goto(system.link("/verwaltung/interessierte"))
    axe_check(page)
    for name, address in HELPERS.items():
        page.get_by_role("row", name=re.compile(name)).get_by_role("button", name="Zur Schulung einladen").click()
        helper = new_context().new_page()
        helper.goto(link_in(system, address, "Ihre Schulungen", TRAINING_LINK))
        helper.get_by_role("button", name=re.compile(r"^anmelden\s+für Multiplikator")).click()
        expect(helper.locator(".bn-notification-banner")).to_contain_text("angemeldet")
    # The state office fills the last place, and the existing counsellor lands on the waiting list; a cancellation
    # moves her up.
    page.goto(training_url)
    page.get_by_label("Name", exact=True).fill("Dana Dazwischen")
    page.get_by_label("E-Mail-Adresse").fill("dana@example.org")
    page.get_by_role("button", name="Anmelden", exact=True).click()
    expect(page.locator(".bn-notification-banner")).to_contain_text("Dana Dazwischen")
    page.get_by_label("Berater:in aus dem Register (freiwillig)").select_option(label="Kathrin — Sozialberatung Plauen")
    page.get_by_role("button", name="Anmelden", exact=True).click()
    expect(page.locator("#teilnehmende + table")).to_contain_text("Warteliste (Platz 1)")
    assert "Warteliste" in system.mail(KATHRIN, "Warteliste").message["Subject"]
    page.get_by_role("row", name=re.compile("Dana Dazwischen")).get_by_role(
        "button", name=re.compile("abmelden")
    ).click()
    expect(page.locator(".bn-notification-banner")).to_contain_text("rückt von der Warteliste nach")
    moved_up = system.mail(KATHRIN, "Nachgerückt").message
    assert [p for p in moved_up.walk() if p.get_content_type() == "text/calendar"]  # with the date as .ics
    screenshot(page, "journey7-teilnehmende")

    # A week and a day later: the reminder reaches only the offices that have not answered.
    system = journey["system"] = restart_system(system, journey["nats_server"], t0 + timedelta(days=8), SETTINGS)
    reminder = link_in(system, ZWICKAU, "Erinnerung:", SURVEY_LINK)
    link_in(system, GOERLITZ, "Erinnerung:", SURVEY_LINK)
    for answered in (AUE, DRESDEN):
        assert not [m for m in system.smtp.mailbox.to(answered) if "Erinnerung" in m.message["Subject"]]
    answer_as_office(new_context, reminder, "donnerstags 9–12 Uhr", "Zora Zwickau")

    state_office = new_context()  # the session of a week ago has ended
    system.sign_in(state_office, ADMIN)
    page = state_office.new_page()
    page.goto(campaign_url)
    expect(page.get_by_role("main")).to_contain_text("3 von 4 (75 %)")
    page.get_by_role("link", name="Antworten prüfen").click()
    axe_check(page)
    screenshot(page, "journey7-pruefen")
    for _ in range(3):
        page.get_by_role("button", name="Übernehmen").click()
        expect(page.get_by_role("alert")).to_contain_text("Übernommen ins Register")
    aue = office_named(system, "Sozialsprechstunde Aue")
    assert [c.name for c in aue.counsellors] == ["Uwe Aue"] and [h.text or h.weekday for h in aue.hours]
    assert "Zora Zwickau" in [c.name for c in office_named(system, "Bürgerbüro Zwickau").counsellors]
    page.goto(system.link(f"/register/stellen/{aue.office_id}"))
    expect(page.get_by_role("main")).to_contain_text("Uwe Aue")

    page.goto(system.link("/lage"))
    expect(page.locator("#erhebungen ~ table").first).to_contain_text("3 von 4 (75 %)")
    report = system.ask(e.COMPILE_PROGRESS, e.CompileProgress())
    assert [(c.title, c.answered, c.recipients) for c in report.campaigns if c.title == OFFICES] == [(OFFICES, 3, 4)]
    page.goto(system.link(f"/lage/berichte/{report.period_key}"))
    expect(page.get_by_role("main")).to_contain_text(OFFICES)
    expect(page.get_by_role("main")).to_contain_text("3 von 4 (75 %)")

    # The training has taken place: attendance is recorded, and the register knows until when they are qualified.
    page.goto(f"{training_url}/teilnahme")
    for name in (*HELPERS, "Kathrin"):
        page.get_by_label(re.compile(f"^{name}.* hat teilgenommen")).check()
    page.get_by_role("button", name="Teilnahme speichern").click()
    until = add_months(training_day, 6)
    expect(page.locator(".bn-notification-banner")).to_contain_text(german_date(until))
    plauen = wait_for(
        lambda: (o := office_named(system, "Sozialberatung Plauen")).qualified_until and o,
        "das Register kennt Kathrins Qualifikation nicht",
    )
    assert plauen.qualified_until == until
    page.goto(system.link("/verwaltung/qualifikationen"))
    for name in (*HELPERS, "Kathrin"):
        expect(page.get_by_role("row", name=re.compile(name))).to_contain_text(german_date(until))
    screenshot(page, "journey7-qualifikationen")

    # Three weeks before the qualification ends: the refresher reminder, and Plauen at risk.
    later = datetime.combine(until - timedelta(days=21), datetime.min.time().replace(hour=10), BERLIN)
    system = journey["system"] = restart_system(system, journey["nats_server"], later, SETTINGS)
    refresher = system.mail(KATHRIN, "Ihre Qualifikation endet am", timeout=60)
    assert german_date(until) in refresher.message["Subject"] and TRAINING_LINK.search(refresher.text)
    state_office = new_context()
    system.sign_in(state_office, ADMIN)
    page = state_office.new_page()
    page.goto(system.link("/lage"))
    expect(page.locator("#qualifikation + ul")).to_contain_text("Sozialberatung Plauen")
    axe_check(page)
    screenshot(page, "journey7-lage")
