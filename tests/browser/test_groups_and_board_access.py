"""Issue 15's pages in a real browser: who may do what, and axe-core on every page in each of its states.

- A coordinator acts only for their own group: another group's pages and forms answer with a German 403 page, and
  a form sent to them changes nothing.
- A board member reads every group, the work plan and the dashboard, finds no form there, and a POST is refused
  with a German 403 page.
- axe-core on every page of this issue (groups, planning with its check step and errors, an action in each state,
  invitations, calendar, work plan with filters, an item, the import with its preview and error, the dashboard for
  each period, the report archive and one report, "Meine Aufgaben" with invitations, work items and the board's
  part): any finding fails, also a moderate or minor one (`support.Sweep`). The recorder fails the test if a page
  talks to another host.

The data are made over NATS, as the services' own tests do; the pages are reached the way a person reaches them.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

from shared.clock import BERLIN
from shared.contracts import events as e
from tests.browser.regional import ADMIN, BOARD, COORDINATORS, regional_groups
from tests.browser.support import Sweep, System, error_state

VOGTLAND, ERZGEBIRGE = COORDINATORS["Vogtland"], COORDINATORS["Erzgebirge"]


def plan(system: System, group_id: str, title: str, start, **extra) -> e.ActionSnapshot:
    fields = {"kind": "zahltag", "job_centre": "Jobcenter Plauen", "place": "Neundorfer Straße 92"} | extra
    planned = system.ask(
        e.PLAN_ACTION,
        e.PlanAction(organiser_group_id=group_id, title=title, start=start, end=start + timedelta(hours=2), **fields),
    )
    return planned.action


def post_form(page, path: str, fields: dict[str, str]) -> int:
    """Send a form to `path` from the page as a browser does (the page's CSRF token, the gateway's Origin), even
    one the page does not offer; returns the status of the page that comes back."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "bn_csrf")
    with page.expect_navigation() as answer:
        page.evaluate(
            """([action, fields]) => {
                const form = document.createElement('form');
                form.method = 'post';
                form.action = action;
                for (const [name, value] of Object.entries(fields)) {
                    const input = document.createElement('input');
                    input.type = 'hidden'; input.name = name; input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }""",
            [path, fields | {"csrf_token": token}],
        )
    return answer.value.status


def no_forms(page) -> None:
    """Nothing on the page's main part that changes data (a GET form to filter or choose a period may stay)."""
    from playwright.sync_api import expect

    expect(page.get_by_role("main").locator("form[method=post]")).to_have_count(0)


