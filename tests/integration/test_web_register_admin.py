"""The state office's register pages (issue 16) over a real nats-server, the real registry and notifications services
(in-process) and the gateway in-process: regions and groups (form, rename, coordinator, merge, dissolve – with what
follows, the group's list and its coordinator's moderation appearing), coverage (each gap links where it is fixed,
CSV and Excel downloads parse), and access (who holds which role, tokens shown once and revoked, the last admin
stays)."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook

from shared.contracts import notifications as n
from shared.contracts import registry as r
from tests.web import form_post, signed_in, web_system

ADMIN = "landesbuero@beratungsnetz.example"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def option(html: str, select: str, label: str) -> str:
    block = re.search(rf'<select[^>]*name="{select}".*?</select>', html, re.S).group(0)
    return unescape(re.search(rf'<option value="([^"]*)"[^>]*>{re.escape(label)}', block).group(1))


async def eventually(check, timeout: float = 10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not (result := await check()):
        assert asyncio.get_running_loop().time() < deadline, "nicht rechtzeitig"
        await asyncio.sleep(0.1)
    return result


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    async with web_system(nats_server, broker, tmp_path) as made:
        yield made


async def test_regions_form_rename_coordinator_merge_dissolve(system):
    admin = await signed_in(system, ADMIN)
    added = await form_post(admin, "/register/regionen/kreis", {"kreis_name": "KV Vogtland", "kreis_land": "SN"})
    assert added.status_code == 303
    page = (await admin.get("/register/regionen")).text
    district = re.search(r'name="kreise" type="checkbox" value="([^"]+)"', page).group(1)
    assert "Es entsteht der Verteiler „Regionalgruppe &lt;Name&gt;“" in page  # what follows, said before

    formed = await form_post(admin, "/register/regionen/bilden", {
        "gruppe_name": "Vogtland", "gruppe_land": "SN", "kreise": [district],
        "koordination_name": "Kathrin Koch", "koordination_adresse": "kathrin@example.org",
    })  # fmt: skip
    assert formed.status_code == 303
    after = text_of((await admin.get(formed.headers["location"])).text)
    assert "Die Regionalgruppe „Vogtland“ ist gebildet." in after
    assert "Es entsteht der Verteiler „Regionalgruppe Vogtland“; die Koordination wird seine Moderation" in after
    assert "Vogtland Sachsen aktiv Kathrin Koch <kathrin@example.org> KV Vogtland" in after

    kathrin = await signed_in(system, "kathrin@example.org")

    async def moderates() -> bool:
        tasks = await kathrin.get("/moderation")
        return tasks.status_code == 200 and "Regionalgruppe Vogtland" in tasks.text

    await eventually(moderates)  # the list exists and its coordinator moderates it
    assert "Kathrin Koch" in text_of((await admin.get("/verwaltung/zugaenge")).text)

    page = (await admin.get("/register/regionen")).text
    vogtland = option(page, "umbenennen_gruppe", "Vogtland (Sachsen)")
    renamed = await form_post(admin, "/register/regionen/umbenennen",
                              {"umbenennen_gruppe": vogtland, "umbenennen_name": "Vogtland/Plauen"})  # fmt: skip
    after = text_of((await admin.get(renamed.headers["location"])).text)
    assert "„Vogtland“ heißt jetzt „Vogtland/Plauen“." in after and "Kalender der Gruppe ebenso" in after

    async def list_renamed() -> bool:
        lists = await system.ask(n.LISTS, n.ListsQuery(group_id=vogtland))
        return [x.name for x in lists.lists] == ["Regionalgruppe Vogtland/Plauen"]

    await eventually(list_renamed)

    changed = await form_post(admin, "/register/regionen/koordination", {
        "koordination_gruppe": vogtland, "neu_name": "Wolfgang Weber", "neu_adresse": "wolfgang@example.org"})  # fmt: skip
    after = text_of((await admin.get(changed.headers["location"])).text)
    assert "Wolfgang Weber koordiniert jetzt „Vogtland/Plauen“." in after and "bleibt aber Moderation" in after
    group = await system.ask(r.GROUP, r.GroupRef(group=vogtland))
    assert group.coordinator.email == "wolfgang@example.org"

    other = await form_post(admin, "/register/regionen/bilden", {"gruppe_name": "Plauen-Land", "gruppe_land": "SN"})
    assert other.status_code == 303
    page = (await admin.get("/register/regionen")).text
    plauen_land = option(page, "ziel", "Plauen-Land (Sachsen)")
    merged = await form_post(admin, "/register/regionen/zusammenlegen", {"ziel": vogtland, "gruppen": [plauen_land]})
    after = text_of((await admin.get(merged.headers["location"])).text)
    assert "1 Gruppe geht in „Vogtland/Plauen“ auf." in after
    groups = {g.group_id: g for g in (await system.ask(r.GROUPS, r.ListQuery())).groups}
    assert groups[plauen_land].status == "zusammengelegt" and groups[plauen_land].merged_into == vogtland

    refused = await form_post(admin, "/register/regionen/aufloesen", {"aufloesen_gruppe": vogtland})
    assert refused.status_code == 422 and "Bitte bestätigen Sie" in text_of(refused.text)
    dissolved = await form_post(
        admin, "/register/regionen/aufloesen", {"aufloesen_gruppe": vogtland, "bestaetigt": "ja"}
    )
    after = text_of((await admin.get(dissolved.headers["location"])).text)
    assert "ist aufgelöst" in after and "wird geschlossen" in after
    assert (await system.ask(r.GROUP, r.GroupRef(group=vogtland))).status == "aufgeloest"

    empty = await form_post(admin, "/register/regionen/bilden", {"gruppe_name": "", "gruppe_land": "SN"})
    assert empty.status_code == 422 and 'href="#gruppe_name"' in empty.text
    assert (await kathrin.get("/register/regionen")).status_code == 403


async def test_coverage_lists_each_gap_with_its_link_and_downloads(system):
    await system.sessions.grant("vorstand@example.org", "vorstand", ADMIN, system.clock.now())
    district = await system.ask(r.ADD_DISTRICT, r.AddDistrict(name="KV Erzgebirge", state="SN"))
    office = await system.ask(r.REGISTER_OFFICE, r.RegisterOffice(
        name="Sozialberatung Aue", operator_kind="kreisverband", operator_name="KV Erzgebirge", street="Markt 1",
        postcode="08280", city="Aue", hours=["nach Vereinbarung"]))  # fmt: skip
    admin = await signed_in(system, ADMIN)
    page = (await admin.get("/register/abdeckung")).text
    shown = text_of(page)
    assert "Kreisverbände und Bezirke ohne aktive Beratungsstelle (1) " in shown and "KV Erzgebirge" in shown
    assert f'href="/register/stellen/neu?kreis={district.district_id}"' in page
    for title in ("ohne bestätigte Anleitung nach RDG § 6 (1)", "ohne geschulte Berater:innen (1)",
                  "ohne feste Sprechzeiten (1)", "fälliger Auffrischungsschulung (0)"):  # fmt: skip
        assert title in shown
    assert page.count(f'href="/register/stellen/{office.office_id}"') == 3

    got = await admin.get("/register/abdeckung.csv")
    assert got.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Lücke", "Kreis oder Beratungsstelle", "Einzelheiten", "Zu beheben unter"] and len(rows) == 5
    assert rows[1][1] == "KV Erzgebirge" and rows[2][3] == f"http://gateway/register/stellen/{office.office_id}"
    sheet = load_workbook(io.BytesIO((await admin.get("/register/abdeckung.xlsx")).content)).active
    cells = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert cells == rows

    board = await signed_in(system, "vorstand@example.org")
    assert "Ansehen" in (await board.get("/register/abdeckung")).text  # the board reads
    nobody = await signed_in(system, "kathrin@example.org")
    assert (await nobody.get("/register/abdeckung")).status_code == 403
    assert (await nobody.get("/register/abdeckung.csv")).status_code == 403


async def test_access_roles_tokens_once_and_revoked(system):
    admin = await signed_in(system, ADMIN)
    await system.ask(r.FORM_GROUP, r.FormGroup(name="Chemnitz", state="SN",
                     coordinator=r.Coordinator(name="Susann Sommer", email="susann@example.org")))  # fmt: skip

    moderation = "susann@example.org Susann Sommer Regionalgruppe Chemnitz"

    async def listed() -> str:  # the list and its moderator arrive by event a moment after the group
        page = text_of((await admin.get("/verwaltung/zugaenge")).text)
        return page if moderation in page and "Susann Sommer susann@example.org Chemnitz" in page else ""

    page = await eventually(listed)
    assert "Susann Sommer susann@example.org Chemnitz" in page  # coordination from the registry
    assert moderation in page  # moderation from the lists
    assert f"{ADMIN} Landesgeschäftsstelle fest eingestellt" in page

    granted = await form_post(admin, "/verwaltung/zugaenge", {"adresse": "vorstand@example.org", "rolle": "vorstand"})
    assert granted.status_code == 303
    assert "vorstand@example.org Landesvorstand" in text_of((await admin.get("/verwaltung/zugaenge")).text)

    html = (await admin.get("/verwaltung/zugaenge")).text
    chemnitz = option(html, "skript_bereich", "Regionalgruppe Chemnitz")
    wrong = await form_post(admin, "/verwaltung/zugaenge/token",
                            {"skript_name": "Export", "skript_rolle": "coordinator", "skript_bereich": ""})  # fmt: skip
    assert wrong.status_code == 422 and "bitte die Regionalgruppe wählen" in text_of(wrong.text)
    made = await form_post(admin, "/verwaltung/zugaenge/token", {"skript_name": "Kalender-Skript",
                           "skript_rolle": "coordinator", "skript_bereich": chemnitz,
                           "skript_fuer": "susann@example.org"})  # fmt: skip
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    secret = re.search(r'id="token-geheimnis">(bn_[^<]+)<', made.text).group(1)
    assert "nur dieses eine Mal" in text_of(made.text)
    works = await system.http.get("/api/v1/gruppen", headers={"Authorization": f"Bearer {secret}"})
    assert works.status_code == 200
    later = (await admin.get("/verwaltung/zugaenge")).text
    assert secret not in later and "Kalender-Skript" in later and "Regionalgruppe Chemnitz" in text_of(later)

    tokens = await system.app.state.access.store.all()
    script = next(t for t in tokens if t.name == "Kalender-Skript")
    revoked = await form_post(admin, "/verwaltung/zugaenge/token/widerrufen", {"token": script.id})
    assert revoked.status_code == 303
    assert (await system.http.get("/api/v1/gruppen", headers={"Authorization": f"Bearer {secret}"})).status_code == 401
    first_admin = next(t for t in tokens if t.role == "admin")
    last = await form_post(admin, "/verwaltung/zugaenge/token/widerrufen", {"token": first_admin.id})
    assert last.status_code == 409 and "letzte gültige Token der Landesgeschäftsstelle" in text_of(last.text)
    assert (await system.app.state.access.store.by_hash(first_admin.token_hash)).revoked_at is None


async def test_the_last_granted_admin_cannot_be_withdrawn(nats_server, broker, tmp_path):
    async with web_system(nats_server, broker, tmp_path, admin_address="") as system:
        await system.sessions.grant("chefin@example.org", "verwaltung", "einrichtung", system.clock.now())
        chefin = await signed_in(system, "chefin@example.org")
        refused = await form_post(chefin, "/verwaltung/zugaenge/entziehen",
                                  {"adresse": "chefin@example.org", "rolle": "verwaltung"})  # fmt: skip
        assert refused.status_code == 409 and "letzte Zugang „Landesgeschäftsstelle“" in text_of(refused.text)
        assert "verwaltung" in await system.sessions.roles_of("chefin@example.org")
        await form_post(chefin, "/verwaltung/zugaenge", {"adresse": "zweite@example.org", "rolle": "verwaltung"})
        done = await form_post(chefin, "/verwaltung/zugaenge/entziehen",
                               {"adresse": "chefin@example.org", "rolle": "verwaltung"})  # fmt: skip
        assert done.status_code == 303
        assert "verwaltung" not in await system.sessions.roles_of("chefin@example.org")
