"""The office list import pages (issue 16) over a real nats-server, the real registry and notifications services
(in-process) and the gateway app in-process: a dry run lists every new, changed, unchanged and faulty row with its
line; "Übernehmen" applies it and links each office; an .xlsx and a .csv with the same rows give the same register;
a large file shows the registry's real progress ("x von y Zeilen") while it runs."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date
from html import unescape

import pytest
from openpyxl import Workbook

from shared.contracts import registry as r
from tests.web import form_post, form_token, signed_in, web_system

ADMIN = "landesbuero@beratungsnetz.example"
HEAD = ["Name", "Trägerart", "Träger", "Straße", "PLZ", "Ort", "Zugang", "Sprechzeiten", "Beratungsfelder",
        "Sprachen", "RDG-Anleitung", "RDG-seit", "RDG-bestätigt"]  # fmt: skip
ROWS = [
    ["Sozialberatung Plauen", "kreisverband", "KV Vogtland", "Marktstraße 1", "08523", "Plauen",
     "barrierefrei\nEingang hinten", "dienstags 14–17 Uhr\njeden 1. Montag im Monat 16–18 Uhr", "Bürgergeld; KdU",
     "Deutsch; Russisch", "RA Dr. Weber", "01.03.2024", "ja"],
    ["Beratung Zwickau", "abgeordnetenbuero", "Wahlkreisbüro Zwickau", "Hauptmarkt 7", "08056", "Zwickau", "",
     "mittwochs 15–18 Uhr", "Rente", "Deutsch", "", "", ""],
]  # fmt: skip


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def csv_of(head: list[str], rows: list[list[str]]) -> bytes:
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in ';"\n') else value

    return ("\n".join(";".join(cell(v) for v in row) for row in [head, *rows]) + "\n").encode()


def xlsx_of(head: list[str], rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def upload(http, name: str, data: bytes, media: str = "text/csv"):
    token = (await http.get("/register/import")).text
    return await http.post(
        "/register/import",
        data={"csrf_token": form_token(token)},
        files={"datei": (name, data, media)},
        headers={"Origin": "http://gateway"},
    )


async def finish(http, location: str, seen: list[str] | None = None, timeout: float = 90) -> str:
    """The job page, fetched again while it asks to be (header Refresh) until the job is done."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        got = await http.get(location)
        assert got.status_code == 200, got.text
        if "refresh" not in got.headers:
            return got.text
        if seen is not None:
            seen.append(got.text)
        assert asyncio.get_running_loop().time() < deadline, "Import nicht rechtzeitig fertig"
        await asyncio.sleep(0.02)


async def dry_run_and_apply(http, name: str, data: bytes, media: str) -> tuple[str, str]:
    started = await upload(http, name, data, media)
    assert started.status_code == 303, started.text
    dry = await finish(http, started.headers["location"])
    applied = await form_post(http, started.headers["location"] + "/uebernehmen", {})
    assert applied.status_code == 303
    return dry, await finish(http, applied.headers["location"])


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    async with web_system(nats_server, broker, tmp_path) as made:
        yield made


async def test_dry_run_lists_every_row_then_apply_links_each_office(system):
    admin = await signed_in(system, ADMIN)
    await dry_run_and_apply(admin, "liste.csv", csv_of(HEAD, ROWS), "text/csv")
    changed = [row[:] for row in ROWS]
    changed[1][7] = "donnerstags 10–12 Uhr"
    faulty = ["Kaputt", "kreisverband", "KV", "Weg 1", "4107", "Chemnitz", "", "", "", "", "", "", ""]
    new = ["Neue Stelle Aue", "parteibuero", "Partei Aue", "Markt 2", "08280", "Aue", "", "", "", "", "", "", ""]
    later = csv_of(HEAD, [changed[0], changed[1], faulty, new])

    started = await upload(admin, "liste.csv", later)
    dry = text_of(await finish(admin, started.headers["location"]))
    assert "Probelauf" in dry and "Neu anzulegen 1" in dry and "Zu ändern 1" in dry and "Unverändert 1" in dry
    # a CSV line number is the line a row starts on (the first row's cells span lines 2 to 4)
    assert "Fehlerhafte Zeilen Zeile Grund 6 Postleitzahl „4107“ ist ungültig" in dry
    assert "Würden neu angelegt (1) Zeile Beratungsstelle 7 Neue Stelle Aue" in dry
    assert "Würden geändert (1) Zeile Beratungsstelle Was sich ändert 5 Beratung Zwickau Sprechzeiten" in dry
    assert "Unverändert (1) Zeile Beratungsstelle 2 Sozialberatung Plauen" in dry
    offices = {o.name: o for o in (await system.ask(r.OFFICES, r.ListQuery())).offices}
    assert "Neue Stelle Aue" not in offices  # a dry run stores nothing
    assert offices["Beratung Zwickau"].hours[0].weekday == 2

    applied = await form_post(admin, started.headers["location"] + "/uebernehmen", {})
    again = await form_post(admin, started.headers["location"] + "/uebernehmen", {})  # pressed twice: once only
    assert again.headers["location"] == applied.headers["location"]
    result = await finish(admin, applied.headers["location"])
    offices = {o.name: o for o in (await system.ask(r.OFFICES, r.ListQuery())).offices}
    assert "Neu angelegt 1" in text_of(result) and "Geändert 1" in text_of(result)
    for name in ("Neue Stelle Aue", "Beratung Zwickau", "Sozialberatung Plauen"):
        assert f'href="/register/stellen/{offices[name].office_id}">{name}</a>' in result
    assert offices["Beratung Zwickau"].hours[0].weekday == 3


