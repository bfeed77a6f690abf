"""The regional groups' pages (issue 15, journey 2) over a real nats-server, the real registry, action planning and
notifications services (in-process), a real SMTP server and the gateway app in-process: every page renders, an
action goes plan → check → invite → answer (from the invitation mail's link) → confirm → report → evaluate through
the pages, who may do what (a coordinator only for their group, the board reads only, the Landesbüro may all), and
what the mails of this journey say (German dates, no repeated title, a link to the page where the reader acts)."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from html import unescape

import pytest

from shared.clock import BERLIN, german_when
from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from tests.web import ORIGIN, form_post, signed_in, web_system

VOGTLAND, ERZGEBIRGE, CHEMNITZ = "kathrin@example.org", "wolfgang@example.org", "susann@example.org"
BOARD, ADMIN = "vorstand@example.org", "landesbuero@beratungsnetz.example"
TITLE = "Zahltag-Aktion vor dem Jobcenter Plauen"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def accessible(html: str) -> None:
    """Every input has its label; every table a caption and header cells with scope."""
    for found in re.findall(r'<(?:input|textarea|select)[^>]*\bid="([^"]+)"', html):
        assert f'for="{found}"' in html, found
    assert html.count("<table") == html.count("<caption")
    assert "<th>" not in html and "<th " not in html.replace('<th scope="', "")


async def eventually(check, timeout: float = 10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("nicht rechtzeitig")
        await asyncio.sleep(0.1)


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    async with web_system(nats_server, broker, tmp_path, services=("notifications", "registry", "events")) as made:
        await made.sessions.grant(BOARD, "vorstand", ADMIN, made.clock.now())
        ids = {}
        for name, coordinator in (("Vogtland", VOGTLAND), ("Erzgebirge", ERZGEBIRGE), ("Chemnitz", CHEMNITZ)):
            district = await made.ask(r.ADD_DISTRICT, r.AddDistrict(name=f"KV {name}", state="SN"))
            group = await made.ask(
                r.FORM_GROUP,
                r.FormGroup(
                    name=name,
                    state="SN",
                    district_ids=[district.district_id],
                    coordinator=r.Coordinator(name=f"Koordination {name}", email=coordinator),
                ),
            )
            ids[name] = group.group_id

        async def ready() -> bool:
            known = await made.ask(e.GROUPS, e.GroupsQuery())
            lists = await made.ask(n.LISTS, n.ListsQuery())
            group_lists = [x for x in lists.lists if x.group_id in ids.values()]
            return len([g for g in known.groups if g.group_id in ids.values()]) == 3 and len(group_lists) == 3

        await eventually(ready)
        await made.ask(n.CREATE_LIST, n.CreateList(name="Landesvorstand", policy="moderiert", owner_address=BOARD))
        made.ids = ids  # type: ignore[attr-defined]
        yield made


def action_day(system) -> datetime:
    return (system.clock.now().astimezone(BERLIN) + timedelta(days=2)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )


async def plan(http, system, invite: list[str], **changes: str):
    """Fill in the planning form, check, save; the action's page."""
    day = action_day(system)
    values = {
        "art": "zahltag",
        "titel": TITLE,
        "jobcenter": "Jobcenter Plauen",
        "ort": "Neundorfer Straße 92",
        "datum": f"{day:%d.%m.%Y}",
        "beginn": "9:00",
        "ende": "11 Uhr",
        "verantwortlich": "Kathrin",
    } | changes
    data = values | {"eingeladen": [system.ids[g] for g in invite]}
    checked = await form_post(http, "/gruppen/vogtland/aktionen/neu", data)
    return values, checked


