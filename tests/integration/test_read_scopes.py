"""Every role reads only what it needs (issue 19), over a real nats-server with the registry, the mailing service and
action planning and the gateway in-process: tokens of each role, made through the admin token, read the offices
without unpublished counsellors' names, addresses and the lawyer, and the groups without other coordinators'
addresses; the admin token reads everything; a moderator reads the members of their own list only; the public
directory is the registry's, unchanged; the board's and a coordinator's pages show no unpublished name."""

from __future__ import annotations

import json

import httpx
import pytest

from shared.contracts import notifications as n
from shared.contracts import registry as r
from tests.web import WebSystem, signed_in, web_system

ADMIN_TOKEN = "bn_" + "q" * 43
OFFICE_MAIL = "landesbuero@example.org"
PETRA, KARL, BOARD = "petra@example.org", "karl@example.org", "vorstand@example.org"
SECRETS = ("Bert Verborgen", "bert@example.org", "anna@example.org", "Dr. Clara Recht")


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    services = ("notifications", "registry", "events")
    async with web_system(nats_server, broker, tmp_path, services=services, admin_token=ADMIN_TOKEN) as made:
        ask = made.ask
        district = await ask(r.ADD_DISTRICT, r.AddDistrict(name="KV Vogtland", state="SN"))
        made.vogtland = await ask(
            r.FORM_GROUP,
            r.FormGroup(
                name="Vogtland",
                state="SN",
                district_ids=[district.district_id],
                coordinator=r.Coordinator(name="Petra Beispiel", email=PETRA),
            ),
        )
        made.leipzig = await ask(
            r.FORM_GROUP,
            r.FormGroup(name="Leipzig", state="SN", coordinator=r.Coordinator(name="Karl Muster", email=KARL)),
        )
        made.office = await ask(
            r.REGISTER_OFFICE,
            r.RegisterOffice(
                name="Sozialberatung Plauen",
                operator_kind="kreisverband",
                operator_name="DIE LINKE Vogtland",
                street="Rähnisstraße 1",
                postcode="08523",
                city="Plauen",
                email="plauen@example.org",
                hours=["dienstags 14–17 Uhr"],
                district_id=district.district_id,
                counsellors=[
                    r.CounsellorInput(name="Anna Offen", email="anna@example.org", publish_name=True),
                    r.CounsellorInput(name="Bert Verborgen", email="bert@example.org"),
                ],
                supervision={"lawyer_name": "Dr. Clara Recht", "qualification_confirmed": False, "since": "2025-01-01"},
            ),
        )
        as_office = {"moderator": OFFICE_MAIL, "admin": True}
        made.lists = [(await ask(n.CREATE_LIST, n.CreateList(name=x, owner_address=OFFICE_MAIL))).list_id for x in "AB"]
        for list_id, member in zip(made.lists, ("eva@example.org", "olaf@example.org"), strict=True):
            await ask(n.ADD_MEMBER, n.AddMember(list_id=list_id, address=member, **as_office))
        await ask(n.ADD_MEMBER, n.AddMember(list_id=made.lists[0], address=KARL, role="moderation", **as_office))
        await made.sessions.grant(BOARD, "vorstand", OFFICE_MAIL, made.clock.now())
        yield made


def bearer(system: WebSystem, secret: str) -> httpx.AsyncClient:
    http = system.browser()
    http.headers["Authorization"] = f"Bearer {secret}"
    return http


async def token(system: WebSystem, role: str, scope: str | None, address: str) -> httpx.AsyncClient:
    made = await bearer(system, ADMIN_TOKEN).post(
        "/api/v1/tokens/anlegen", json={"name": role, "role": role, "scope": scope, "address": address}
    )
    assert made.status_code == 200, made.text
    return bearer(system, made.json()["token"])


async def reads(http: httpx.AsyncClient, system: WebSystem) -> dict[str, str]:
    """The raw replies of the register's read routes."""
    found = {}
    for path, params in (
        ("/api/v1/beratungsstellen", {}),
        ("/api/v1/beratungsstelle", {"office_id": system.office.office_id}),
        ("/api/v1/gruppen", {}),
        ("/api/v1/gruppe", {"group": "leipzig"}),  # one group, by its slug: the same policy as the list
        ("/api/v1/abdeckung", {}),
    ):
        got = await http.get(path, params=params)
        assert got.status_code == 200, (path, got.text)
        found[path] = got.text
    return found


