"""Journey 1 (register) over a real nats-server with the registry as its own process."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta
from pathlib import Path

import httpx
import icalendar
import pytest
from nats.js.api import ConsumerConfig, DeliverPolicy

from services.gateway.bootstrap import bootstrap as gateway
from services.gateway.config import GatewaySettings
from shared.contracts import registry as c
from shared.messaging.rpc import request
from tests.e2e.processes import start_service, stop, wait_healthy
from tests.support import test_clock
from tests.unit.registry.test_formats import page_validator, problems, validator

pytestmark = pytest.mark.e2e

STATE_LIST = """Name;Trägerart;Träger;Straße;PLZ;Ort;Telefon;Sprechzeiten;Beratungsfelder;Kreisverband;RDG-Anleitung;RDG-seit;RDG-bestätigt
Sozialberatung Plauen;Kreisverband;DIE LINKE Vogtland;Rähnisstraße 1;08523;Plauen;03741 555010;dienstags 14–17 Uhr;Bürgergeld;Vogtland;RA M. Beispiel;01.03.2025;ja
Sozialberatung Leipzig;Kreisverband;DIE LINKE Leipzig;Braustraße 3;04107;Leipzig;0341 5550101;donnerstags 10–13 Uhr;Bürgergeld, Aufenthaltsrecht;Leipzig;;;
Sozialberatung Kaputt;Kreisverband;DIE LINKE Leipzig;Weg 1;4107;Leipzig;;;;Leipzig;;;
"""


@pytest.fixture
async def system(nats_server, broker, tmp_path: Path):
    process = start_service("registry", nats_server.url, tmp_path)
    await broker.connect()
    try:
        await wait_healthy(broker, "registry", process)
        yield broker
    finally:
        stop(process)


async def ask(broker, spec, payload):
    reply = await request(broker, spec, payload, timeout=10, actor="landesbuero")
    assert reply.ok, reply.error
    return reply.data


async def stream_events(broker) -> list[tuple[str, dict]]:
    """Every event on the registry stream from the start, as a new consumer replaying it sees them."""
    js = broker.connection.jetstream()
    total = (await js.stream_info("REGISTRY")).state.messages
    sub = await js.pull_subscribe(
        "registry.>", stream="REGISTRY", config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL)
    )
    found = []
    while len(found) < total:
        found += await sub.fetch(min(100, total - len(found)), timeout=5)
    await sub.unsubscribe()
    return [(m.subject, json.loads(m.data)) for m in found]


def replay(events: list[tuple[str, dict]]) -> tuple[dict, dict]:
    """A consumer's replica of groups and offices, built from events alone."""
    groups, offices = {}, {}
    for subject, envelope in events:
        payload = envelope["payload"]
        if ".group." in subject:
            snapshot = c.GroupSnapshot.model_validate(payload)
            groups[snapshot.group_id] = snapshot
            for merged in payload.get("merged_group_ids", []):
                groups[merged] = groups[merged].model_copy(
                    update={"status": "zusammengelegt", "merged_into": snapshot.group_id}
                )
        elif "office" in payload:
            snapshot = c.OfficeSnapshot.model_validate(payload["office"])
            offices[snapshot.office_id] = snapshot
    return groups, offices