async def test_a_wrong_file_is_a_german_error_and_others_may_not(system):
    admin = await signed_in(system, ADMIN)
    wrong = await upload(admin, "liste.xls", b"\xd0\xcf\x11\xe0 altes Excel", "application/vnd.ms-excel")
    assert wrong.status_code == 422 and "alte Excel-Format" in text_of(wrong.text)
    broken = await upload(admin, "liste.xlsx", b"PK\x03\x04 kaputt", "application/octet-stream")
    assert broken.status_code == 422 and "nicht als Excel-Tabelle" in text_of(broken.text)
    missing = await upload(admin, "liste.csv", b"Name;Ort\nA;B\n")
    page = text_of(await finish(admin, missing.headers["location"]))
    assert "Pflichtspalten fehlen: Trägerart, Träger, Straße, PLZ" in page
    nobody = await signed_in(system, "kathrin@example.org")
    assert (await nobody.get("/register/import")).status_code == 403
    assert (await system.http.get("/register/import")).status_code == 303  # not signed in: to /anmelden
    assert (await admin.get("/register/import/gibtesnicht")).status_code == 404


def register_of(offices: r.Offices) -> list[dict]:
    return sorted((o.model_dump(exclude={"office_id"}) for o in offices.offices), key=lambda o: o["name"])


async def test_xlsx_and_csv_with_the_same_rows_give_the_same_register(nats_server, broker, tmp_path):
    sheet_rows: list[list[object]] = [row[:] for row in ROWS]
    sheet_rows[0][4] = 8523  # Excel keeps a postcode as a number without its leading zero
    sheet_rows[0][11] = date(2024, 3, 1)  # and a date as a date
    registers = []
    for kind, data, media in (
        ("csv", csv_of(HEAD, ROWS), "text/csv"),
        ("xlsx", xlsx_of(HEAD, sheet_rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ):
        (tmp_path / kind).mkdir()
        async with web_system(nats_server, broker, tmp_path / kind) as system:
            admin = await signed_in(system, ADMIN)
            dry, applied = await dry_run_and_apply(admin, f"liste.{kind}", data, media)
            assert "Neu angelegt 2" in text_of(applied), text_of(applied)
            registers.append(register_of(await system.ask(r.OFFICES, r.ListQuery())))
    assert registers[0] == registers[1]
    plauen = registers[0][1]
    assert plauen["postcode"] == "08523" and plauen["access_notes"] == "barrierefrei\nEingang hinten"
    assert [(h["kind"], h["weekday"]) for h in plauen["hours"]] == [("woechentlich", 1), ("monatlich", 0)]
    assert plauen["supervision"]["since"] == date(2024, 3, 1) and plauen["supervision"]["qualification_confirmed"]


@pytest.mark.timeout(300)  # 1,200 offices and their events; two workers on two cores make it slow at times
async def test_a_large_file_shows_the_registrys_progress_while_it_runs(system):
    admin = await signed_in(system, ADMIN)
    rows = [
        [f"Beratungsstelle {i:04d}", "kreisverband", "KV", f"Weg {i}", f"{10000 + i:05d}", "Ort", "", "", "", "", "",
         "", ""]
        for i in range(1200)
    ]  # fmt: skip
    started = await upload(admin, "gross.xlsx", xlsx_of(HEAD, rows), "application/octet-stream")
    await finish(admin, started.headers["location"])
    applied = await form_post(admin, started.headers["location"] + "/uebernehmen", {})
    seen: list[str] = []
    result = await finish(admin, applied.headers["location"], seen)
    counts = [tuple(map(int, m)) for page in seen for m in re.findall(r"(\d+) von (\d+) Zeilen", text_of(page))]
    assert any(0 < done < total == 1200 for done, total in counts), counts
    assert any('<progress class="bn-progress" max="1200" value="' in page for page in seen)
    assert "Neu angelegt 1200" in text_of(result)
    assert len((await system.ask(r.OFFICES, r.ListQuery())).offices) == 1200
