"""The register's pages for the state office (issue 16) over a real nats-server, the real registry and notifications
service (in-process) and the gateway app in-process: every page renders with real data; register → check step →
save → edit → status changes with a reason → counsellor and training → supervision → history; every field the
registry's REGISTER_OFFICE / UPDATE_OFFICE take can be set from the form; the board reads only, others see nothing."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest

from services.gateway.domain import register as words
from shared.contracts import registry as r
from tests.web import form_post, signed_in, web_system

ADMIN = "landesbuero@beratungsnetz.example"  # the gateway's admin_address
BOARD = "vorstand@example.org"
NOBODY = "gudrun@example.org"
OFFICE_PATH = re.compile(r"^/register/stellen/([0-9a-f-]{36})$")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    async with web_system(nats_server, broker, tmp_path) as made:
        made.vogtland = await made.ask(r.ADD_DISTRICT, r.AddDistrict(name="Vogtland", state="SN"))
        made.zwickau = await made.ask(r.ADD_DISTRICT, r.AddDistrict(name="Zwickau", state="SN"))
        await made.sessions.grant(BOARD, "vorstand", ADMIN, made.clock.now())
        yield made


def new_office(system, **changes) -> dict:
    form = {
        "name": "Sozialberatung im Wahlkreisbüro Plauen",
        "traeger_art": "abgeordnetenbuero",
        "traeger": "Wahlkreisbüro Jana Beispiel, MdL",
        "kreis": system.vogtland.district_id,
        "status": "aktiv",
        "strasse": "Bahnhofstraße 12",
        "plz": "08523",
        "ort": "Plauen",
        "zugang": "Eingang im Hof, stufenlos",
        "telefon": "03741 123456",
        "email": "plauen@example.org",
        "web": "https://plauen.example.org",
        "sprechzeiten": "dienstags 14–17 Uhr, jeden 1. Montag im Monat 16–18 Uhr",
        "bereiche": ["sgb2", "kdu"],
        "weitere_bereiche": "Schulden",
        "sprachen": "Deutsch, Russisch",
        "berater-1-name": "Anna Beispiel",
        "berater-1-email": "anna@example.org",
        "berater-1-veroeffentlichen": "ja",
        "berater-1-schulung": "Grundkurs SGB II",
        "berater-1-schulung_am": "15.3.2026",
        "berater-2-name": "Bernd Muster",
        "anleitung_name": "RAin Clara Recht",
        "anleitung_seit": "1.2.2026",
        "anleitung_bestaetigt": "ja",
    }
    return form | changes


async def register(system, admin, **changes) -> str:
    form = new_office(system, **changes)
    check = await form_post(admin, "/register/stellen/neu", form)
    assert check.status_code == 200, check.text
    key = re.search(r'name="kennung" value="([^"]+)"', check.text).group(1)
    saved = await form_post(admin, "/register/stellen/neu", form | {"schritt": "speichern", "kennung": key})
    assert saved.status_code == 303, saved.text
    found = OFFICE_PATH.match(saved.headers["location"])
    assert found, saved.headers["location"]
    return found.group(1)


async def test_register_check_edit_status_counsellors_supervision_and_history(system) -> None:
    admin = await signed_in(system, ADMIN)
    listing = await admin.get("/register/stellen")
    assert listing.status_code == 200 and 'href="/register/stellen"' in listing.text  # the header's "Register"
    assert (await admin.get("/register/stellen/neu")).status_code == 200

    # the check step shows the hours as understood, and stores nothing
    check = await form_post(admin, "/register/stellen/neu", new_office(system))
    shown = text_of(check.text)
    assert "dienstags 14–17 Uhr" in shown and "jeden 1. Montag im Monat 16–18 Uhr" in shown
    assert "Gespeichert ist noch nichts" in shown
    assert (await system.ask(r.OFFICES, r.ListQuery())).offices == []

    # hours nobody can read: back to the form with the reason, nothing stored
    wrong = await form_post(admin, "/register/stellen/neu", new_office(system, sprechzeiten="mittwochs irgendwann"))
    assert wrong.status_code == 422 and "nicht verstanden" in text_of(wrong.text)
    assert 'href="#sprechzeiten"' in wrong.text

    office_id = await register(system, admin)
    again = await form_post(admin, "/register/stellen/neu", new_office(system) | {"schritt": "speichern"})
    assert again.status_code == 303  # saved without a key: a second office, as asked
    detail = await admin.get(f"/register/stellen/{office_id}")
    assert detail.status_code == 200, detail.text
    page = text_of(detail.text)
    for expected in (
        "Büro einer/eines Abgeordneten: Wahlkreisbüro Jana Beispiel, MdL",
        "Vogtland (SN)",
        "Bahnhofstraße 12, 08523 Plauen",
        "dienstags 14–17 Uhr; jeden 1. Montag im Monat 16–18 Uhr",
        "SGB II / Bürgergeld, Kosten der Unterkunft, Schulden",
        "Deutsch, Russisch",
        "Anna Beispiel",
        "Grundkurs SGB II, 15. März 2026",
        "RAin Clara Recht",
        "1. Februar 2026",
        "Beratungsstelle eingetragen",
    ):
        assert expected in page, expected
    assert "abgeordnetenbuero" not in page and "woechentlich" not in page and office_id not in page

    # edit: the form is filled with what is stored; new hours are checked, then saved; the history says old → new
    edit = await admin.get(f"/register/stellen/{office_id}/bearbeiten")
    assert edit.status_code == 200 and "dienstags 14–17 Uhr, jeden 1. Montag im Monat 16–18 Uhr" in edit.text
    changed = new_office(system, sprechzeiten="donnerstags 9:30–12 Uhr", ort="Plauen (Vogtl.)")
    check = await form_post(admin, f"/register/stellen/{office_id}/bearbeiten", changed)
    assert check.status_code == 200 and "donnerstags 9:30–12 Uhr" in text_of(check.text)
    saved = await form_post(admin, f"/register/stellen/{office_id}/bearbeiten", changed | {"schritt": "speichern"})
    assert saved.status_code == 303
    stored = await system.ask(r.OFFICE, r.OfficeRef(office_id=office_id))
    assert stored.city == "Plauen (Vogtl.)" and [h.start for h in stored.hours] == ["09:30"]

    # status changes need a reason, which the history keeps
    no_reason = await form_post(admin, f"/register/stellen/{office_id}/status", {"aenderung": "pausieren"})
    assert no_reason.status_code == 422 and "Grund" in text_of(no_reason.text)
    paused = await form_post(
        admin, f"/register/stellen/{office_id}/status", {"aenderung": "pausieren", "grund": "Sommerpause"}
    )
    assert paused.status_code == 303
    assert (await system.ask(r.OFFICE, r.OfficeRef(office_id=office_id))).status == "pausiert"
    back = await form_post(
        admin, f"/register/stellen/{office_id}/status", {"aenderung": "reaktivieren", "grund": "Zurück aus der Pause"}
    )
    assert back.status_code == 303

    # a third counsellor, a training, one removed
    added = await form_post(
        admin,
        f"/register/stellen/{office_id}/beratende/neu",
        {"name": "Cem Yilmaz", "veroeffentlichen": "ja", "kennung": ""},
    )
    assert added.status_code == 303, added.text
    stored = await system.ask(r.OFFICE, r.OfficeRef(office_id=office_id))
    cem = next(c for c in stored.counsellors if c.name == "Cem Yilmaz")
    bernd = next(c for c in stored.counsellors if c.name == "Bernd Muster")
    assert cem.publish_name and not bernd.publish_name
    training_page = await admin.get(f"/register/stellen/{office_id}/beratende/{cem.counsellor_id}/schulung")
    assert training_page.status_code == 200
    trained = await form_post(
        admin,
        f"/register/stellen/{office_id}/beratende/{cem.counsellor_id}/schulung",
        {"schulung": "Auffrischung KdU", "schulung_am": "2.4.2026"},
    )
    assert trained.status_code == 303
    removed = await form_post(admin, f"/register/stellen/{office_id}/beratende/{bernd.counsellor_id}/entfernen", {})
    assert removed.status_code == 303

    # the supervising lawyer changes; then no lawyer; then a new one
    assert (await admin.get(f"/register/stellen/{office_id}/anleitung")).status_code == 200
    lawyer = await form_post(
        admin, f"/register/stellen/{office_id}/anleitung", {"name": "RA Dieter Paragraf", "seit": "2026-05-01"}
    )
    assert lawyer.status_code == 303
    stored = await system.ask(r.OFFICE, r.OfficeRef(office_id=office_id))
    assert stored.supervision.lawyer_name == "RA Dieter Paragraf" and not stored.supervision.qualification_confirmed
    assert stored.supervision.since == date(2026, 5, 1)
    assert [c.name for c in stored.counsellors] == ["Anna Beispiel", "Cem Yilmaz"]
    assert [t.title for t in stored.counsellors[1].trainings] == ["Auffrischung KdU"]

    closed = await form_post(
        admin, f"/register/stellen/{office_id}/status", {"aenderung": "schliessen", "grund": "Büro aufgegeben"}
    )
    assert closed.status_code == 303
    history = text_of((await admin.get(f"/register/stellen/{office_id}")).text).split("Verlauf", 1)[1]
    for line in (
        "Beratungsstelle geschlossen Grund: Büro aufgegeben",
        "Anleitung nach § 6 RDG: RA Dieter Paragraf, seit 1. Mai 2026, Befähigung noch nicht bestätigt",
        "Berater:in entfernt: Bernd Muster",
        "Schulung eingetragen für Cem Yilmaz: Auffrischung KdU am 2. April 2026",
        "Berater:in hinzugefügt: Cem Yilmaz",
        "Beratungsstelle wieder aktiv Grund: Zurück aus der Pause",
        "Beratungsstelle pausiert Grund: Sommerpause",
        "Ort: Plauen → Plauen (Vogtl.)",
        "Sprechzeiten: dienstags 14:00–17:00 Uhr; jeden 1. Montag im Monat 16:00–18:00 Uhr → donnerstags 09:30–12:00 Uhr",
        "Beratungsstelle eingetragen",
    ):
        assert line in history, line
    assert history.count(ADMIN) == 9  # each change once, with who made it
    positions = [
        history.index(f"Beratungsstelle {x}") for x in ("geschlossen", "wieder aktiv", "pausiert", "eingetragen")
    ]
    assert positions == sorted(positions)  # newest first

    # a closed office offers no more changes; the registry refuses them in German
    closed_page = (await admin.get(f"/register/stellen/{office_id}")).text
    assert "/bearbeiten" not in closed_page and 'action="/register/stellen/' + office_id + '/status"' not in closed_page
    refused = await form_post(admin, f"/register/stellen/{office_id}/beratende/neu", {"name": "Zu spät", "kennung": ""})
    assert refused.status_code == 409 and "geschlossen" in text_of(refused.text)


async def test_the_list_searches_and_filters(system) -> None:
    admin = await signed_in(system, ADMIN)
    plauen = await register(system, admin)
    await register(
        system,
        admin,
        name="Beratung Zwickau",
        plz="08056",
        ort="Zwickau",
        kreis=system.zwickau.district_id,
        bereiche=["rente"],
        weitere_bereiche="",
        sprachen="Deutsch, Arabisch",
        anleitung_name="",
        anleitung_seit="",
        **{"berater-1-schulung": "Grundkurs", "berater-1-schulung_am": "1.11.2026"},
    )

    async def names(query: str) -> list[str]:
        got = await admin.get(f"/register/stellen?{query}")
        assert got.status_code == 200, got.text
        return re.findall(r'<a class="bn-link" href="/register/stellen/[0-9a-f-]{36}">([^<]+)</a>', got.text)

    both = ["Sozialberatung im Wahlkreisbüro Plauen", "Beratung Zwickau"]
    assert sorted(await names("")) == sorted(both)
    assert await names("suche=0852") == [both[0]]  # a postcode's start
    assert await names("suche=zwick") == [both[1]]  # a place
    assert await names(f"kreis={system.vogtland.district_id}") == [both[0]]
    assert await names("bereich=rente") == [both[1]]
    assert await names("sprache=Arabisch") == [both[1]]
    assert await names("rdg=ja") == [both[0]]
    assert await names("rdg=nein") == [both[1]]
    assert await names("status=pausiert") == []
    assert await names("auffrischung=1") == [both[0]]  # Plauen's last training is more than half a year ago
    await form_post(admin, f"/register/stellen/{plauen}/status", {"aenderung": "pausieren", "grund": "Umzug"})
    assert await names("status=pausiert") == [both[0]]
    nothing = await admin.get("/register/stellen?suche=Leipzig")
    assert "Keine Beratungsstelle für diese Auswahl" in text_of(nothing.text)


async def test_every_field_the_registry_takes_can_be_set_from_the_form(system) -> None:
    admin = await signed_in(system, ADMIN)
    # the form knows an input for every field of the two commands (a new field fails here until it has one)
    assert set(r.OfficeDetails.model_fields) == set(words.DETAIL_INPUTS)
    assert set(r.RegisterOffice.model_fields) == set(words.DETAIL_INPUTS) | set(words.REGISTER_INPUTS)
    assert set(r.UpdateOffice.model_fields) - {"office_id"} == set(words.DETAIL_INPUTS)
    new_form = (await admin.get("/register/stellen/neu")).text
    for name in [*words.DETAIL_INPUTS.values(), *words.REGISTER_INPUTS.values()]:
        assert f'name="{name}"' in new_form, name

    office_id = await register(system, admin, status="geplant")
    stored = await system.ask(r.OFFICE, r.OfficeRef(office_id=office_id))
    assert (stored.opened_on, stored.closed_on) == (None, None)  # planned: not opened yet
    assert stored.model_dump(
        exclude={"office_id", "counsellors", "supervision", "hours", "opened_on", "closed_on", "qualified_until"}
    ) == {
        "name": "Sozialberatung im Wahlkreisbüro Plauen",
        "operator_kind": "abgeordnetenbuero",
        "operator_name": "Wahlkreisbüro Jana Beispiel, MdL",
        "street": "Bahnhofstraße 12",
        "postcode": "08523",
        "city": "Plauen",
        "access_notes": "Eingang im Hof, stufenlos",
        "phone": "03741 123456",
        "email": "plauen@example.org",
        "web": "https://plauen.example.org",
        "areas": ["sgb2", "kdu", "schulden"],
        "languages": ["Deutsch", "Russisch"],
        "district_id": system.vogtland.district_id,
        "status": "geplant",
    }
    assert [(h.kind, h.weekday, h.nth, h.start, h.end) for h in stored.hours] == [
        ("woechentlich", 1, None, "14:00", "17:00"),
        ("monatlich", 0, 1, "16:00", "18:00"),
    ]
    anna, bernd = stored.counsellors
    assert (anna.name, anna.email, anna.publish_name) == ("Anna Beispiel", "anna@example.org", True)
    assert [(t.on, t.title) for t in anna.trainings] == [(date(2026, 3, 15), "Grundkurs SGB II")]
    assert (bernd.name, bernd.email, bernd.publish_name, bernd.trainings) == ("Bernd Muster", None, False, [])
    assert stored.supervision == r.SupervisionV1(
        lawyer_name="RAin Clara Recht", qualification_confirmed=True, since=date(2026, 2, 1)
    )

    # every detail changed on the edit form, each to another value (also emptied where that is allowed)
    edit_form = (await admin.get(f"/register/stellen/{office_id}/bearbeiten")).text
    for name in words.DETAIL_INPUTS.values():
        assert f'name="{name}"' in edit_form, name
    changed = {
        "name": "Sozialberatung Plauen-Süd",
        "traeger_art": "partnerorganisation",
        "traeger": "Arbeitslosenverband Plauen e. V.",
        "kreis": system.zwickau.district_id,
        "strasse": "Marktstraße 1",
        "plz": "08525",
        "ort": "Plauen-Süd",
        "zugang": "",
        "telefon": "",
        "email": "",
        "web": "",
        "sprechzeiten": "nach Vereinbarung",
        "bereiche": ["energie"],
        "weitere_bereiche": "",
        "sprachen": "Ukrainisch",
        "schritt": "speichern",
    }
    saved = await form_post(admin, f"/register/stellen/{office_id}/bearbeiten", changed)
    assert saved.status_code == 303, saved.text
    after = await system.ask(r.OFFICE, r.OfficeRef(office_id=office_id))
    assert after.model_dump(include=set(r.OfficeDetails.model_fields) - {"hours"}) == {
        "name": "Sozialberatung Plauen-Süd",
        "operator_kind": "partnerorganisation",
        "operator_name": "Arbeitslosenverband Plauen e. V.",
        "street": "Marktstraße 1",
        "postcode": "08525",
        "city": "Plauen-Süd",
        "access_notes": "",
        "phone": "",
        "email": "",
        "web": "",
        "areas": ["energie"],
        "languages": ["Ukrainisch"],
        "district_id": system.zwickau.district_id,
    }
    assert [h.kind for h in after.hours] == ["nach_vereinbarung"]
    emptied = await form_post(admin, f"/register/stellen/{office_id}/bearbeiten", changed | {"kreis": ""})
    assert emptied.status_code == 303
    assert (await system.ask(r.OFFICE, r.OfficeRef(office_id=office_id))).district_id is None


async def test_the_board_reads_and_changes_nothing_others_see_nothing(system) -> None:
    admin = await signed_in(system, ADMIN)
    office_id = await register(system, admin)
    counsellor = (await system.ask(r.OFFICE, r.OfficeRef(office_id=office_id))).counsellors[0].counsellor_id
    board = await signed_in(system, BOARD)
    listing = await board.get("/register/stellen")
    assert listing.status_code == 200 and "/register/stellen/neu" not in listing.text
    detail = await board.get(f"/register/stellen/{office_id}")
    assert detail.status_code == 200 and "Anna Beispiel" in detail.text
    assert "<form" not in detail.text.split("<main", 1)[1] and "/bearbeiten" not in detail.text
    posts = {
        "/register/stellen/neu": new_office(system),
        f"/register/stellen/{office_id}/bearbeiten": new_office(system),
        f"/register/stellen/{office_id}/status": {"aenderung": "pausieren", "grund": "x"},
        f"/register/stellen/{office_id}/beratende/neu": {"name": "X"},
        f"/register/stellen/{office_id}/beratende/{counsellor}/entfernen": {},
        f"/register/stellen/{office_id}/beratende/{counsellor}/schulung": {"schulung": "X", "schulung_am": "1.1.2026"},
        f"/register/stellen/{office_id}/anleitung": {"name": "X", "seit": "1.1.2026"},
    }
    for path, data in posts.items():
        refused = await form_post(board, path, data)
        assert refused.status_code == 403, path
        assert "Landesgeschäftsstelle vorbehalten" in text_of(refused.text)
    for path in ("/register/stellen/neu", f"/register/stellen/{office_id}/bearbeiten"):
        assert (await board.get(path)).status_code == 403
    stored = await system.ask(r.OFFICE, r.OfficeRef(office_id=office_id))
    assert stored.status == "aktiv" and len(stored.counsellors) == 2

    nobody = await signed_in(system, NOBODY)
    for path in ("/register/stellen", f"/register/stellen/{office_id}", "/register/stellen/neu"):
        assert (await nobody.get(path)).status_code == 403, path
    assert 'href="/register/stellen"' not in (await nobody.get("/aufgaben")).text
    assert (
        await form_post(nobody, f"/register/stellen/{office_id}/status", {"aenderung": "pausieren"})
    ).status_code == 403
    anonymous = await system.http.get("/register/stellen")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/anmelden")
    missing = await admin.get("/register/stellen/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and "gibt es nicht" in text_of(missing.text)
    assert (await admin.get("/register/stellen/kein-stelle")).status_code == 404


async def test_the_register_links_to_import_coverage_and_the_public_directory(system) -> None:
    admin = await signed_in(system, ADMIN)
    listing = (await admin.get("/register/stellen")).text
    assert 'href="/register/import"' in listing and 'href="/register/abdeckung"' in listing
    board_listing = (await (await signed_in(system, BOARD)).get("/register/stellen")).text
    assert 'href="/register/abdeckung"' in board_listing and 'href="/register/import"' not in board_listing

    # coverage links a district without an office to the form with that district chosen
    chosen = (await admin.get(f"/register/stellen/neu?kreis={system.zwickau.district_id}")).text
    assert f'<option value="{system.zwickau.district_id}" selected>Zwickau (SN)</option>' in chosen
    assert f'<option value="{system.vogtland.district_id}">Vogtland (SN)</option>' in chosen
    for unknown in ("nicht-da", "x" * 500):  # an unknown district: the form as always, nothing chosen
        plain = await admin.get(f"/register/stellen/neu?kreis={unknown}")
        assert plain.status_code == 200 and '<option value="" selected>keinem zugeordnet</option>' in plain.text

    # an office in the directory links to its public page; a planned or closed one does not
    office_id = await register(system, admin)
    public_link = f'href="/verzeichnis/{office_id}"'
    assert public_link in (await admin.get(f"/register/stellen/{office_id}")).text
    assert (await system.http.get(f"/verzeichnis/{office_id}")).status_code == 200  # the link leads somewhere
    planned = await register(system, admin, status="geplant", name="Geplante Stelle")
    assert "/verzeichnis/" not in (await admin.get(f"/register/stellen/{planned}")).text
    await form_post(admin, f"/register/stellen/{office_id}/status", {"aenderung": "schliessen", "grund": "Umzug"})
    assert public_link not in (await admin.get(f"/register/stellen/{office_id}")).text
