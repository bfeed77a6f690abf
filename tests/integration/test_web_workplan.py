"""The work plan's pages (issue 15, journey 5) over a real nats-server with the real events, notifications and
registry services in-process, real SMTP and the gateway in-process: import with a preview first, the list with
"Meine Punkte", one item (mark done, note, new V, new T), who may do what, and the reminder mail's link."""

from __future__ import annotations

import asyncio
import re
from html import unescape

import pytest

from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from tests.web import ORIGIN, csrf_token, form_post, signed_in, web_system

LAG = "lag-hartz-iv-sachsen"  # the work-plan list (WORKPLAN_LIST)
KATHRIN = "kathrin@example.org"  # moderates the list as "Kathrin": her items and the Sprecherrat's
WOLFGANG = "wolfgang@example.org"  # coordinates Vogtland, "Wolfgang Beispiel" on the list
ADMIN = "landesbuero@beratungsnetz.example"
BOARD = "vorstand@example.org"

PLAN = """Arbeitsplan der LAG Hartz IV für 2017

Eine Mitgliederversammlung der LAG Hartz IV wird im Oktober 2017 stattfinden.
V: Sprecherrat
T: Oktober 2017

Zur LAG Betrieb & Gewerkschaft wird Kontakt aufgenommen.
V: Gudrun
T: II. Quartal 2017

Die Arbeit der Regionalgruppe Vogtland wird fortgesetzt.
V: Wolfgang und Kathrin
T: monatlich

Die Liste der Beratungsstellen ist fertigzustellen.
V: Steffen
T: irgendwann nach der Wahl

Alle sind angehalten, weitere Mitglieder zu werben.
"""


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    async with web_system(
        nats_server,
        broker,
        tmp_path,
        services=("notifications", "registry", "events"),
        service_settings={"events": {"scheduler_seconds": 0.2}},
    ) as made:
        await made.ask(
            n.CREATE_LIST,
            n.CreateList(name="LAG Hartz IV Sachsen", policy="moderiert", owner_address=KATHRIN, owner_name="Kathrin"),
        )
        await made.ask(
            n.SET_ROLE, n.SetRole(list_id=LAG, moderator="test", admin=True, address=KATHRIN, role="moderation")
        )
        for address, name in ((WOLFGANG, "Wolfgang Beispiel"), ("gudrun@example.org", "Gudrun")):
            await made.ask(
                n.ADD_MEMBER, n.AddMember(list_id=LAG, moderator=KATHRIN, address=address, display_name=name)
            )
        district = await made.ask(r.ADD_DISTRICT, r.AddDistrict(name="Vogtland", state="SN"))
        await made.ask(
            r.FORM_GROUP,
            r.FormGroup(
                name="Vogtland",
                state="SN",
                district_ids=[district.district_id],
                coordinator=r.Coordinator(name="Wolfgang", email=WOLFGANG),
            ),
        )
        await made.sessions.grant(BOARD, "vorstand", ADMIN, made.clock.now())
        yield made


async def items_by_v(system) -> dict[str, e.WorkItemSnapshot]:
    plan = await system.ask(e.WORK_PLAN, e.WorkPlanQuery())
    return {", ".join(p.name for p in i.responsible): i for i in plan.items}


def checksum_of(html: str) -> str:
    found = re.search(r'name="pruefsumme" value="([^"]+)"', html)
    assert found, "keine Prüfsumme im Formular der Vorschau"
    return found.group(1)