async def test_every_page_renders_and_the_journey_runs_through_them(system) -> None:
    kathrin = await signed_in(system, VOGTLAND)
    overview = await kathrin.get("/gruppen")
    assert overview.status_code == 200 and 'href="/gruppen/vogtland"' in overview.text
    assert 'href="/gruppen/erzgebirge"' not in overview.text  # only her own group
    assert 'href="/gruppen"' in overview.text  # the header's navigation
    for path in ("/gruppen/vogtland", "/gruppen/vogtland/einladungen", "/gruppen/vogtland/aktionen/neu"):
        shown = await kathrin.get(path)
        assert shown.status_code == 200, (path, shown.text)
        accessible(shown.text)
    form = (await kathrin.get("/gruppen/vogtland/aktionen/neu")).text
    assert "Erzgebirge" in form and "Chemnitz" in form and 'value="zahltag"' in form

    # the check step: what was understood, the LAG's guideline, nothing saved yet
    values, checked = await plan(kathrin, system, ["Erzgebirge", "Chemnitz"])
    assert checked.status_code == 200, checked.text
    check = text_of(checked.text)
    when = german_when(action_day(system), action_day(system) + timedelta(hours=2))
    assert "Leitlinie der LAG" in check and "nicht angegriffen fühlen" in check
    assert when in check and "Erzgebirge, Chemnitz" in check
    assert (await system.ask(e.ACTIONS, e.ActionsQuery())).actions == []
    accessible(checked.text)
    key = re.search(r'name="kennung" value="([^"]+)"', checked.text).group(1)

    data = values | {
        "schritt": "speichern",
        "kennung": key,
        "eingeladen": [system.ids["Erzgebirge"], system.ids["Chemnitz"]],
    }
    saved = await form_post(kathrin, "/gruppen/vogtland/aktionen/neu", data)
    assert saved.status_code == 303
    again = await form_post(kathrin, "/gruppen/vogtland/aktionen/neu", data)  # sent twice: still one action
    assert again.status_code == 303
    (action,) = (await system.ask(e.ACTIONS, e.ActionsQuery())).actions
    path = f"/gruppen/vogtland/aktionen/{action.action_id}"
    assert saved.headers["location"] == path
    shown = await kathrin.get(path)
    assert shown.status_code == 200 and "ist geplant" in shown.text and "Eingeladen: Erzgebirge, Chemnitz" in shown.text
    accessible(shown.text)
    page_text = text_of(shown.text)
    assert "Noch keine Antwort von: Erzgebirge, Chemnitz." in page_text and "Aktion bestätigen" not in page_text
    assert when in page_text

    # a second action the same day at the same job centre: the check warns
    _, clash = await plan(
        kathrin, system, [], titel="Infostand am Jobcenter Plauen", art="info", beginn="13:00", ende="14:00"
    )
    assert f"Am selben Tag ist am Jobcenter Plauen schon „{TITLE}“ geplant (09:00 Uhr)." in text_of(clash.text)

    # the invitation mail: German date, the title once, "Sie", the link to exactly the page where one answers
    mail = await system.mail(ERZGEBIRGE, f"Einladung: {TITLE}")
    body = mail.text
    assert when in body and body.count(TITLE) == 1 and "Zahltag-Aktion vor dem Jobcenter:" not in body
    assert "gebt" not in body and "beachtet" not in body and "Bitte beachten Sie" in body
    link = f"{ORIGIN}/gruppen/erzgebirge/einladungen#aktion-{action.action_id}"
    assert link in body
    (ics,) = list(mail.message.iter_attachments())
    assert f"SUMMARY:{TITLE}" in ics.get_content()

    # Erzgebirge's coordinator follows the link: after sign-in, the page with the anchor, and accepts
    wolfgang = system.browser()
    first = await wolfgang.get(link.removeprefix(ORIGIN))
    assert first.status_code == 303 and first.headers["location"] == "/anmelden?weiter=/gruppen/erzgebirge/einladungen"
    wolfgang = await signed_in(system, ERZGEBIRGE, wolfgang)
    tasks = await wolfgang.get("/aufgaben")
    assert f'href="/gruppen/erzgebirge/einladungen#aktion-{action.action_id}"' in tasks.text
    invitations = await wolfgang.get("/gruppen/erzgebirge/einladungen")
    assert f'id="aktion-{action.action_id}"' in invitations.text and "Zusagen" in invitations.text
    accessible(invitations.text)
    answered = await form_post(
        wolfgang, "/gruppen/erzgebirge/einladungen", {"aktion": action.action_id, "antwort": "zusagen"}
    )
    assert answered.status_code == 303
    assert "zugesagt" in (await wolfgang.get(answered.headers["location"])).text
    assert f"aktion-{action.action_id}" not in (await wolfgang.get("/aufgaben")).text  # the task is done

    # Vogtland's coordination hears of it, with the state of all answers and the action's page
    answer = await system.mail(VOGTLAND, f"Erzgebirge hat zugesagt: {TITLE}")
    assert "- Erzgebirge: zugesagt" in answer.text and "- Chemnitz: noch keine Antwort" in answer.text
    assert f"{ORIGIN}{path}" in answer.text and when in answer.text

    susann = await signed_in(system, CHEMNITZ)
    await form_post(susann, "/gruppen/chemnitz/einladungen", {"aktion": action.action_id, "antwort": "absagen"})
    await system.mail(VOGTLAND, f"Chemnitz hat abgesagt: {TITLE}")

    # reschedule: the invited group that did not decline is told
    moved = action_day(system) + timedelta(hours=1)
    change = values | {"beginn": "10:00", "ende": "12:00"}
    checked = await form_post(kathrin, f"{path}/aendern", change)
    assert checked.status_code == 200 and "Änderung speichern" in checked.text
    changed = await form_post(kathrin, f"{path}/aendern", change | {"schritt": "speichern"})
    assert changed.status_code == 303
    told = await system.mail(ERZGEBIRGE, f"Neuer Termin: {TITLE}")
    assert german_when(moved, moved + timedelta(hours=2)) in told.text
    assert f"{ORIGIN}/gruppen/erzgebirge/aktionen/{action.action_id}" in told.text
    await asyncio.sleep(0.3)
    assert not [m for m in system.smtp.mailbox.to(CHEMNITZ) if "Neuer Termin" in m.message["Subject"]]

    # everyone answered and someone is responsible: the button is there; confirm
    shown = await kathrin.get(path)
    assert "Aktion bestätigen" in shown.text
    confirmed = await form_post(kathrin, f"{path}/bestaetigen", {})
    assert confirmed.status_code == 303
    assert "bestätigt" in (await system.ask(e.ACTION, e.ActionRef(action_id=action.action_id))).status
    confirmed_mail = await system.mail(ERZGEBIRGE, f"Aktion bestätigt: {TITLE}")
    assert f"{ORIGIN}/gruppen/erzgebirge/aktionen/{action.action_id}" in confirmed_mail.text

    # the calendar: by the group's readable name, on the page with webcal://
    calendar = await kathrin.get("/gruppen/erzgebirge/kalender")
    assert calendar.status_code == 403  # not her group
    calendar = await wolfgang.get("/gruppen/erzgebirge/kalender")
    assert 'href="webcal://gateway/kalender/erzgebirge.ics"' in calendar.text
    for client in ("Thunderbird", "Outlook", "Google", "Nextcloud", "iPhone"):
        assert client in calendar.text
    feed = await system.http.get("/kalender/erzgebirge.ics")
    assert feed.status_code == 200 and f"SUMMARY:{TITLE}" in feed.text.replace("\r\n ", "")

    # before it has begun: no report form, and why
    shown = await kathrin.get(path)
    assert "Den Bericht können Sie eintragen, sobald die Aktion begonnen hat" in shown.text
    system.advance(timedelta(days=3))
    kathrin = await signed_in(system, VOGTLAND)  # the session ended while the days passed
    shown = await kathrin.get(path)
    assert 'for="teilnehmende"' in shown.text
    reported = await form_post(
        kathrin,
        f"{path}/bericht",
        {"teilnehmende": "14", "notizen": "Gute Gespräche.", "presse": "https://zeitung.example/zahltag"},
    )
    assert reported.status_code == 303
    after = await kathrin.get(path)
    assert "Der Bericht ist eingetragen" in after.text, text_of(after.text)[:1500]
    board_mail = await system.mail(BOARD, f"Aktion durchgeführt: {TITLE}")
    assert "Teilnehmende: 14" in board_mail.text and "Gute Gespräche." in board_mail.text
    assert "https://zeitung.example/zahltag" in board_mail.text and f"{ORIGIN}{path}" in board_mail.text
    assert "Erzgebirge" in board_mail.text  # the groups that took part
    evaluated = await form_post(kathrin, f"{path}/auswertung", {"auswertung": "Nächstes Mal mit Flyern."})
    assert evaluated.status_code == 303
    final = await kathrin.get(path)
    assert "ausgewertet" in final.text and "Nächstes Mal mit Flyern." in final.text and "14" in final.text
    group = await kathrin.get("/gruppen/vogtland")
    past = group.text.split('id="vergangen"', 1)[1]
    assert TITLE in past