async def test_journey_register(system) -> None:
    broker = system
    districts = {}
    for name in ("Vogtland", "Leipzig", "Zwickau", "Chemnitz"):
        districts[name] = (await ask(broker, c.ADD_DISTRICT, c.AddDistrict(name=name, state="SN"))).district_id
    vogtland = await ask(
        broker,
        c.FORM_GROUP,
        c.FormGroup(
            name="Vogtland",
            state="SN",
            district_ids=[districts["Vogtland"]],
            coordinator=c.Coordinator(name="Kathrin", email="kathrin@example.org"),
        ),
    )
    chemnitz = await ask(
        broker, c.FORM_GROUP, c.FormGroup(name="Chemnitz", state="SN", district_ids=[districts["Chemnitz"]])
    )
    await ask(broker, c.RENAME_GROUP, c.RenameGroup(group_id=vogtland.group_id, name="Vogtland/Plauen"))

    # 1. Import the state's office list, with progress, one broken row reported with its line.
    inbox = broker.connection.new_inbox()
    progress_sub = await broker.connection.subscribe(inbox)
    report = await ask(broker, c.IMPORT_OFFICES, c.ImportOffices(csv=STATE_LIST, progress_subject=inbox))
    assert (report.created, report.rows) == (2, 3)
    assert [(e.line, "Postleitzahl „4107“" in e.reason) for e in report.errors] == [(4, True)]
    progress = c.ImportProgress.model_validate_json((await progress_sub.next_msg(timeout=5)).data)
    assert (progress.done, progress.total) == (2, 2)

    # 2. A new office in an MP's constituency office, with hours, areas, counsellors and the lawyer.
    new = await ask(
        broker,
        c.REGISTER_OFFICE,
        c.RegisterOffice(
            name="Sozialsprechstunde im Wahlkreisbüro Zwickau",
            operator_kind="abgeordnetenbuero",
            operator_name="Wahlkreisbüro MdL Zwickau",
            street="Hauptmarkt 7",
            postcode="08056",
            city="Zwickau",
            access_notes="barrierefrei",
            phone="0375 5550107",
            email="wkb-zwickau@example.org",
            hours=["mittwochs 15–18 Uhr", "jeden 1. Montag im Monat 16–18 Uhr"],
            areas=["Bürgergeld", "Energiearmut"],
            languages=["Deutsch"],
            district_id=districts["Zwickau"],
            counsellors=[
                c.CounsellorInput(
                    name="Anna Öffentlich",
                    publish_name=True,
                    trainings=[c.TrainingV1(on=test_clock().today() - timedelta(days=60), title="Auffrischung")],
                ),
                c.CounsellorInput(name="Bernd Privat"),
            ],
            supervision=c.SupervisionV1(
                lawyer_name="RA K. Muster", qualification_confirmed=True, since=date(2026, 10, 1)
            ),
        ),
    )
    assert new.hours[0].text == "mittwochs 15:00–18:00 Uhr" and new.areas == ["sgb2", "energie"]

    # Bad input gets a typed error with a German message, and changes nothing.
    bad = await request(
        broker,
        c.REGISTER_OFFICE,
        c.RegisterOffice(
            name="X",
            operator_kind="kreisverband",
            operator_name="Y",
            street="Z",
            postcode="08056",
            city="Q",
            phone="12",
        ),
        timeout=10,
    )
    assert not bad.ok and bad.error.code == "ungueltige_eingabe" and "Telefon" in bad.error.fields
    # What the contract forbids (a postcode of one digit) the service refuses before its rules, in German too.
    malformed = await request(
        broker,
        c.REGISTER_OFFICE,
        c.RegisterOffice.model_construct(
            name="X", operator_kind="kreisverband", operator_name="Y", street="Z", postcode="1", city="Q"
        ),
        timeout=10,
    )
    assert (
        malformed.error.code == "ungueltige_anfrage"
        and malformed.error.fields["postcode"] == "Bitte eine Postleitzahl aus fünf Ziffern angeben."
    )

    # 3. The public directory in every format.
    docs = {
        f: await ask(broker, c.DIRECTORY, c.DirectoryQuery(format=f)) for f in ("html", "json", "csv", "hsds", "ics")
    }
    docs["organizations"] = await ask(broker, c.DIRECTORY, c.DirectoryQuery(format="hsds", hsds="organizations"))
    assert "Wahlkreisbüro Zwickau" in docs["html"].content and docs["html"].media_type.startswith("text/html")
    assert "Anna Öffentlich" in docs["html"].content and "Bernd Privat" not in docs["html"].content
    listed = json.loads(docs["json"].content)["beratungsstellen"]
    assert sorted(o["adresse"]["ort"] for o in listed) == ["Leipzig", "Plauen", "Zwickau"]
    assert docs["csv"].content.count("\r\n") == 4
    calendar = icalendar.Calendar.from_ical(docs["ics"].content)
    assert len(calendar.walk("VEVENT")) == 4  # Plauen 1, Leipzig 1, Zwickau 2

    # 4. Coverage: Chemnitz has no office; Leipzig lacks supervision and trained counsellors.
    coverage = await ask(broker, c.COVERAGE, c.CoverageQuery(state="SN"))
    kinds = {(f.kind, f.name) for f in coverage.findings}
    assert ("kreis_ohne_stelle", "Chemnitz") in kinds
    assert ("ohne_rdg_aufsicht", "Sozialberatung Leipzig") in kinds and (
        "ohne_schulung",
        "Sozialberatung Leipzig",
    ) in kinds
    zwickau = {(f.kind, f.detail) for f in coverage.findings if f.name.endswith("Zwickau")}
    assert zwickau == {("ohne_schulung", "Bernd Privat")}  # supervised, with hours; one counsellor untrained
    assert "Abdeckungsbericht" in coverage.text

    # More changes, so the replay has renames, merges and office changes to get right.
    await ask(broker, c.MERGE_GROUPS, c.MergeGroups(into_group_id=vogtland.group_id, group_ids=[chemnitz.group_id]))
    await ask(broker, c.PAUSE_OFFICE, c.OfficeRef(office_id=new.office_id))
    await ask(broker, c.PAUSE_OFFICE, c.OfficeRef(office_id=new.office_id))  # no change: no event

    # 5. Every change emitted exactly one event, and a replay rebuilds what the registry holds.
    for _ in range(100):  # the outbox relay publishes right after each commit
        events = await stream_events(broker)
        if events and events[-1][0] == "registry.office.paused.v1":
            break
        await asyncio.sleep(0.05)
    subjects = [s for s, _ in events]
    assert subjects.count("registry.district.added.v1") == 4
    assert subjects.count("registry.office.registered.v1") == 3 and subjects.count("registry.office.paused.v1") == 1
    assert len(events) == 4 + 2 + 1 + 3 + 1 + 1  # districts, groups formed, renamed, offices, merged, paused
    assert all(e["actor"] == "landesbuero" for _, e in events)
    groups, offices = replay(events)
    held_groups = {g.group_id: g for g in (await ask(broker, c.GROUPS, c.ListQuery())).groups}
    held_offices = {o.office_id: o for o in (await ask(broker, c.OFFICES, c.ListQuery())).offices}
    assert groups == held_groups and offices == held_offices
    assert held_groups[chemnitz.group_id].merged_into == vogtland.group_id

    # Last, as it needs the team's reference schemas (a plain clone skips here, after all the rest ran).
    for org in json.loads(docs["organizations"].content)["contents"]:
        assert list(validator("organization.json").iter_errors(org)) == []
    for service in json.loads(docs["hsds"].content)["contents"]:
        assert list(validator("service.json").iter_errors(service)) == []