async def test_moderator_coordinator_and_board_tokens_read_no_unpublished_name_and_no_other_address(system):
    readers = {
        "moderator": await token(system, "moderator", system.lists[0], KARL),
        "coordinator": await token(system, "coordinator", "vogtland", PETRA),
        "board": await token(system, "board", None, BOARD),
    }
    for role, http in readers.items():
        found = await reads(http, system)
        everything = "".join(found.values())
        for secret in SECRETS:
            assert secret not in everything, (role, secret)
        assert "Anna Offen" in found["/api/v1/beratungsstelle"], role  # she agreed to be named
        office = json.loads(found["/api/v1/beratungsstelle"])
        assert office["supervision"]["lawyer_name"] == ""  # there is one, unconfirmed: that much every role reads
        assert office["supervision"]["qualification_confirmed"] is False
        groups = {g["name"]: g["coordinator"] for g in json.loads(found["/api/v1/gruppen"])["groups"]}
        assert groups["Leipzig"] == {"name": "Karl Muster", "email": None}, role
        assert json.loads(found["/api/v1/gruppe"])["coordinator"] == groups["Leipzig"], role
        own = PETRA if role == "coordinator" else None  # a coordinator reads their own group's address only
        assert groups["Vogtland"] == {"name": "Petra Beispiel", "email": own}, role
    board_office = json.loads((await reads(readers["board"], system))["/api/v1/beratungsstelle"])
    assert sorted(c["name"] for c in board_office["counsellors"]) == ["", "Anna Offen"]  # the board counts both


async def test_the_admin_token_reads_everything(system):
    found = await reads(bearer(system, ADMIN_TOKEN), system)
    for secret in SECRETS:
        assert secret in found["/api/v1/beratungsstelle"], secret
    assert KARL in found["/api/v1/gruppen"] and PETRA in found["/api/v1/gruppen"] and KARL in found["/api/v1/gruppe"]
    assert "Dr. Clara Recht" in found["/api/v1/abdeckung"]  # "Befähigung von … nicht bestätigt"
    full = await system.ask(r.OFFICE, r.OfficeRef(office_id=system.office.office_id))
    assert json.loads(found["/api/v1/beratungsstelle"]) == json.loads(full.model_dump_json())


async def test_a_moderator_reads_the_members_of_their_own_list_only(system):
    moderator = await token(system, "moderator", system.lists[0], KARL)
    own = await moderator.get("/api/v1/verteiler/mitglieder", params={"list_id": system.lists[0]})
    assert own.status_code == 200 and "eva@example.org" in own.text
    other = await moderator.get("/api/v1/verteiler/mitglieder", params={"list_id": system.lists[1]})
    assert other.status_code == 403 and "olaf@example.org" not in other.text
    coordinator = await token(system, "coordinator", "vogtland", PETRA)
    refused = await coordinator.get("/api/v1/verteiler/mitglieder", params={"list_id": system.lists[0]})
    assert refused.status_code == 403 and "eva@example.org" not in refused.text


async def test_the_public_directory_is_the_registrys_unchanged(system):
    public = await system.browser().get("/verzeichnis.json")
    assert public.status_code == 200
    registry = await system.ask(r.DIRECTORY, r.DirectoryQuery(format="json"))
    assert public.text == registry.content
    assert "Anna Offen" in public.text and "Bert Verborgen" not in public.text
    page = await system.browser().get(f"/verzeichnis/{system.office.office_id}")
    assert page.status_code == 200 and "Anna Offen" in page.text and "Bert Verborgen" not in page.text


async def test_the_boards_pages_show_no_unpublished_name(system):
    http = await signed_in(system, BOARD)
    office_page = f"/register/stellen/{system.office.office_id}"
    for path in ("/register/stellen", office_page, "/register/abdeckung", "/lage", "/verwaltung/qualifikationen"):
        got = await http.get(path)
        assert got.status_code == 200, (path, got.text[:300])
        for secret in SECRETS:
            assert secret not in got.text, (path, secret)
    shown = (await http.get(office_page)).text
    assert "Anna Offen" in shown and "Name nicht veröffentlicht" in shown
    admin = await signed_in(system, "landesbuero@beratungsnetz.example")  # the gateway's admin_address
    assert "Bert Verborgen" in (await admin.get(office_page)).text  # the Landesgeschäftsstelle reads it


async def test_a_coordinators_pages_show_no_unpublished_name_and_no_other_address(system):
    http = await signed_in(system, PETRA)
    for path in ("/gruppen", "/gruppen/vogtland", "/gruppen/leipzig", "/aufgaben"):
        got = await http.get(path)
        assert got.status_code in (200, 403), (path, got.status_code)
        for secret in (*SECRETS, KARL):
            assert secret not in got.text, (path, secret)
    refused = await http.get(f"/register/stellen/{system.office.office_id}")
    assert refused.status_code == 403 and "Bert Verborgen" not in refused.text
