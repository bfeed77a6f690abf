"""The list moderator's pages (issue 14) over a real nats-server, the real notifications service and registry
(in-process), a real SMTP server and the gateway app in-process: each page with real data, who may see them,
deciding several requests at once, adding several addresses, paging, roles, the audit log, a message to all
with its preview and its delivery, the list's settings."""

from __future__ import annotations

import asyncio
import re
from html import unescape

import pytest

from shared.contracts import notifications as n
from shared.contracts import registry as r
from tests.web import form_post, signed_in, web_system

LAG = "lag-hartz-iv-sachsen"
KATHRIN = "kathrin@example.org"
ROWS = re.compile(r"<tr class=\"bn-table__row\">\s*<th scope=\"row\"", re.S)


def text_of(html: str) -> str:
    """The page's visible text, roughly: tags out, entities decoded, blanks folded."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def table_rows(html: str) -> int:
    body = html.split('<tbody class="bn-table__body">', 1)[1].split("</tbody>", 1)[0]
    return body.count('<tr class="bn-table__row">')


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    async with web_system(nats_server, broker, tmp_path) as made:
        await made.ask(
            n.CREATE_LIST,
            n.CreateList(name="LAG Hartz IV Sachsen", policy="moderiert", owner_address=KATHRIN, owner_name="Kathrin"),
        )
        # the owner administers the list; the moderation role is what the pages are for
        await made.ask(
            n.SET_ROLE, n.SetRole(list_id=LAG, moderator="test", admin=True, address=KATHRIN, role="moderation")
        )
        yield made


async def subscribe(system, address: str, name: str) -> None:
    await system.ask(n.SUBSCRIBE, n.Subscribe(list_id=LAG, address=address, display_name=name))


async def test_every_page_renders_for_the_moderator_and_no_one_else_sees_them(system) -> None:
    await subscribe(system, "gudrun@example.org", "Gudrun")
    kathrin = await signed_in(system, KATHRIN)
    overview = await kathrin.get("/moderation")
    assert overview.status_code == 200, overview.text
    assert "LAG Hartz IV Sachsen" in overview.text and f'href="/moderation/{LAG}"' in overview.text
    row = text_of(overview.text.split(f'href="/moderation/{LAG}"', 1)[1].split("</tr>", 1)[0])
    assert "1" in row  # one request waits
    for suffix in (
        "",
        "/anfragen",
        "/mitglieder",
        "/mitglieder/hinzufuegen",
        "/protokoll",
        "/nachricht",
        "/versand",
        "/einstellungen",
    ):
        page = await kathrin.get(f"/moderation/{LAG}{suffix}")
        assert page.status_code == 200, (suffix, page.text)
        assert '<html lang="de">' in page.text and "LAG Hartz IV Sachsen" in page.text
        for label in re.findall(r'<input class="bn-input[^"]*" id="([^"]+)"', page.text):
            assert f'<label class="bn-label" for="{label}">' in page.text, (suffix, label)
        assert "<table" not in page.text or "<caption" in page.text, suffix
    person = await kathrin.get(f"/moderation/{LAG}/mitglieder/person", params={"adresse": KATHRIN})
    assert person.status_code == 200 and "Moderation" in person.text

    # a plain member, a coordinator of another group's list, and someone unknown: 403, in German
    await system.ask(
        n.ADD_MEMBER, n.AddMember(list_id=LAG, moderator=KATHRIN, address="anna@example.org", display_name="Anna")
    )
    district = await system.ask(r.ADD_DISTRICT, r.AddDistrict(name="Vogtland", state="SN"))
    await system.ask(
        r.FORM_GROUP,
        r.FormGroup(
            name="Vogtland",
            state="SN",
            district_ids=[district.district_id],
            coordinator=r.Coordinator(name="Wolfgang", email="wolfgang@example.org"),
        ),
    )
    for address in ("anna@example.org", "wolfgang@example.org", "niemand@example.org"):
        other = await signed_in(system, address)
        for path in (f"/moderation/{LAG}", f"/moderation/{LAG}/mitglieder", f"/moderation/{LAG}/protokoll"):
            refused = await other.get(path)
            assert refused.status_code == 403, (address, path)
            assert "moderieren Sie nicht" in refused.text and '<html lang="de">' in refused.text
        posted = await form_post(other, f"/moderation/{LAG}/mitglieder/entfernen", {"adresse": KATHRIN})
        assert posted.status_code == 403
    landesbuero = await signed_in(system, "landesbuero@beratungsnetz.example")  # admin: may moderate every list
    listed = await landesbuero.get("/moderation")
    assert listed.status_code == 200 and f'href="/moderation/{LAG}"' in listed.text
    assert (await landesbuero.get(f"/moderation/{LAG}/mitglieder")).status_code == 200
    nobody = await system.browser().get(f"/moderation/{LAG}/anfragen")
    assert nobody.status_code == 303 and nobody.headers["location"].startswith("/anmelden?weiter=")
    members = await system.ask(n.MEMBERS, n.MembersQuery(list_id=LAG, moderator=KATHRIN, search=KATHRIN))
    assert [m.status for m in members.members] == ["aktiv"]  # the refused POST changed nothing


async def test_several_requests_are_decided_at_once_and_each_is_reported(system) -> None:
    await subscribe(system, "gudrun@example.org", "Gudrun Beispiel")
    await subscribe(system, "thea@example.org", "")
    await subscribe(system, "frank@example.org", "Frank")
    kathrin = await signed_in(system, KATHRIN)
    page = await kathrin.get(f"/moderation/{LAG}/anfragen")
    assert "Gudrun Beispiel" in page.text and "Aufnahme in den Verteiler" in page.text
    ids = dict(
        re.findall(r'name="annehmen" value="([^"]+)">Annehmen<span class="bn-visually-hidden">: ([^<]+)<', page.text)
    )
    by_name = {name: request_id for request_id, name in ids.items()}
    assert set(by_name) == {"Gudrun Beispiel", "thea@example.org", "Frank"}

    nothing = await form_post(kathrin, f"/moderation/{LAG}/anfragen", {"aktion": "annehmen"})
    assert nothing.status_code == 422 and 'href="#anfrage"' in nothing.text
    assert "Bitte wählen Sie mindestens eine Anfrage aus." in nothing.text

    chosen = [by_name["Gudrun Beispiel"], by_name["thea@example.org"]]
    decided = await form_post(kathrin, f"/moderation/{LAG}/anfragen", {"anfrage": chosen, "aktion": "annehmen"})
    assert decided.status_code == 303 and decided.headers["location"] == f"/moderation/{LAG}/anfragen"
    after = await kathrin.get(decided.headers["location"])
    banner = text_of(after.text.split('class="bn-notification-banner', 1)[1].split("</div>\n</div>", 1)[0])
    assert "2 Anfragen aufgenommen." in banner
    assert "Gudrun Beispiel (gudrun@example.org): aufgenommen" in banner and "thea@example.org: aufgenommen" in banner
    assert "<li>Gudrun Beispiel (gudrun@example.org): aufgenommen</li>" in after.text  # one line each
    assert "Gudrun Beispiel" not in after.text.split("</h1>", 1)[1].split("bn-notification", 1)[0]
    members = await system.ask(n.MEMBERS, n.MembersQuery(list_id=LAG, moderator=KATHRIN, status="aktiv"))
    assert {"gudrun@example.org", "thea@example.org"} <= {m.address for m in members.members}

    # one row's own button: reject with a reason, which goes to Frank
    rejected = await form_post(
        kathrin, f"/moderation/{LAG}/anfragen", {"ablehnen": by_name["Frank"], "grund": "Nur für Mitglieder der LAG."}
    )
    assert rejected.status_code == 303
    mail = await system.mail("frank@example.org", "")
    assert "Nur für Mitglieder der LAG." in mail.message.get_body(("plain",)).get_content()
    assert (await system.ask(n.PENDING, n.ListQuery(list_id=LAG, moderator=KATHRIN))).requests == []


async def test_adding_several_addresses_reports_each_line_and_keeps_the_bad_ones(system) -> None:
    kathrin = await signed_in(system, KATHRIN)
    box = "steffen@example.org\nGudrun Beispiel <gudrun@example.org>\nkein-at-zeichen\nkathrin@example.org\n\nsteffen@example.org\n"
    added = await form_post(
        kathrin,
        f"/moderation/{LAG}/mitglieder/hinzufuegen",
        {"adressen": box, "rolle": "mitglied", "zustellung": "taeglich"},
    )
    assert added.status_code == 422
    text = text_of(added.text)
    assert "Zeile 1: steffen@example.org hinzugefügt" in text
    assert "Zeile 2: Gudrun Beispiel <gudrun@example.org> hinzugefügt" in text
    assert "Zeile 3: kein-at-zeichen nicht hinzugefügt „kein-at-zeichen“ ist keine gültige E-Mail-Adresse." in text
    assert "Zeile 4: kathrin@example.org nicht hinzugefügt ist schon Mitglied" in text
    assert "Zeile 6: steffen@example.org nicht hinzugefügt Dieselbe Adresse steht schon in Zeile 1." in text
    assert 'href="#adressen"' in added.text  # the error summary leads to the box
    kept = unescape(added.text.split('id="adressen"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0])
    assert kept == "kein-at-zeichen\nkathrin@example.org\nsteffen@example.org"
    members = {
        m.address: m for m in (await system.ask(n.MEMBERS, n.MembersQuery(list_id=LAG, moderator=KATHRIN))).members
    }
    assert members["gudrun@example.org"].display_name == "Gudrun Beispiel"
    assert members["steffen@example.org"].delivery == "taeglich"

    clean = await form_post(kathrin, f"/moderation/{LAG}/mitglieder/hinzufuegen", {"adressen": "thea@example.org"})
    assert clean.status_code == 303
    assert "1 Mitglied hinzugefügt." in text_of((await kathrin.get(clean.headers["location"])).text)


async def test_members_come_in_pages_of_fifty_and_are_found_by_name(system) -> None:
    kathrin = await signed_in(system, KATHRIN)
    box = "\n".join(f"Person {i:03d} <person{i:03d}@example.org>" for i in range(119))
    added = await form_post(kathrin, f"/moderation/{LAG}/mitglieder/hinzufuegen", {"adressen": box})
    assert added.status_code == 303, text_of(added.text)[:2000]
    notice = text_of((await kathrin.get(added.headers["location"])).text)
    assert (
        "119 Mitglieder hinzugefügt." in notice and "Zeile 1: Person 000 <person000@example.org>: hinzugefügt" in notice
    )
    assert re.search(r"… und \d+ weitere", notice)  # the notice stays small enough for its cookie
    first = await kathrin.get(f"/moderation/{LAG}/mitglieder")
    assert "120 Mitglieder, angezeigt 1 bis 50." in text_of(first.text) and table_rows(first.text) == 50
    assert "Seite 1 von 3" in first.text and 'aria-label="Seite 3"' in first.text
    last = await kathrin.get(f"/moderation/{LAG}/mitglieder", params={"status": "aktiv", "seite": "3"})
    assert table_rows(last.text) == 20 and "angezeigt 101 bis 120" in text_of(last.text)
    found = await kathrin.get(f"/moderation/{LAG}/mitglieder", params={"suche": "person007"})
    assert table_rows(found.text) == 1 and "Person 007" in found.text
    roles = await kathrin.get(f"/moderation/{LAG}/mitglieder", params={"rolle": "moderation"})
    assert table_rows(roles.text) == 1 and KATHRIN in roles.text
    beyond = await kathrin.get(f"/moderation/{LAG}/mitglieder", params={"seite": "99"})
    assert beyond.status_code == 200 and table_rows(beyond.text) == 20


async def test_granting_moderation_makes_a_moderator_and_the_audit_log_shows_it(system) -> None:
    await system.ask(
        n.ADD_MEMBER, n.AddMember(list_id=LAG, moderator=KATHRIN, address="gudrun@example.org", display_name="Gudrun")
    )
    gudrun = await signed_in(system, "gudrun@example.org")
    assert (await gudrun.get(f"/moderation/{LAG}")).status_code == 403
    kathrin = await signed_in(system, KATHRIN)
    members = await kathrin.get(f"/moderation/{LAG}/mitglieder")
    link = unescape(re.search(r'href="([^"]+person\?adresse=gudrun[^"]+)"', members.text).group(1))
    person = await kathrin.get(link)
    role_link = unescape(re.search(r'href="([^"]+/rolle\?adresse=[^"]+)"', person.text).group(1))
    form = await kathrin.get(role_link)
    assert 'value="moderation"' in form.text and "Welche Rolle soll die Person haben?" in form.text
    changed = await form_post(
        kathrin, f"/moderation/{LAG}/mitglieder/rolle", {"adresse": "gudrun@example.org", "rolle": "moderation"}
    )
    assert changed.status_code == 303
    assert "Gudrun hat jetzt die Rolle „Moderation“." in text_of((await kathrin.get(changed.headers["location"])).text)
    roles = await system.ask(n.ROLES_OF, n.RolesOf(address="gudrun@example.org"))
    assert [m.list_id for m in roles.moderates] == [LAG]
    assert (await gudrun.get(f"/moderation/{LAG}")).status_code == 200  # at the next request, no new sign-in

    delivery = await form_post(
        kathrin,
        f"/moderation/{LAG}/mitglieder/zustellung",
        {"adresse": "gudrun@example.org", "zustellung": "woechentlich"},
    )
    assert delivery.status_code == 303
    bad = await form_post(
        kathrin, f"/moderation/{LAG}/mitglieder/adresse", {"adresse": "gudrun@example.org", "neue_adresse": "kaputt"}
    )
    assert bad.status_code == 422 and 'href="#neue_adresse"' in bad.text
    moved = await form_post(
        kathrin,
        f"/moderation/{LAG}/mitglieder/adresse",
        {"adresse": "gudrun@example.org", "neue_adresse": "gudrun@beispiel.org"},
    )
    assert moved.status_code == 303
    await system.mail("gudrun@beispiel.org", "")
    confirm = await kathrin.get(f"/moderation/{LAG}/mitglieder/entfernen", params={"adresse": "gudrun@example.org"})
    assert "Ja, entfernen" in confirm.text
    removed = await form_post(kathrin, f"/moderation/{LAG}/mitglieder/entfernen", {"adresse": "gudrun@example.org"})
    assert removed.status_code == 303
    assert (await gudrun.get(f"/moderation/{LAG}")).status_code == 403  # removed: no longer a moderator

    log = await kathrin.get(f"/moderation/{LAG}/protokoll")
    text = text_of(log.text)
    for action in (
        "Rolle geändert",
        "Zustellung geändert",
        "Adressänderung beantragt",
        "Mitglied entfernt",
        "Mitglied hinzugefügt",
    ):
        assert action in text, action
    assert '<option value="rolle_geaendert">Rolle geändert</option>' in log.text
    only_roles = await kathrin.get(f"/moderation/{LAG}/protokoll", params={"aktion": "rolle_geaendert"})
    assert table_rows(only_roles.text) == 2  # Kathrin's own in the fixture, Gudrun's here
    by_person = await kathrin.get(
        f"/moderation/{LAG}/protokoll", params={"person": "gudrun", "von": "01.01.2020", "bis": "31.12.2099"}
    )
    assert table_rows(by_person.text) == 5
    none = await kathrin.get(f"/moderation/{LAG}/protokoll", params={"bis": "01.01.2000"})
    assert "Keine Einträge" in none.text
    wrong = await kathrin.get(f"/moderation/{LAG}/protokoll", params={"von": "32.13.2026"})
    assert wrong.status_code == 422 and 'href="#von"' in wrong.text


async def test_a_message_is_previewed_sent_and_its_delivery_counted(system) -> None:
    for name in ("gudrun", "thea", "steffen"):
        await system.ask(n.ADD_MEMBER, n.AddMember(list_id=LAG, moderator=KATHRIN, address=f"{name}@example.org"))
    kathrin = await signed_in(system, KATHRIN)
    empty = await form_post(kathrin, f"/moderation/{LAG}/nachricht", {"betreff": "", "text": "Hallo"})
    assert empty.status_code == 422 and 'href="#betreff"' in empty.text and ">Hallo</textarea>" in empty.text
    preview = await form_post(
        kathrin,
        f"/moderation/{LAG}/nachricht",
        {"betreff": "Treffen im Oktober", "text": "Liebe alle,\nwir treffen uns."},
    )
    assert preview.status_code == 200, preview.text
    text = text_of(preview.text)
    assert (
        "Subject [LAG Hartz IV Sachsen] Treffen im Oktober" in text
        and "List-Unsubscribe" in text
        and "wir treffen uns." in text
    )
    assert "Jetzt an 4 Mitglieder senden" in text
    back = await form_post(
        kathrin,
        f"/moderation/{LAG}/nachricht/senden",
        {"betreff": "Treffen im Oktober", "text": "x", "schritt": "aendern"},
    )
    assert back.status_code == 200 and 'value="Treffen im Oktober"' in back.text
    sent = await form_post(
        kathrin,
        f"/moderation/{LAG}/nachricht/senden",
        {"betreff": "Treffen im Oktober", "text": "Liebe alle,\nwir treffen uns.", "schritt": "senden"},
    )
    assert sent.status_code == 303 and sent.headers["location"].startswith(f"/moderation/{LAG}/versand/")
    page = await kathrin.get(sent.headers["location"])
    assert "Ihre Nachricht „Treffen im Oktober“ geht an 4 Mitglieder." in text_of(page.text)
    for _ in range(100):
        if "Der Versand ist abgeschlossen" in page.text:
            break
        assert page.headers.get("refresh") == "3" and "lädt sich alle 3 Sekunden neu" in page.text
        await asyncio.sleep(0.1)
        page = await kathrin.get(sent.headers["location"])
    assert "refresh" not in page.headers
    text = text_of(page.text)
    assert "Empfänger:innen 4" in text and "Zugestellt 4" in text and "Fehlgeschlagen 0" in text
    await system.mail("thea@example.org", "Treffen im Oktober")
    listing = await kathrin.get(f"/moderation/{LAG}/versand")
    assert "Treffen im Oktober" in listing.text and table_rows(listing.text) == 1


async def test_settings_are_saved_and_refused_input_comes_back(system) -> None:
    kathrin = await signed_in(system, KATHRIN)
    form = await kathrin.get(f"/moderation/{LAG}/einstellungen")
    assert 'value="moderiert" checked' in form.text and "Freigabe durch die Moderation" in form.text
    missing = await form_post(
        kathrin,
        f"/moderation/{LAG}/einstellungen",
        {"name": " ", "beschreibung": "Bleibt", "richtlinie": "offen", "willkommen": ""},
    )
    assert missing.status_code == 422 and 'href="#name"' in missing.text and "Bleibt</textarea>" in missing.text
    saved = await form_post(
        kathrin,
        f"/moderation/{LAG}/einstellungen",
        {
            "name": "LAG Hartz IV Sachsen – Mitglieder",
            "beschreibung": "Austausch der LAG",
            "richtlinie": "bestaetigen",
            "willkommen": "Schön, dass Sie da sind.",
        },
    )
    assert saved.status_code == 303
    again = await kathrin.get(saved.headers["location"])
    assert "Die Einstellungen sind gespeichert." in text_of(again.text)
    assert 'value="bestaetigen" checked' in again.text and "Schön, dass Sie da sind.</textarea>" in again.text
    listed = {m.list_id: m for m in (await system.ask(n.LISTS, n.ListsQuery())).lists}[LAG]
    assert (listed.name, listed.policy, listed.description, listed.welcome_text) == (
        "LAG Hartz IV Sachsen – Mitglieder",
        "bestaetigen",
        "Austausch der LAG",
        "Schön, dass Sie da sind.",
    )
    # a page about one list asks for that one only (issue 21): the same list, without every other list's count
    await system.ask(n.CREATE_LIST, n.CreateList(name="Andere Liste", owner_address="olaf@example.org"))
    only = (await system.ask(n.LISTS, n.ListsQuery(list_id=LAG))).lists
    assert only == [listed] and len((await system.ask(n.LISTS, n.ListsQuery())).lists) == 2


async def test_a_silent_notifications_service_is_a_german_503_not_a_403(system) -> None:
    kathrin = await signed_in(system, KATHRIN)
    assert (await kathrin.get(f"/moderation/{LAG}/mitglieder")).status_code == 200
    await system.services["notifications"].stop()
    for path in (f"/moderation/{LAG}/mitglieder", f"/moderation/{LAG}/anfragen"):
        down = await kathrin.get(path)
        assert down.status_code == 503, (path, down.status_code)
        assert "antwortet gerade nicht" in down.text and down.headers["retry-after"] == "5"