async def test_public_directory_comes_in_pages_and_shows_a_change_at_once(system) -> None:
    broker = system
    rows = "".join(
        f"Sozialberatung {i};Kreisverband;DIE LINKE Leipzig;Braustraße {i};04107;Leipzig\n" for i in range(250)
    )
    report = await ask(broker, c.IMPORT_OFFICES, c.ImportOffices(csv="Name;Trägerart;Träger;Straße;PLZ;Ort\n" + rows))
    assert report.created == 250 and not report.errors

    async def page(fmt: str, number: int) -> dict:
        return json.loads((await ask(broker, c.DIRECTORY, c.DirectoryQuery(format=fmt, page=number))).content)

    first, last = await page("json", 1), await page("json", 3)
    assert (first["anzahl"], first["anzahl_gesamt"], first["seiten"]) == (100, 250, 3)
    assert last["anzahl"] == 50 and not {o["kennung"] for o in first["beratungsstellen"]} & {
        o["kennung"] for o in last["beratungsstellen"]
    }
    hsds = await page("hsds", 3)
    assert (
        hsds["total_items"],
        hsds["total_pages"],
        hsds["page_number"],
        hsds["last_page"],
        len(hsds["contents"]),
    ) == (250, 3, 3, True, 50)
    # Rendered pages are kept, but any change to the register shows in the next answer.
    await ask(
        broker,
        c.REGISTER_OFFICE,
        c.RegisterOffice(
            name="Sozialberatung Neu",
            operator_kind="Kreisverband",
            operator_name="DIE LINKE Leipzig",
            street="Neuweg 1",
            postcode="04107",
            city="Leipzig",
        ),
    )
    assert (await page("json", 3))["anzahl"] == 51 and (await page("hsds", 1))["total_items"] == 251


