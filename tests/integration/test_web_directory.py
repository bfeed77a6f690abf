"""The public directory's pages (issue 16) over a real nats-server and the real registry (in-process), the gateway
app in-process: search by postcode and by area, filters, an office's page with its calendar, the embeddable variant
with its own frame policy (every other page keeps `frame-ancestors 'none'`), the A4 print list per district, no
counsellor's name without consent; the existing formats still come from the same cached document."""

from __future__ import annotations

import asyncio
import json
import re
from html import unescape

import pytest

from services.gateway.domain import directory as d
from shared.contracts import registry as r
from tests.web import web_system


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def accessible(html: str) -> None:
    """Every input has its label; every table a caption; one h1."""
    for found in re.findall(r'<(?:input|textarea|select)[^>]*\bid="([^"]+)"', html):
        assert f'for="{found}"' in html, found
    assert html.count("<table") == html.count("<caption")
    assert html.count("<h1") == 1


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    async with web_system(nats_server, broker, tmp_path, services=("registry",)) as made:
        vogtland = await made.ask(r.ADD_DISTRICT, r.AddDistrict(name="Vogtland", state="SN"))
        leipzig = await made.ask(r.ADD_DISTRICT, r.AddDistrict(name="Leipzig", state="SN"))
        offices = {}
        for details in (
            dict(
                name="Sozialberatung Plauen",
                street="Bahnhofstraße 12",
                postcode="08523",
                city="Plauen",
                district_id=vogtland.district_id,
                hours=["dienstags 14–17 Uhr", "jeden letzten Freitag im Monat 15–18 Uhr"],
                areas=["Bürgergeld", "Miete"],
                languages=["Deutsch", "Russisch"],
                access_notes="Eingang stufenlos über den Hof, Klingel „Sozialberatung“",
                phone="03741 555010",
                counsellors=[
                    r.CounsellorInput(name="Anna Öffentlich", publish_name=True),
                    r.CounsellorInput(name="Bernd Privat", publish_name=False),
                ],
            ),
            dict(
                name="Sprechstunde Reichenbach",
                street="Markt 3",
                postcode="08468",
                city="Reichenbach im Vogtland",
                district_id=vogtland.district_id,
                hours=["jeden 1. Montag im Monat 16–18 Uhr"],
                areas=["Rente"],
                access_notes="Nicht barrierefrei, 12 Stufen",
            ),
            dict(
                name="Sozialberatung Leipzig-Connewitz",
                street="Braustraße 3",
                postcode="04107",
                city="Leipzig",
                district_id=leipzig.district_id,
                hours=["nach Vereinbarung"],
                areas=["Aufenthaltsrecht", "Energiearmut"],
                languages=["Deutsch", "Arabisch"],
            ),
        ):
            counsellors = details.pop("counsellors", [])
            office = await made.ask(
                r.REGISTER_OFFICE,
                r.RegisterOffice(
                    operator_kind="kreisverband", operator_name="DIE LINKE", counsellors=counsellors, **details
                ),
            )
            offices[office.city] = office.office_id
        made.offices = offices  # type: ignore[attr-defined]
        yield made


async def test_search_by_postcode_and_by_area_finds_the_office(system) -> None:
    http = system.http
    page = await http.get("/verzeichnis", params={"ort": "08523"})
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "1 Beratungsstelle gefunden" in shown and "Sozialberatung Plauen" in shown
    assert "Reichenbach" not in shown and "Leipzig-Connewitz" not in shown
    assert f'href="/verzeichnis/{system.offices["Plauen"]}?zurueck=ort%3D08523"' in page.text
    accessible(page.text)

    by_area = text_of((await http.get("/verzeichnis", params={"feld": "aufenthalt"})).text)
    assert "1 Beratungsstelle gefunden" in by_area and "Sozialberatung Leipzig-Connewitz" in by_area
    # The areas are offered by their German names, the language by what the offices speak.
    everything = (await http.get("/verzeichnis")).text
    assert "3 Beratungsstellen gefunden" in text_of(everything)
    for label in ("SGB II / Bürgergeld", "Kosten der Unterkunft", "Rente / Senior:innen", "Energiearmut"):
        assert label in unescape(everything), label
    assert '<option value="Arabisch">Arabisch</option>' in everything

    nearby = text_of((await http.get("/verzeichnis", params={"ort": "08525"})).text)
    assert "In der Postleitzahl 08525 gibt es keine Beratungsstelle" in nearby and "Sozialberatung Plauen" in nearby
    none = text_of((await http.get("/verzeichnis", params={"ort": "Dresden"})).text)
    assert "Keine Beratungsstelle gefunden" in none