async def test_who_may_do_what(system) -> None:
    kathrin = await signed_in(system, VOGTLAND)
    planned = await system.ask(
        e.PLAN_ACTION,
        e.PlanAction(
            organiser_group_id=system.ids["Vogtland"],
            kind="info",
            title="Infoabend",
            start=action_day(system),
            end=action_day(system) + timedelta(hours=1),
        ),
    )
    action_id = planned.action.action_id
    await system.ask(e.INVITE_GROUPS, e.InviteGroups(action_id=action_id, group_ids=[system.ids["Erzgebirge"]]))
    path = f"/gruppen/vogtland/aktionen/{action_id}"

    # another group's coordinator: 403 pages in German, and POSTs change nothing
    wolfgang = await signed_in(system, ERZGEBIRGE)
    for get in ("/gruppen/vogtland", "/gruppen/vogtland/aktionen/neu", "/gruppen/vogtland/einladungen"):
        refused = await wolfgang.get(get)
        assert refused.status_code == 403 and "koordinieren Sie nicht" in refused.text, get
    for post in (f"{path}/bestaetigen", f"{path}/absagen", "/gruppen/vogtland/aktionen/neu"):
        assert (await form_post(wolfgang, post, {"grund": "x"})).status_code == 403, post
    # the invited group sees the action under its own name, but cannot change it
    own = await wolfgang.get(f"/gruppen/erzgebirge/aktionen/{action_id}")
    assert own.status_code == 200 and "Jetzt zusagen oder absagen" in own.text and "Aktion absagen" not in own.text
    assert (await form_post(wolfgang, f"/gruppen/erzgebirge/aktionen/{action_id}/absagen", {})).status_code == 403
    # Vogtland cannot answer for Erzgebirge
    assert (
        await form_post(kathrin, "/gruppen/erzgebirge/einladungen", {"aktion": action_id, "antwort": "zusagen"})
    ).status_code == 403

    # the board reads every group, gets no forms, and its POSTs are refused
    board = await signed_in(system, BOARD)
    listed = await board.get("/gruppen")
    assert all(f'href="/gruppen/{slug}"' in listed.text for slug in ("vogtland", "erzgebirge", "chemnitz"))
    for get in ("/gruppen/vogtland", path, "/gruppen/erzgebirge/einladungen", "/gruppen/vogtland/kalender"):
        shown = await board.get(get)
        assert shown.status_code == 200, get
        assert '<form method="post" action="/gruppen' not in shown.text, get
    assert (await board.get("/gruppen/vogtland/aktionen/neu")).status_code == 403
    for post in (f"{path}/absagen", "/gruppen/erzgebirge/einladungen"):
        refused = await form_post(board, post, {"aktion": action_id, "antwort": "zusagen"})
        assert refused.status_code == 403 and "nichts ändern" in refused.text
    status = (await system.ask(e.ACTION, e.ActionRef(action_id=action_id))).status
    assert status == "geplant"

    # the Landesbüro may act for any group
    admin = await signed_in(system, ADMIN)
    answered = await form_post(admin, "/gruppen/erzgebirge/einladungen", {"aktion": action_id, "antwort": "absagen"})
    assert answered.status_code == 303
    shown = await admin.get(path)
    assert "Es ist noch niemand verantwortlich" in shown.text  # why there is no confirm button
    cancelled = await form_post(admin, f"{path}/absagen", {"grund": "Raum nicht frei"})
    assert cancelled.status_code == 303
    snapshot = await system.ask(e.ACTION, e.ActionRef(action_id=action_id))
    assert snapshot.status == "abgesagt" and snapshot.cancel_reason == "Raum nicht frei"

    # unknown group, unknown action, not signed in
    assert (await kathrin.get("/gruppen/gibt-es-nicht")).status_code == 404
    assert (await kathrin.get("/gruppen/vogtland/aktionen/unbekannt")).status_code == 404
    nobody = await system.browser().get("/gruppen/vogtland")
    assert nobody.status_code == 303 and nobody.headers["location"] == "/anmelden?weiter=/gruppen/vogtland"