async def test_the_gateway_serves_the_hsds_31_api_pages_records_and_german_errors(
    system, nats_server, tmp_path: Path
) -> None:
    rows = "".join(f"Sozialberatung {i};Kreisverband;Träger {i % 3};Braustraße {i};04107;Leipzig\n" for i in range(5))
    report = await ask(system, c.IMPORT_OFFICES, c.ImportOffices(csv="Name;Trägerart;Träger;Straße;PLZ;Ort\n" + rows))
    assert report.created == 5 and not report.errors
    app = gateway(
        GatewaySettings(nats_url=nats_server.url, database_url=f"sqlite+aiosqlite:///{tmp_path}/gateway.sqlite3")
    )
    await app.state.broker.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as http:
            await hsds_api(http)
    finally:
        await app.state.broker.stop()


async def hsds_api(http: httpx.AsyncClient) -> None:
    fields = ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty")
    expected = {
        1: [5, 3, 1, 2, True, False, False],
        2: [5, 3, 2, 2, False, False, False],
        4: [5, 3, 4, 0, False, True, True],
    }
    pages: list[tuple[str, dict]] = []  # validated last: a plain clone without the reference schemas skips only that
    for number, want in expected.items():  # the first page, one in the middle, one past the end
        answer = await http.get("/hsds/services", params={"page": number, "per_page": 2})
        assert answer.status_code == 200
        pages.append(("/services", answer.json()))
        assert [answer.json()[f] for f in fields] == want
        assert (await http.get("/hsds/services", params={"seite": number, "pro_seite": 2})).json() == answer.json()
    first = (await http.get("/hsds/services", params={"per_page": 2})).json()["contents"][0]
    assert (await http.get("/verzeichnis.hsds.json", params={"pro_seite": 2})).json()["contents"][0] == first
    assert (await http.get(f"/hsds/services/{first['id']}")).json() == first
    organizations = (await http.get("/hsds/organizations")).json()
    assert organizations["total_items"] == 3
    one = (await http.get(f"/hsds/organizations/{organizations['contents'][2]['id']}")).json()
    assert one == organizations["contents"][2]
    places = (await http.get("/hsds/service_at_locations", params={"page": 2, "per_page": 4})).json()
    assert places["size"] == 1
    pages += [("/organizations", organizations), ("/service_at_locations", places)]
    for collection in ("services", "organizations", "service_at_locations"):
        unknown = await http.get(f"/hsds/{collection}/gibt-es-nicht")
        assert unknown.status_code == 404 and unknown.json()["code"] == "nicht_gefunden"
        assert (
            "Im öffentlichen Verzeichnis gibt es k" in unknown.json()["fehler"]
            and "„gibt-es-nicht“" in unknown.json()["fehler"]
        )
    assert (await http.get("/hsds/")).json()["version"] == "3.1"
    json_page = (await http.get("/verzeichnis.json", params={"page": 2, "per_page": 2})).json()
    assert (
        json_page["seite"] == 2
        and json_page["beratungsstellen"]
        == (await http.get("/verzeichnis.json", params={"seite": 2, "pro_seite": 2})).json()["beratungsstellen"]
    )
    # ETags still hold: the same page again, with the version held, is 304 Not Modified.
    answer = await http.get("/hsds/services", params={"page": 2, "per_page": 2})
    again = await http.get(
        "/hsds/services", params={"seite": 2, "pro_seite": 2}, headers={"If-None-Match": answer.headers["etag"]}
    )
    assert answer.headers["etag"].strip('"') and again.status_code == 304
    for api_path, page in pages:
        assert problems(page_validator(api_path), page) == [], api_path
    assert problems(validator("organization.json"), one) == []