async def test_filters_for_language_access_place_and_today(system) -> None:
    http = system.http

    async def found(**params) -> set[str]:
        page = await http.get("/verzeichnis", params=params)
        assert page.status_code == 200
        return set(re.findall(r'href="/verzeichnis/[^"?]+[^>]*>([^<]+)</a></h3>', page.text))

    assert await found(sprache="Arabisch") == {"Sozialberatung Leipzig-Connewitz"}
    assert await found(barrierefrei="ja") == {"Sozialberatung Plauen"}
    assert await found(ort="Vogtland") == {"Sozialberatung Plauen", "Sprechstunde Reichenbach"}
    assert await found(ort="vogtland", feld=["rente", "aufenthalt"]) == {"Sprechstunde Reichenbach"}
    # The test clock starts on a Sunday at 10:00 Berlin time, or whatever day BERATUNGSNETZ_TEST_TODAY names:
    # "heute geöffnet" is whatever the domain says for that instant.
    now = system.clock.now()
    index = d.offices_from(json.loads((await system.ask(r.DIRECTORY, r.DirectoryQuery(format="index"))).content))
    expected = {o.name for o in index if d.today(o, now).open_today}
    assert await found(heute="ja") == expected
    # Nonsense in the query is no error: a page number that is none shows the first page.
    assert (await http.get("/verzeichnis", params={"seite": "zwei", "ort": "x" * 150})).status_code == 200


async def test_the_office_page_shows_hours_directions_contact_and_only_consented_names(system) -> None:
    office_id = system.offices["Plauen"]
    page = await system.http.get(f"/verzeichnis/{office_id}", params={"zurueck": "ort=08523&boese=1"})
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "<h1" in page.text and "Sozialberatung Plauen</h1>" in page.text
    for expected in (
        "Dienstags 14:00–17:00 Uhr",
        "Jeden letzten Freitag im Monat 15:00–18:00 Uhr",
        "Bahnhofstraße 12, 08523 Plauen",
        "Eingang stufenlos über den Hof",
        "03741 555010",
        "SGB II / Bürgergeld, Kosten der Unterkunft",
        "Deutsch, Russisch",
        "Anna Öffentlich",
        "Die nächsten Termine",
    ):
        assert expected in shown, expected
    assert "Bernd Privat" not in page.text
    assert 'href="/verzeichnis?ort=08523"' in page.text  # back to the search, nothing else rides along
    assert f'href="/verzeichnis/{office_id}.ics"' in page.text
    accessible(page.text)

    calendar = await system.http.get(f"/verzeichnis/{office_id}.ics")
    assert calendar.status_code == 200 and calendar.headers["content-type"].startswith("text/calendar")
    assert "RRULE:FREQ=WEEKLY;BYDAY=TU" in calendar.text and "RRULE:FREQ=MONTHLY;BYDAY=-1FR" in calendar.text
    assert "Reichenbach" not in calendar.text

    missing = await system.http.get("/verzeichnis/gibt-es-nicht")
    assert missing.status_code == 404 and "nicht (mehr) im Verzeichnis" in text_of(missing.text)
    assert (await system.http.get("/verzeichnis/gibt-es-nicht.ics")).status_code == 404
    # Nobody's name without consent in any format either.
    for path in ("/verzeichnis.json", "/verzeichnis.csv", "/verzeichnis.html", "/hsds/services", "/verzeichnis/druck"):
        got = await system.http.get(path)
        assert got.status_code == 200 and "Bernd Privat" not in got.text, path


async def test_only_the_embed_may_be_framed_and_it_has_no_navigation(system) -> None:
    embed = await system.http.get("/verzeichnis/einbetten", params={"ort": "08523"})
    assert embed.status_code == 200
    policy = embed.headers["content-security-policy"]
    assert "frame-ancestors *" in policy and "default-src 'self'" in policy and "x-frame-options" not in embed.headers
    assert "<nav" not in embed.text and "bn-header" not in embed.text and "bn-footer" not in embed.text
    assert "Sozialberatung Plauen" in embed.text and 'action="/verzeichnis/einbetten"' in embed.text
    office = await system.http.get(f"/verzeichnis/einbetten/{system.offices['Plauen']}")
    assert office.status_code == 200 and "frame-ancestors *" in office.headers["content-security-policy"]
    assert "bn-header" not in office.text and 'href="/verzeichnis/einbetten"' in office.text
    accessible(embed.text)
    accessible(office.text)
    for path in ("/verzeichnis", f"/verzeichnis/{system.offices['Plauen']}", "/verzeichnis/druck", "/", "/anmelden"):
        other = await system.http.get(path)
        assert "frame-ancestors 'none'" in other.headers["content-security-policy"], path
        assert other.headers["x-frame-options"] == "DENY", path
    # A path merely beginning alike is no embed.
    assert (
        "frame-ancestors 'none'"
        in (await system.http.get("/verzeichnis/einbettenx")).headers["content-security-policy"]
    )