async def test_a_pasted_plan_is_previewed_item_by_item_and_saved_only_then(system) -> None:
    admin = await signed_in(system, ADMIN)
    form = await admin.get("/arbeitsplan/import")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    for field in re.findall(
        r'<(?:input|textarea) class="bn-(?:input|textarea|file-upload)[^"]*" id="([^"]+)"', form.text
    ):
        assert f'for="{field}"' in form.text, field

    preview = await form_post(admin, "/arbeitsplan/import", {"schritt": "vorschau", "text": PLAN, "plan": ""})
    assert preview.status_code == 200, preview.text
    shown = text_of(preview.text)
    assert "„II. Quartal 2017“ → 1. April bis 30. Juni 2017" in shown
    assert "„Oktober 2017“ → 1. Oktober bis 31. Oktober 2017" in shown
    assert "„monatlich“ → jeden Monat, nächster Termin bis 30. November 2026" in shown  # the clock: 29.11.2026
    assert "„irgendwann nach der Wahl“ → nicht erkannt" in shown and "bn-table__row--warning" in preview.text
    assert "„Wolfgang und Kathrin“ → Wolfgang Kathrin" in shown
    assert "Absätze ohne V" in shown and "Zeile 19: Alle sind angehalten" in shown
    assert "<caption" in preview.text and 'scope="row"' in preview.text
    assert (await system.ask(e.WORK_PLAN, e.WorkPlanQuery())).items == []  # the preview saved nothing

    changed = await form_post(
        admin,
        "/arbeitsplan/import",
        {
            "schritt": "speichern",
            "text": PLAN + "\nNoch ein Satz.",
            "plan": "",
            "pruefsumme": checksum_of(preview.text),
        },
    )
    assert changed.status_code == 200 and "nach der Vorschau geändert" in changed.text  # a new preview, not saved
    assert (await system.ask(e.WORK_PLAN, e.WorkPlanQuery())).items == []

    saved = await form_post(
        admin,
        "/arbeitsplan/import",
        {"schritt": "speichern", "text": PLAN, "plan": "", "pruefsumme": checksum_of(preview.text)},
    )
    assert saved.status_code == 303, saved.text
    listed = await admin.get(saved.headers["location"])
    assert "4 Punkte aus „Arbeitsplan der LAG Hartz IV für 2017“ übernommen." in text_of(listed.text)
    assert len((await system.ask(e.WORK_PLAN, e.WorkPlanQuery())).items) == 4
    again = await form_post(admin, "/arbeitsplan/import", {"schritt": "vorschau", "text": PLAN})
    assert text_of(again.text).count("schon gespeichert") == 4 and "Speichern (" not in again.text


async def test_a_plan_comes_as_an_uploaded_text_file_and_anything_else_is_refused_in_german(system) -> None:
    admin = await signed_in(system, ADMIN)
    token = await csrf_token(admin, "/arbeitsplan/import")
    headers = {"Origin": ORIGIN}
    upload = await admin.post(
        "/arbeitsplan/import",
        data={"csrf_token": token, "schritt": "vorschau", "text": ""},
        files={"datei": ("plan.txt", ("\ufeff" + PLAN).encode(), "text/plain")},
        headers=headers,
    )
    assert upload.status_code == 200, upload.text
    assert "plan.txt" in upload.text and "1. April bis 30. Juni 2017" in text_of(upload.text)
    windows = await admin.post(
        "/arbeitsplan/import",
        data={"csrf_token": token, "schritt": "vorschau"},
        files={"datei": ("plan.txt", PLAN.replace("Oktober", "Oktöber").encode("cp1252"), "text/plain")},
        headers=headers,
    )
    assert windows.status_code == 200 and "Umlaute" in windows.text and "Oktöber" in windows.text
    pdf = await admin.post(
        "/arbeitsplan/import",
        data={"csrf_token": token, "schritt": "vorschau"},
        files={"datei": ("plan.pdf", b"%PDF-1.4", "application/pdf")},
        headers=headers,
    )
    assert pdf.status_code == 422 and "Textdatei (.txt)" in pdf.text and 'href="#datei"' in pdf.text
    empty = await form_post(admin, "/arbeitsplan/import", {"schritt": "vorschau", "text": "  "})
    assert empty.status_code == 422 and 'href="#text"' in empty.text
    huge = await form_post(admin, "/arbeitsplan/import", {"schritt": "vorschau", "text": "x" * 700_000})
    assert huge.status_code == 413 and '<html lang="de">' in huge.text
    board = await signed_in(system, BOARD)
    assert (await board.get("/arbeitsplan/import")).status_code == 403
    refused = await form_post(board, "/arbeitsplan/import", {"schritt": "vorschau", "text": PLAN})
    assert refused.status_code == 403 and "Landesvorstand liest den Arbeitsplan" in refused.text