def test_a_coordinator_acts_only_for_their_group_and_the_board_changes_nothing(system: System, new_context) -> None:
    from playwright.sync_api import expect

    ids = regional_groups(system)
    start = (system.clock.now() + timedelta(days=3)).astimezone(BERLIN).replace(hour=14, minute=0, second=0)
    action = plan(system, ids["Vogtland"], "Infostand Rollen Plauen", start, responsible=["Kathrin"])
    system.ask(e.INVITE_GROUPS, e.InviteGroups(action_id=action.action_id, group_ids=[ids["Erzgebirge"]]))
    path = f"/gruppen/vogtland/aktionen/{action.action_id}"
    item = system.ask(e.ADD_WORK_ITEM, e.AddWorkItem(text="Rollen: Flyer drucken", responsible="Anna", timing="stetig"))

    # Erzgebirge's coordinator: Vogtland's pages are a German 403 page, a form sent there changes nothing
    context = new_context()
    system.sign_in(context, ERZGEBIRGE)
    wolfgang = context.new_page()
    for other in ("/gruppen/vogtland", "/gruppen/vogtland/aktionen/neu", "/gruppen/vogtland/einladungen", path):
        answer = wolfgang.goto(system.link(other))
        assert answer.status == 403, (other, answer.status)
        expect(wolfgang.get_by_role("heading", level=1)).to_have_text("Nicht erlaubt")
        expect(wolfgang.get_by_role("main")).to_contain_text("Diese Regionalgruppe koordinieren Sie nicht.")
    wolfgang.goto(system.link("/gruppen/erzgebirge"))
    for post, fields in (
        (f"{path}/absagen", {"grund": "Nicht meine Gruppe"}),
        (f"{path}/bestaetigen", {}),
        ("/gruppen/vogtland/aktionen/neu", {"titel": "Fremd", "schritt": "speichern"}),
    ):
        assert post_form(wolfgang, post, fields) == 403, post
        expect(wolfgang.get_by_role("heading", level=1)).to_have_text("Nicht erlaubt")
        wolfgang.goto(system.link("/gruppen/erzgebirge"))
    # the invited group sees the action under its own name and may answer, but cannot change it
    wolfgang.goto(system.link(f"/gruppen/erzgebirge/aktionen/{action.action_id}"))
    expect(wolfgang.get_by_role("link", name="Jetzt zusagen oder absagen")).to_be_visible()
    no_forms(wolfgang)
    assert post_form(wolfgang, f"/gruppen/erzgebirge/aktionen/{action.action_id}/absagen", {"grund": "x"}) == 403
    expect(wolfgang.get_by_role("main")).to_contain_text("ändern kann sie nur deren Koordination")
    assert system.ask(e.ACTION, e.ActionRef(action_id=action.action_id)).status == "geplant"

    # Vogtland's coordinator cannot answer for Erzgebirge
    kathrin = new_context()
    system.sign_in(kathrin, VOGTLAND)
    own = kathrin.new_page()
    own.goto(system.link("/gruppen/vogtland"))
    fields = {"aktion": action.action_id, "antwort": "zusagen"}
    assert post_form(own, "/gruppen/erzgebirge/einladungen", fields) == 403
    invited = system.ask(e.ACTION, e.ActionRef(action_id=action.action_id)).invitations
    assert [i.status for i in invited] == ["offen"]

    # the board reads every group, the work plan and the dashboard, with no form; a POST is a 403 page
    board = new_context()
    system.sign_in(board, BOARD)
    reader = board.new_page()
    reader.goto(system.link("/gruppen"))
    for name in ("Vogtland", "Erzgebirge", "Chemnitz"):
        expect(reader.get_by_role("link", name=name, exact=True)).to_be_visible()
    for readable in (
        "/gruppen",
        "/gruppen/vogtland",
        path,
        "/gruppen/erzgebirge/einladungen",
        "/gruppen/vogtland/kalender",
        "/arbeitsplan",
        f"/arbeitsplan/{item.item_id}",
        "/lage",
        "/lage/berichte",
    ):
        answer = reader.goto(system.link(readable))
        assert answer.status == 200, (readable, answer.status)
        no_forms(reader)
    assert reader.goto(system.link("/gruppen/vogtland/aktionen/neu")).status == 403
    assert reader.goto(system.link("/arbeitsplan/import")).status == 403
    for post, fields, says in (
        (f"{path}/absagen", {"grund": "Vorstand"}, "nichts ändern"),
        ("/gruppen/erzgebirge/einladungen", {"aktion": action.action_id, "antwort": "zusagen"}, "nichts ändern"),
        (f"/arbeitsplan/{item.item_id}/erledigt", {}, "Landesvorstand"),
        ("/lage", {"monate": "3"}, "nichts ändern"),
    ):
        reader.goto(system.link("/aufgaben"))
        assert post_form(reader, post, fields) == 403, post
        expect(reader.get_by_role("heading", level=1)).to_have_text("Nicht erlaubt")
        expect(reader.get_by_role("main")).to_contain_text(says)
    assert system.ask(e.ACTION, e.ActionRef(action_id=action.action_id)).status == "geplant"
    assert system.ask(e.WORK_ITEM, e.ItemRef(item_id=item.item_id)).status != "erledigt"