async def test_the_frame_policy_of_the_embed_is_a_setting(nats_server, broker, tmp_path) -> None:
    allowed = "https://www.example.org https://kv.example.org"
    async with web_system(nats_server, broker, tmp_path, services=("registry",), embed_frame_ancestors=allowed) as s:
        embed = await s.http.get("/verzeichnis/einbetten")
        assert f"frame-ancestors {allowed};" in embed.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in (await s.http.get("/verzeichnis")).headers["content-security-policy"]
    from services.gateway.config import GatewaySettings

    with pytest.raises(ValueError, match="EMBED_FRAME_ANCESTORS"):
        GatewaySettings(embed_frame_ancestors="https://x.example; script-src *")


async def test_the_print_list_has_one_district_per_page(system) -> None:
    everything = await system.http.get("/verzeichnis/druck")
    assert everything.status_code == 200
    assert everything.text.count('class="bn-print-district"') == 2
    shown = text_of(everything.text)
    assert shown.index("Kreisverband Leipzig") < shown.index("Kreisverband Vogtland")
    accessible(everything.text)
    one = await system.http.get("/verzeichnis/druck", params={"kreis": "vogtland"})
    assert one.status_code == 200 and one.text.count('class="bn-print-district"') == 1
    shown = text_of(one.text)
    assert "Sozialberatung Plauen" in shown and "Sprechstunde Reichenbach" in shown and "Connewitz" not in shown
    assert "dienstags 14:00–17:00 Uhr" in shown and "Anna Öffentlich" not in shown  # the list names no one
    unknown = await system.http.get("/verzeichnis/druck", params={"kreis": "Atlantis"})
    assert unknown.status_code == 404 and "Einen Kreisverband „Atlantis“ gibt es im Verzeichnis nicht" in unknown.text
    css = (await system.http.get("/statisch/druck.css")).text
    assert "size: A4" in css and ".bn-print-district + .bn-print-district { break-before: page" in css


async def test_a_change_in_the_register_shows_within_a_second_and_the_formats_still_come(system) -> None:
    http = system.http
    before = await http.get("/verzeichnis", params={"ort": "Zwickau"})
    assert "Keine Beratungsstelle gefunden" in text_of(before.text)
    await system.ask(
        r.REGISTER_OFFICE,
        r.RegisterOffice(
            name="Wahlkreisbüro Zwickau",
            operator_kind="abgeordnetenbuero",
            operator_name="MdL",
            street="Hauptmarkt 7",
            postcode="08056",
            city="Zwickau",
            hours=["dienstags 14–17 Uhr"],
            areas=["Energiearmut"],
        ),
    )
    # The gateway holds the index for DIRECTORY_MAX_AGE (1 second by default), then asks the registry again.
    deadline = asyncio.get_running_loop().time() + 5
    while "Wahlkreisbüro Zwickau" not in text_of((await http.get("/verzeichnis", params={"ort": "08056"})).text):
        assert asyncio.get_running_loop().time() < deadline, "die neue Beratungsstelle erscheint nicht"
        await asyncio.sleep(0.1)
    for path, marker in (
        ("/verzeichnis.json", '"anzahl_gesamt": 4'),
        ("/verzeichnis.csv", "Hauptmarkt 7"),
        ("/verzeichnis.ics", "RRULE:FREQ=WEEKLY;BYDAY=TU"),
        ("/verzeichnis.html", "Wahlkreisbüro Zwickau"),
        ("/hsds/services", '"contents": ['),
    ):
        got = await http.get(path)
        assert got.status_code == 200 and marker in got.text, path
        assert (await http.get(path, headers={"if-none-match": got.headers["etag"]})).status_code == 304, path


async def test_a_register_larger_than_one_index_page_is_searched_whole(system) -> None:
    """The index comes in pages of 500 offices (one NATS message each); the gateway searches all of them."""
    header = "Name;Trägerart;Träger;Straße;PLZ;Ort;Telefon;Sprechzeiten;Beratungsfelder\n"
    rows = "".join(
        f"Beratung Massen {i};Kreisverband;DIE LINKE;Weg {i};{10000 + i:05d};Massenstadt;0341 {5550000 + i};"
        "dienstags 14–17 Uhr;Bürgergeld\n"
        for i in range(520)
    )
    report = await system.ask(r.IMPORT_OFFICES, r.ImportOffices(csv=header + rows))
    assert report.created == 520 and not report.errors
    index = await system.ask(r.DIRECTORY, r.DirectoryQuery(format="index", per_page=r.DIRECTORY_PAGE_MAX))
    assert json.loads(index.content)["seiten"] == 2
    deadline = asyncio.get_running_loop().time() + 5
    while "Beratung Massen 519" not in (page := await system.http.get("/verzeichnis", params={"ort": "10519"})).text:
        assert asyncio.get_running_loop().time() < deadline, "das Amt auf Seite 2 des Index fehlt"
        await asyncio.sleep(0.1)
    assert "1 Beratungsstelle gefunden" in text_of(page.text)
    everything = text_of((await system.http.get("/verzeichnis")).text)
    assert "523 Beratungsstellen gefunden, Seite 1 von 27" in everything