async def test_items_are_listed_with_mine_and_changed_by_whom_may(system) -> None:
    await system.ask(e.IMPORT_WORK_PLAN, e.ImportWorkPlan(text=PLAN))
    items = await items_by_v(system)
    kathrin = await signed_in(system, KATHRIN)

    listed = await kathrin.get("/arbeitsplan")
    assert listed.status_code == 200 and 'href="/arbeitsplan"' in listed.text  # in the navigation
    assert "„Kathrin“" in text_of(listed.text) and "Punkte des Sprecherrats, weil Sie den Verteiler" in text_of(
        listed.text
    )
    assert "<caption" in listed.text
    mine = await kathrin.get("/arbeitsplan", params={"meine": "1"})
    assert items["Sprecherrat"].item_id in mine.text and items["Wolfgang, Kathrin"].item_id in mine.text
    assert items["Gudrun"].item_id not in mine.text
    overdue = await kathrin.get("/arbeitsplan", params={"termin": "ueberfaellig"})
    assert items["Gudrun"].item_id in overdue.text and items["Steffen"].item_id not in overdue.text
    gudrun_only = await kathrin.get("/arbeitsplan", params={"wer": "Gudrun"})
    assert items["Gudrun"].item_id in gudrun_only.text and items["Sprecherrat"].item_id not in gudrun_only.text

    # Kathrin (named, and the Sprecherrat by moderating the list) marks the general meeting done and notes progress
    path = f"/arbeitsplan/{items['Sprecherrat'].item_id}"
    page = await kathrin.get(path)
    assert page.status_code == 200 and "1. Oktober bis 31. Oktober 2017" in text_of(page.text)
    assert f'action="{path}/erledigt"' in page.text and f'action="{path}/termin"' not in page.text
    noted = await form_post(kathrin, f"{path}/vermerk", {"vermerk": "Einladung verschickt."})
    assert noted.status_code == 303
    done = await form_post(kathrin, f"{path}/erledigt", {})
    assert done.status_code == 303
    after = await kathrin.get(path)
    assert "Als erledigt markiert." in after.text and "Einladung verschickt." in after.text
    snapshot = await system.ask(e.WORK_ITEM, e.ItemRef(item_id=items["Sprecherrat"].item_id))
    assert snapshot.status == "erledigt" and snapshot.notes[0].author == KATHRIN
    empty = await form_post(kathrin, f"/arbeitsplan/{items['Wolfgang, Kathrin'].item_id}/vermerk", {"vermerk": " "})
    assert empty.status_code == 422 and 'href="#vermerk"' in empty.text
    # ... but not the V or T, and not Gudrun's item
    assert (await form_post(kathrin, f"{path}/termin", {"termin": "November 2017"})).status_code == 403
    assert (await form_post(kathrin, f"/arbeitsplan/{items['Gudrun'].item_id}/erledigt", {})).status_code == 403

    # Wolfgang: coordinator, "Wolfgang Beispiel" on the list → the monthly item is his: done for this month
    wolfgang = await signed_in(system, WOLFGANG)
    monthly = f"/arbeitsplan/{items['Wolfgang, Kathrin'].item_id}"
    assert "Für diesen Zeitraum erledigt" in (await wolfgang.get(monthly)).text
    assert (await form_post(wolfgang, f"{monthly}/erledigt", {})).status_code == 303
    assert "wiederholt sich" in (await wolfgang.get(monthly)).text
    assert (await system.ask(e.WORK_ITEM, e.ItemRef(item_id=items["Wolfgang, Kathrin"].item_id))).status == "offen"
    refused = await form_post(wolfgang, f"/arbeitsplan/{items['Steffen'].item_id}/vermerk", {"vermerk": "x"})
    assert refused.status_code == 403 and "Verantwortlichen (V)" in refused.text

    # the board reads everything, sees no form and changes nothing
    board = await signed_in(system, BOARD)
    seen = await board.get(f"/arbeitsplan/{items['Gudrun'].item_id}")
    assert seen.status_code == 200 and 'method="post" action="/arbeitsplan/' not in seen.text
    assert "Der Landesvorstand liest den Arbeitsplan" in seen.text
    for task, field in (("erledigt", {}), ("vermerk", {"vermerk": "x"}), ("termin", {"termin": "2018"})):
        posted = await form_post(board, f"/arbeitsplan/{items['Gudrun'].item_id}/{task}", field)
        assert posted.status_code == 403 and '<html lang="de">' in posted.text, task
    assert (await system.ask(e.WORK_ITEM, e.ItemRef(item_id=items["Gudrun"].item_id))).notes == []

    # the Landesgeschäftsstelle changes V and T; both stay in the history
    admin = await signed_in(system, ADMIN)
    gudrun = f"/arbeitsplan/{items['Gudrun'].item_id}"
    assert (
        await form_post(admin, f"{gudrun}/verantwortlich", {"verantwortlich": "Gudrun und Petra"})
    ).status_code == 303
    moved = await form_post(admin, f"{gudrun}/termin", {"termin": "III. Quartal"})
    assert moved.status_code == 303
    shown = text_of((await admin.get(gudrun)).text)
    assert "gelesen als 1. Juli bis 30. September 2017" in shown  # no year: the year of the old T
    assert "V geändert: Gudrun → Gudrun, Petra" in shown and "T geändert: „II. Quartal 2017“ → „III. Quartal“" in shown
    blank = await form_post(admin, f"{gudrun}/termin", {"termin": "  "})
    assert blank.status_code == 422 and 'href="#termin"' in blank.text
    unknown = await admin.get("/arbeitsplan/gibt-es-nicht")
    assert unknown.status_code == 404 and '<html lang="de">' in unknown.text

    # signed in without any role: the internal work plan stays closed
    anna = await signed_in(system, "anna@example.org")
    assert (await anna.get("/arbeitsplan")).status_code == 403
    assert 'href="/arbeitsplan"' not in (await anna.get("/aufgaben")).text