def test_every_page_of_groups_work_plan_and_dashboard_in_every_state(system: System, new_context) -> None:
    from playwright.sync_api import expect

    sweep = Sweep()
    ids = regional_groups(system)
    now = system.clock.now().astimezone(BERLIN)
    later = (now + timedelta(days=4)).replace(hour=9, minute=0, second=0, microsecond=0)
    earlier = (now - timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    v = ids["Vogtland"]

    # An action in each state, Vogtland's; Erzgebirge invited to the first, Chemnitz declined the second.
    waiting = plan(system, v, "Zahltag Prüfung Plauen", later, responsible=["Kathrin"])
    system.ask(e.INVITE_GROUPS, e.InviteGroups(action_id=waiting.action_id, group_ids=[ids["Erzgebirge"]]))
    confirmed = plan(
        system, v, "Frühstück Prüfung Plauen", later + timedelta(days=1), kind="fruehstueck", job_centre=""
    )
    system.ask(e.INVITE_GROUPS, e.InviteGroups(action_id=confirmed.action_id, group_ids=[ids["Chemnitz"]]))
    system.ask(
        e.RESPOND_TO_INVITATION,
        e.RespondToInvitation(action_id=confirmed.action_id, group_id=ids["Chemnitz"], accept=False),
    )
    system.ask(
        e.RESCHEDULE_ACTION,
        e.RescheduleAction(
            action_id=confirmed.action_id,
            kind="fruehstueck",
            title="Frühstück Prüfung Plauen",
            start=later + timedelta(days=1),
            end=later + timedelta(days=1, hours=2),
            responsible=["Kathrin"],
        ),
    )
    system.ask(e.CONFIRM_ACTION, e.ActionRef(action_id=confirmed.action_id))
    begun = plan(system, v, "Zahltag Prüfung begonnen", earlier, responsible=["Kathrin"])
    system.ask(e.CONFIRM_ACTION, e.ActionRef(action_id=begun.action_id))
    held = plan(system, v, "Zahltag Prüfung gehalten", earlier - timedelta(days=1), responsible=["Kathrin"])
    system.ask(e.CONFIRM_ACTION, e.ActionRef(action_id=held.action_id))
    report = {"participants": 9, "notes": "Ruhig.", "press": "https://zeitung.example/pruefung"}
    system.ask(e.COMPLETE_ACTION, e.CompleteAction(action_id=held.action_id, **report))
    evaluated = plan(system, v, "Zahltag Prüfung ausgewertet", earlier - timedelta(days=3), responsible=["Kathrin"])
    system.ask(e.CONFIRM_ACTION, e.ActionRef(action_id=evaluated.action_id))
    system.ask(e.COMPLETE_ACTION, e.CompleteAction(action_id=evaluated.action_id, participants=4))
    system.ask(e.EVALUATE_ACTION, e.EvaluateAction(action_id=evaluated.action_id, evaluation="Mehr Flyer."))
    cancelled = plan(system, v, "Zahltag Prüfung abgesagt", later + timedelta(days=2))
    system.ask(e.CANCEL_ACTION, e.CancelAction(action_id=cancelled.action_id, reason="Jobcenter geschlossen"))
    # The work plan: one item of the board overdue (for the board's "Meine Aufgaben"), one for the preview's error.
    system.ask(
        e.ADD_WORK_ITEM,
        e.AddWorkItem(
            text="Prüfung: Bericht an die Mitglieder", responsible="Landesvorstand", timing="III. Quartal 2017"
        ),
    )
    system.ask(e.COMPILE_PROGRESS, e.CompileProgress())  # a report in the archive

    # --- Vogtland's coordinator: list, group, planning (error, check with a clash), each action, calendar ---------
    context = new_context()
    system.sign_in(context, VOGTLAND)
    page = context.new_page()
    sweep.visit(page, system, "/gruppen", "Regionalgruppen, als Koordination")
    sweep.visit(page, system, "/gruppen/vogtland", "Regionalgruppe, bevorstehende und vergangene Aktionen")
    sweep.visit(page, system, "/gruppen/vogtland/aktionen/neu", "Aktion planen")
    page.get_by_role("button", name="Weiter zur Prüfung").click()
    error_state(page)
    sweep.check(page, "Aktion planen, leer (Fehler)")
    page.get_by_label("Zahltag-Aktion vor dem Jobcenter").check()
    page.get_by_label("Titel").fill("Zweiter Zahltag Prüfung")
    page.get_by_label("Jobcenter (bei Aktionen vor einem Jobcenter)").fill("Jobcenter Plauen")
    page.get_by_label("Datum").fill(f"{later:%d.%m.%Y}")
    page.get_by_label("Beginn (Uhrzeit)").fill("13:00")
    page.get_by_label("Ende (Uhrzeit)").fill("14:00")
    page.get_by_role("group", name="Welche Regionalgruppen laden Sie ein?").get_by_label("Erzgebirge").check()
    page.get_by_role("button", name="Weiter zur Prüfung").click()
    expect(page.locator("#warnungen")).to_contain_text("Zahltag Prüfung Plauen")
    sweep.check(page, "Aktion prüfen, mit Leitlinie und Überschneidung")
    page.get_by_role("button", name="Angaben ändern").click()
    expect(page.get_by_label("Titel")).to_have_value("Zweiter Zahltag Prüfung")
    sweep.check(page, "Aktion planen, zurück zum Ändern")
    for action, what in (
        (waiting, "Aktion geplant, wartet auf Antwort"),
        (confirmed, "Aktion bestätigt, noch nicht begonnen"),
        (begun, "Aktion begonnen, Bericht eintragen"),
        (held, "Aktion durchgeführt, auswerten"),
        (evaluated, "Aktion ausgewertet"),
        (cancelled, "Aktion abgesagt"),
    ):
        sweep.visit(page, system, f"/gruppen/vogtland/aktionen/{action.action_id}", what)
    page.goto(system.link(f"/gruppen/vogtland/aktionen/{begun.action_id}"))
    page.get_by_role("button", name="Bericht speichern").click()
    expect(page.locator(".bn-error-message")).to_contain_text("als ganze Zahl")
    sweep.check(page, "Aktion begonnen, Bericht ohne Zahl (Fehler)")
    page.goto(system.link(f"/gruppen/vogtland/aktionen/{held.action_id}"))
    page.get_by_role("button", name="Auswertung speichern").click()
    sweep.check(page, "Aktion durchgeführt, Auswertung leer (Fehler)")
    page.goto(system.link(f"/gruppen/vogtland/aktionen/{waiting.action_id}"))
    page.get_by_role("button", name="Einladen").click()
    sweep.check(page, "Aktion geplant, einladen ohne Auswahl (Fehler)")
    sweep.visit(page, system, f"/gruppen/vogtland/aktionen/{waiting.action_id}/aendern", "Aktion ändern")
    sweep.visit(page, system, "/gruppen/vogtland/einladungen", "Einladungen, keine")
    sweep.visit(page, system, "/gruppen/vogtland/kalender", "Kalender abonnieren")
    sweep.visit(page, system, "/gruppen/erzgebirge", "Regionalgruppe einer anderen Gruppe (403)", 403)

    # --- Erzgebirge: Meine Aufgaben with an invitation, the invitations waiting, then answered ----------------
    other = new_context()
    system.sign_in(other, ERZGEBIRGE)
    invited = other.new_page()
    sweep.visit(invited, system, "/aufgaben", "Meine Aufgaben, mit einer Einladung")
    expect(invited.get_by_role("link", name="Zahltag Prüfung Plauen")).to_be_visible()
    sweep.visit(invited, system, "/gruppen/erzgebirge/einladungen", "Einladungen, eine wartet")
    sweep.visit(invited, system, f"/gruppen/erzgebirge/aktionen/{waiting.action_id}", "Aktion, als eingeladene Gruppe")
    invited.goto(system.link("/gruppen/erzgebirge/einladungen"))
    invited.get_by_role("button", name=re.compile(r"^Absagen\W+Zahltag Prüfung Plauen$")).click()
    expect(invited.get_by_role("alert")).to_contain_text("abgesagt")
    sweep.check(invited, "Einladungen, beantwortet (Hinweis)")

    # --- the state office: the work plan, its import (error, preview) ----------------------------------------
    office_context = new_context()
    system.sign_in(office_context, ADMIN)
    office = office_context.new_page()
    sweep.visit(office, system, "/arbeitsplan", "Arbeitsplan, alle Punkte")
    sweep.visit(office, system, "/arbeitsplan?termin=ueberfaellig&status=offen-alle", "Arbeitsplan, gefiltert")
    sweep.visit(office, system, "/arbeitsplan?wer=niemand-hier", "Arbeitsplan, Filter ohne Treffer")
    item = next(i for i in system.ask(e.WORK_PLAN, e.WorkPlanQuery()).items if i.text.startswith("Prüfung:"))
    sweep.visit(office, system, f"/arbeitsplan/{quote(item.item_id)}", "Arbeitsplanpunkt, mit Formularen")
    office.get_by_role("button", name="Vermerk speichern").click()
    sweep.check(office, "Arbeitsplanpunkt, leerer Vermerk (Fehler)")
    sweep.visit(office, system, "/arbeitsplan/import", "Arbeitsplan einlesen")
    office.get_by_role("button", name="Vorschau zeigen").click()
    error_state(office)
    sweep.check(office, "Arbeitsplan einlesen, leer (Fehler)")
    office.get_by_label("Text des Arbeitsplans").fill(
        "Plan der Prüfung 2017\n\nEin Punkt der Prüfung.\nV: Gudrun\nT: irgendwann\n\nOhne V.\n"
    )
    office.get_by_role("button", name="Vorschau zeigen").click()
    expect(office.get_by_role("main")).to_contain_text("nicht erkannt")
    sweep.check(office, "Arbeitsplan, Vorschau mit nicht erkanntem T")
    sweep.visit(office, system, "/gruppen", "Regionalgruppen, als Landesgeschäftsstelle")

    # --- the board: Meine Aufgaben (work items, the Lage), groups, the dashboard per period, the archive -------
    board_context = new_context()
    system.sign_in(board_context, BOARD)
    board = board_context.new_page()
    sweep.visit(board, system, "/aufgaben", "Meine Aufgaben, Landesvorstand mit Arbeitsplan")
    expect(board.get_by_role("link", name="Prüfung: Bericht an die Mitglieder")).to_be_visible()
    expect(board.get_by_role("link", name="Lage: Aktionen, Arbeitsplan und Beratungsstellen")).to_be_visible()
    sweep.visit(board, system, "/gruppen", "Regionalgruppen, als Landesvorstand")
    sweep.visit(board, system, "/gruppen/vogtland", "Regionalgruppe, als Landesvorstand")
    sweep.visit(board, system, f"/gruppen/vogtland/aktionen/{held.action_id}", "Aktion, als Landesvorstand")
    sweep.visit(board, system, f"/arbeitsplan/{quote(item.item_id)}", "Arbeitsplanpunkt, als Landesvorstand")
    for months in ("3", "6", "12"):
        sweep.visit(board, system, f"/lage?monate={months}", f"Lage, {months} Monate")
    sweep.visit(board, system, "/lage?monate=7", "Lage, falscher Zeitraum (Fehler)", 400)
    sweep.visit(board, system, "/lage/berichte", "Fortschrittsberichte")
    board.get_by_role("table", name="Fortschrittsberichte").get_by_role("link").first.click()
    expect(board).to_have_title(re.compile("^Fortschrittsbericht"))
    sweep.check(board, "Ein Fortschrittsbericht")
    sweep.visit(board, system, "/gruppen/vogtland/aktionen/neu", "Aktion planen, als Landesvorstand (403)", 403)
    sweep.done()
