"""Art. 15 GDPR across all services, over a real nats-server: the mailing service, the register, action planning
and the in-process gateway each hold something about Petra; the Landesbüro's export (API, JSON and text) and her
own through the "Meine Verteiler" link (page and JSON file) find every piece — and only hers; a service that does
not answer is named, never left out silently."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta
from html import unescape
from typing import Any

import httpx
import pytest

from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from tests.integration.test_member_pages import local, press
from tests.web import ORIGIN, WebSystem, signed_in, web_system

ADMIN_TOKEN = "bn_" + "p" * 43
PETRA, OTTO, KATHRIN = "petra@example.org", "otto@example.org", "kathrin@example.org"
ENGLISH = {"list_id", "address", "display_name", "role", "delivery", "status", "since", "kind", "state", "subject"}
ENGLISH |= {"detail", "actor", "recipient", "sent_at", "created_at", "email", "records", "data", "purpose"}
KINDS = {
    "Verteilerdienst": [
        "Eintrag in einem Verteiler",
        "Anfrage an einen Verteiler",
        "Eintrag im Protokoll eines Verteilers",
    ],
    "Register": [
        "Koordination einer Regionalgruppe",
        "Kontaktadresse einer Beratungsstelle",
        "Berater:in einer Beratungsstelle",
    ],
    "Aktionsplanung": [
        "Koordination einer Regionalgruppe (Kopie aus dem Register)",
        "Verantwortlich für eine Aktion",
        "Verantwortlich für einen Punkt des Arbeitsplans",
    ],
    "Webzugang und API": ["Anmeldung im Web (Sitzung)", "Rolle im Web"],
}


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    services = ("notifications", "registry", "events")
    async with web_system(nats_server, broker, tmp_path, services=services, admin_token=ADMIN_TOKEN) as made:
        await plant_petra(made)
        yield made


async def plant_petra(system: WebSystem) -> None:
    ask = system.ask
    lists = []
    for name in ("LAG Hartz IV Sachsen", "Vogtland aktiv", "Presse"):
        lists.append((await ask(n.CREATE_LIST, n.CreateList(name=name, owner_address=KATHRIN))).list_id)
    as_office = {"moderator": "landesbuero@example.org", "admin": True}
    for list_id in lists[:2]:  # a subscriber of two lists
        await ask(n.ADD_MEMBER, n.AddMember(list_id=list_id, address=PETRA, display_name="Petra Beispiel", **as_office))
    await ask(n.ADD_MEMBER, n.AddMember(list_id=lists[2], address=OTTO, display_name="Otto Muster", **as_office))
    # An audit row that names Petra only in its detail: Otto's address is to change to hers.
    await ask(n.CHANGE_ADDRESS, n.ChangeAddress(list_id=lists[2], address=OTTO, new_address=PETRA, **as_office))

    district = await ask(r.ADD_DISTRICT, r.AddDistrict(name="KV Vogtland", state="SN"))
    coordinator = r.Coordinator(name="Petra Beispiel", email=PETRA)
    group = await ask(
        r.FORM_GROUP,
        r.FormGroup(name="Vogtland", state="SN", district_ids=[district.district_id], coordinator=coordinator),
    )
    await ask(
        r.REGISTER_OFFICE,
        r.RegisterOffice(
            name="Sozialberatung Plauen",
            operator_kind="kreisverband",
            operator_name="DIE LINKE Vogtland",
            street="Rähnisstraße 1",
            postcode="08523",
            city="Plauen",
            email=PETRA,
            counsellors=[r.CounsellorInput(name="Petra Beispiel", email=PETRA), r.CounsellorInput(name="Otto Muster")],
        ),
    )
    for _ in range(100):  # action planning learns of the group from the registry's events
        if any(g.group_id == group.group_id for g in (await ask(e.GROUPS, e.GroupsQuery())).groups):
            break
        await asyncio.sleep(0.1)
    start = (system.clock.now() + timedelta(days=3)).replace(microsecond=0, tzinfo=None)
    await ask(
        e.PLAN_ACTION,
        e.PlanAction(
            organiser_group_id=group.group_id,
            kind="zahltag",
            title="Zahltag-Aktion Plauen",
            job_centre="Jobcenter Plauen",
            start=start,
            end=start + timedelta(hours=2),
            responsible=["Petra"],
        ),
    )
    plan = "Arbeitsplan 2026\n\nFlyer für die Sprechstunde drucken.\nV: Petra\nT: Oktober 2026\n"
    await ask(e.IMPORT_WORK_PLAN, e.ImportWorkPlan(text=plan))
    await system.sessions.grant(PETRA, "vorstand", "landesbuero@example.org", system.clock.now())
    await signed_in(system, PETRA)  # a web session


def admin(system: WebSystem) -> httpx.AsyncClient:
    http = system.browser()
    http.headers["Authorization"] = f"Bearer {ADMIN_TOKEN}"
    return http


def keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


def kinds(export: dict) -> dict[str, list[str]]:
    return {d["dienst"]: [x["art"] for x in d["eintraege"]] for d in export["dienste"]}


def mailing_entries(export: dict, kind: str) -> list[dict]:
    (mailing,) = [d for d in export["dienste"] if d["dienst"] == "Verteilerdienst"]
    return [x["daten"] for x in mailing["eintraege"] if x["art"] == kind]


def assert_everything_of_petra(export: dict) -> None:
    assert export["adresse"] == PETRA and export["vollstaendig"] is True and export["hinweise"] == []
    found = kinds(export)
    for service, wanted in KINDS.items():
        for kind in wanted:
            assert kind in found[service], (service, kind, found[service])
    memberships = mailing_entries(export, "Eintrag in einem Verteiler")
    # the two lists, and the group's list she moderates as its coordinator
    assert {m["verteiler"] for m in memberships} >= {"LAG Hartz IV Sachsen", "Vogtland aktiv"}
    audit = mailing_entries(export, "Eintrag im Protokoll eines Verteilers")
    assert any(a["betrifft"] == OTTO and PETRA in a["einzelheiten"] for a in audit), audit
    for entries in (d["eintraege"] for d in export["dienste"]):
        assert all(x["zweck"] and x["aufbewahrung"] for x in entries)
    assert "Presse" not in {m["verteiler"] for m in memberships}  # Otto's membership is not Petra's
    assert not keys(export) & ENGLISH, keys(export) & ENGLISH


async def test_the_landesbuero_finds_every_record_about_an_address_in_every_service(system: WebSystem) -> None:
    http = admin(system)
    got = await http.get("/api/v1/personen/auskunft", params={"address": PETRA})
    assert got.status_code == 200, got.text
    assert_everything_of_petra(got.json())
    posted = await http.post("/api/v1/personen/auskunft", json={"address": PETRA.upper()})
    assert posted.status_code == 200 and kinds(posted.json()) == kinds(got.json())

    text = await http.get("/api/v1/personen/auskunft", params={"address": PETRA, "format": "text"})
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/plain")
    for wanted in (*KINDS, "Verantwortlich für eine Aktion", "Zweck:", "Aufbewahrung:", "Genannt als: Petra"):
        assert wanted in text.text, wanted

    nobody = await http.get("/api/v1/personen/auskunft", params={"address": "niemand@example.org"})
    assert nobody.status_code == 200 and all(d["eintraege"] == [] for d in nobody.json()["dienste"])
    bad = await http.get("/api/v1/personen/auskunft", params={"address": "kein at"})
    assert bad.status_code == 422 and bad.json()["fehler"]


async def test_only_the_landesbuero_may_ask_the_api(system: WebSystem) -> None:
    anonymous = await system.browser().get("/api/v1/personen/auskunft", params={"address": PETRA})
    assert anonymous.status_code == 401
    http = admin(system)
    made = await http.post("/api/v1/tokens/anlegen", json={"name": "Lesen", "role": "board", "address": KATHRIN})
    assert made.status_code in (200, 201), made.text
    reader = system.browser()
    reader.headers["Authorization"] = f"Bearer {made.json()['token']}"
    refused = await reader.get("/api/v1/personen/auskunft", params={"address": PETRA})
    assert refused.status_code == 403 and "Berechtigung" in refused.json()["fehler"]


async def own_page(system: WebSystem, http: httpx.AsyncClient, address: str) -> httpx.Response:
    await system.ask(n.SEND_MANAGE_LINK, n.ManageLinkRequest(address=address))
    mail = await system.mail(address, "Meine Verteiler")
    page = await http.get(local(mail.link("meine-verteiler")))
    assert page.status_code == 200, page.text
    return page


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


async def test_petra_sees_her_whole_export_through_her_own_link_and_only_hers(system: WebSystem) -> None:
    http = system.browser()
    mine = await own_page(system, http, PETRA)
    shown = await press(http, mine, "/meine-verteiler/auskunft")
    assert shown.status_code == 200 and "Ihre gespeicherten Daten" in shown.text
    page = text_of(shown.text)
    for service, wanted in KINDS.items():
        assert service in page
        for kind in wanted:
            assert kind in page, kind
    for text in ("LAG Hartz IV Sachsen", "Sozialberatung Plauen", "Zahltag-Aktion Plauen", "Zweck", "Aufbewahrung"):
        assert text in page, text
    assert "unvollständig" not in page, page[page.index("unvollständig") - 300 :][:400]
    assert re.search(r"\d\d\.\d\d\.\d{4}, \d\d:\d\d", page)  # times in German

    download = await press(http, shown, "/meine-verteiler/auskunft.json")
    assert download.status_code == 200 and download.headers["content-disposition"].startswith("attachment;")
    assert_everything_of_petra(json.loads(download.text))

    # Otto's link shows Otto's export: his membership, not Petra's coordination, office or work-plan item.
    other = system.browser()
    his = await press(other, await own_page(system, other, OTTO), "/meine-verteiler/auskunft")
    his_page = text_of(his.text)
    assert his.status_code == 200 and OTTO in his_page and "Presse" in his_page
    assert "Koordination einer Regionalgruppe" not in his_page and "Vogtland aktiv" not in his_page

    # A link that is not genuine shows nothing of anybody.
    forged = await press(http, mine, "/meine-verteiler/auskunft", token="erfunden")
    assert forged.status_code == 400 and "Link ungültig oder abgelaufen" in forged.text and PETRA not in forged.text
    forged_json = await press(http, shown, "/meine-verteiler/auskunft.json", token="erfunden")
    assert forged_json.status_code == 400 and PETRA not in forged_json.text


async def test_a_service_that_does_not_answer_is_named_and_the_export_marked_incomplete(system: WebSystem) -> None:
    http = system.browser()
    mine = await own_page(system, http, PETRA)
    await system.services["events"].stop()
    shown = await press(http, mine, "/meine-verteiler/auskunft")
    page = text_of(shown.text)
    assert shown.status_code == 200
    assert "Der Dienst „Aktionsplanung“ antwortet gerade nicht; die Auskunft ist unvollständig." in page
    assert "Koordination einer Regionalgruppe" in page  # the others still answer

    got = (await admin(system).get("/api/v1/personen/auskunft", params={"address": PETRA})).json()
    assert got["vollstaendig"] is False and any("Aktionsplanung" in h for h in got["hinweise"])
    (events,) = [d for d in got["dienste"] if d["dienst"] == "Aktionsplanung"]
    assert events["antwortet"] is False and events["eintraege"] == []
    assert ORIGIN  # the in-process gateway answered throughout