async def test_overdue_notices_link_to_the_item_and_my_tasks_list_it(system) -> None:
    imported = await system.ask(
        e.IMPORT_WORK_PLAN,
        e.ImportWorkPlan(text="Plan für 2026\n\nKontakt zur LAG Betrieb aufnehmen.\nV: Gudrun\nT: Oktober 2026\n"),
    )
    item_id = imported.items[0].item_id
    mail = await system.mail("gudrun@example.org", "Überfällig")
    assert f"{ORIGIN}/arbeitsplan/{item_id}" in mail.text
    await system.ask(
        e.CHANGE_WORK_ITEM_RESPONSIBLE, e.ChangeWorkItemResponsible(item_id=item_id, responsible="Kathrin")
    )
    kathrin = await signed_in(system, KATHRIN)
    tasks = await kathrin.get("/aufgaben")
    assert f'href="/arbeitsplan/{item_id}"' in tasks.text and "überfällig" in text_of(tasks.text)
    wolfgang = await signed_in(system, WOLFGANG)  # a coordinator not named for it: not among his tasks
    assert f'href="/arbeitsplan/{item_id}"' not in (await wolfgang.get("/aufgaben")).text


async def sign_in_link(system, address: str, count: int = 1) -> str:
    for _ in range(300):
        mails = [m for m in system.smtp.mailbox.to(address) if "Anmeldelink" in m.message["Subject"]]
        if len(mails) >= count:
            return mails[count - 1].link("anmelden/link").split("token=", 1)[1]
        await asyncio.sleep(0.05)
    raise AssertionError(f"kein Anmeldelink an {address}")


async def test_a_person_named_in_the_plan_signs_in_from_the_reminder_and_finds_their_items(system) -> None:
    imported = await system.ask(
        e.IMPORT_WORK_PLAN,
        e.ImportWorkPlan(text="Plan für 2026\n\nKontakt zur LAG Betrieb aufnehmen.\nV: Gudrun\nT: Oktober 2026\n"),
    )
    item_id = imported.items[0].item_id
    mail = await system.mail("gudrun@example.org", "Überfällig")  # Gudrun: only a member of the list, no other role
    link = f"{ORIGIN}/arbeitsplan/{item_id}"
    assert link in mail.text

    http = system.browser()
    first = await http.get(link.removeprefix(ORIGIN))
    assert first.status_code == 303 and first.headers["location"] == f"/anmelden?weiter=/arbeitsplan/{item_id}"
    asked = await form_post(http, "/anmelden", {"adresse": "Gudrun@example.org", "weiter": f"/arbeitsplan/{item_id}"})
    nobody = await form_post(system.browser(), "/anmelden", {"adresse": "anna@example.org"})
    assert asked.status_code == nobody.status_code == 200
    assert text_of(asked.text) == text_of(nobody.text).replace(
        'value="anna@example.org"', 'value="Gudrun@example.org"'
    )  # the same answer for a person with a role and one without
    token = await sign_in_link(system, "gudrun@example.org")
    signed = await form_post(http, "/anmelden/link", {"token": token})
    assert signed.status_code == 303 and signed.headers["location"] == f"/arbeitsplan/{item_id}"

    shown = await http.get(f"/arbeitsplan/{item_id}")
    assert shown.status_code == 200 and f'action="/arbeitsplan/{item_id}/erledigt"' in shown.text
    assert f'action="/arbeitsplan/{item_id}/termin"' not in shown.text  # V and T stay with the Landesgeschäftsstelle
    tasks = await http.get("/aufgaben")
    assert "Verantwortlich für Punkte im Arbeitsplan" in tasks.text and f'href="/arbeitsplan/{item_id}"' in tasks.text
    mine = await http.get("/arbeitsplan", params={"meine": "1"})
    assert mine.status_code == 200 and item_id in mine.text and "„Gudrun“" in text_of(mine.text)
    assert (await form_post(http, f"/arbeitsplan/{item_id}/erledigt", {})).status_code == 303

    # done: the role ends with the next request, and no new link is mailed
    assert (await http.get("/arbeitsplan")).status_code == 403
    await form_post(system.browser(), "/anmelden", {"adresse": "gudrun@example.org"})
    await form_post(system.browser(), "/anmelden", {"adresse": KATHRIN})  # a link that does come, after
    await sign_in_link(system, KATHRIN)
    assert len([m for m in system.smtp.mailbox.to("gudrun@example.org") if "Anmeldelink" in m.message["Subject"]]) == 1