async def test_the_planning_form_reads_what_people_type_and_says_what_is_wrong(system) -> None:
    kathrin = await signed_in(system, VOGTLAND)
    _, wrong = await plan(kathrin, system, [], datum="31.02.2026", beginn="25:00", jobcenter="", titel="")
    assert wrong.status_code == 422
    shown = text_of(wrong.text)
    assert "„31.02.2026“ ist kein Datum" in shown and "„25:00“ ist keine Uhrzeit" in shown
    assert (
        "Für eine Zahltag-Aktion bitte das Jobcenter angeben" in shown
        and "Bitte geben Sie der Aktion einen Titel" in shown
    )
    assert 'value="31.02.2026"' in wrong.text  # what was typed comes back
    _, backwards = await plan(kathrin, system, [], beginn="11:00", ende="9:00")
    assert backwards.status_code == 422 and "Das Ende muss nach dem Beginn liegen" in backwards.text
    values, fine = await plan(kathrin, system, [], art="treffen", jobcenter="", beginn="18.30", ende="20 Uhr")
    assert fine.status_code == 200 and "Leitlinie der LAG" not in fine.text  # not at a job centre
    assert german_when(action_day(system).replace(hour=18, minute=30), action_day(system).replace(hour=20)) in text_of(
        fine.text
    )
    corrected = await form_post(
        kathrin,
        "/gruppen/vogtland/aktionen/neu",
        values | {"beginn": "18.30", "ende": "20 Uhr", "art": "treffen", "jobcenter": "", "schritt": "korrigieren"},
    )
    assert corrected.status_code == 200 and 'value="18.30"' in corrected.text
    assert (await system.ask(e.ACTIONS, e.ActionsQuery())).actions == []
