"""The board's pages (issue 15, journey 4) over a real nats-server with the real events, registry and
notifications services in-process and the gateway app: the dashboard's numbers are the progress report's
for the same period, the report mail says what happened, what is overdue and what is next and links to the
dashboard, the archive shows the report; the board reads and changes nothing; others get a German 403."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from html import unescape
from urllib.parse import quote

import pytest

from services.gateway.domain.board import period_start
from shared.contracts import Envelope
from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from shared.messaging.rpc import request
from tests.web import ORIGIN, form_post, signed_in, web_system

BOARD, ADMIN, CARLA = "vorstand@example.org", "landesbuero@example.org", "carla@example.org"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    # No periodic report: its first tick would mail an empty one before the test's history exists.
    periodic_off = {"events": {"progress_reports": False}}
    async with web_system(
        nats_server, broker, tmp_path, services=("notifications", "registry", "events"), service_settings=periodic_off
    ) as made:
        await made.ask(
            n.CREATE_LIST,
            n.CreateList(name="Landesvorstand", policy="moderiert", owner_address=BOARD, owner_name="Landesvorstand"),
        )
        now = made.clock.now()
        await made.sessions.grant(BOARD, "vorstand", "test", now)
        await made.sessions.grant(ADMIN, "verwaltung", "test", now)
        yield made


async def groups_known(system, *names: str) -> dict[str, str]:
    ids = {}
    for name in names:
        coordinator = r.CoordinatorInput(name=name, email=CARLA if name == "Vogtland" else None)
        formed = await system.ask(r.FORM_GROUP, r.FormGroup(name=name, state="SN", coordinator=coordinator))
        ids[name] = formed.group_id
    for _ in range(100):  # the events service learns of them from the registry's events
        known = {g.group_id for g in (await system.ask(e.GROUPS, e.GroupsQuery())).groups}
        if set(ids.values()) <= known:
            return ids
        await asyncio.sleep(0.05)
    raise AssertionError("die Regionalgruppen kamen im Aktionsdienst nicht an")


async def plan(system, group_id: str, title: str, start, **extra) -> e.ActionSnapshot:
    planned = await system.ask(
        e.PLAN_ACTION,
        e.PlanAction(
            kind="zahltag",
            title=title,
            job_centre="Jobcenter Plauen",
            start=start,
            end=start + timedelta(hours=2),
            responsible=["Kathrin"],
            organiser_group_id=group_id,
            **extra,
        ),
    )
    return planned.action


async def history(system) -> dict[str, str]:
    """Two groups; an action held with a report, one coming up, a work-plan item overdue, one done."""
    ids = await groups_known(system, "Vogtland", "Erzgebirge")
    now = system.clock.now()
    held = await plan(system, ids["Vogtland"], "Zahltag Plauen", now + timedelta(days=1))
    await system.ask(e.INVITE_GROUPS, e.InviteGroups(action_id=held.action_id, group_ids=[ids["Erzgebirge"]]))
    await system.ask(
        e.RESPOND_TO_INVITATION,
        e.RespondToInvitation(action_id=held.action_id, group_id=ids["Erzgebirge"], accept=True),
    )
    await system.ask(e.CONFIRM_ACTION, e.ActionRef(action_id=held.action_id))
    system.advance(timedelta(days=2))
    await system.ask(
        e.COMPLETE_ACTION,
        e.CompleteAction(action_id=held.action_id, participants=12, notes="Viele Gespräche über KdU-Bescheide."),
    )
    await plan(system, ids["Erzgebirge"], "Frühstück Aue", system.clock.now() + timedelta(days=10))
    past = system.clock.now() - timedelta(days=30)
    await system.ask(
        e.ADD_WORK_ITEM,
        e.AddWorkItem(
            text="Liste der Beratungsstellen fertigstellen", responsible="Steffen", timing=f"{past:%d.%m.%Y}"
        ),
    )
    done = await system.ask(e.ADD_WORK_ITEM, e.AddWorkItem(text="Flyer drucken", responsible="Anna", timing="stetig"))
    await system.ask(e.COMPLETE_WORK_ITEM, e.ItemRef(item_id=done.item_id))
    return ids


async def test_the_dashboard_counts_what_the_progress_report_counts_and_the_mail_says_it(system, broker) -> None:
    await history(system)
    report = await system.ask(e.COMPILE_PROGRESS, e.CompileProgress())
    assert report.overall.actions_done == 1 and report.overall.items_overdue == 1 and report.overall.items_done == 1
    same = await system.ask(e.DASHBOARD, e.DashboardQuery(since=report.since, until=report.until))
    wanted = report.model_dump(exclude={"period_key"})
    assert same.report.model_dump(exclude={"period_key"}) == wanted  # the same numbers for the same period
    assert sum(m.actions_done for m in same.months) == report.overall.actions_done
    assert [a.title for a in report.held] == ["Zahltag Plauen"] and [a.title for a in report.upcoming] == [
        "Frühstück Aue"
    ]
    # the page's question (issue 21): the same numbers without the lines of held and upcoming actions
    numbers = await system.ask(
        e.DASHBOARD, e.DashboardQuery(since=report.since, until=report.until, action_lines=False)
    )
    assert numbers.report.held == [] and numbers.report.upcoming == []
    assert numbers.report.model_dump(exclude={"period_key", "held", "upcoming"}) == report.model_dump(
        exclude={"period_key", "held", "upcoming"}
    )
    assert numbers.months == same.months and numbers.groups == same.groups

    # the mail: what happened, what is overdue and who is responsible, what is next, the link to the dashboard
    mail = await system.mail(BOARD, "Fortschrittsbericht")
    body = mail.text
    assert "Zahltag Plauen" in body and "Vogtland, Erzgebirge" in body and "12 Teilnehmende" in body
    assert "Viele Gespräche über KdU-Bescheide." in body
    assert "Liste der Beratungsstellen fertigstellen" in body and "V: Steffen" in body
    assert "Was als Nächstes ansteht" in body and "Frühstück Aue" in body
    assert f"{ORIGIN}/lage" in body and f"{ORIGIN}/lage/berichte/{quote(report.period_key, safe='')}" in body
    assert re.search(r"(Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag), \d+\. \w+ \d{4}", body)

    # the page for a board member: the same numbers as the dashboard query for the page's period
    board = await signed_in(system, BOARD)
    offices_asked = []  # the page reads the offices itself and for the read policy of two answers: once (issue 21)

    async def asked(msg) -> None:
        offices_asked.append(msg)

    listening = await broker.connection.subscribe(r.OFFICES.subject, cb=asked)
    page = await board.get("/lage", params={"monate": "3"})
    await listening.unsubscribe()
    assert page.status_code == 200, page.text
    assert len(offices_asked) == 1
    since = period_start(3, system.clock.now())
    expected = await system.ask(e.DASHBOARD, e.DashboardQuery(since=since))
    shown = text_of(page.text)
    assert f"Aktionen durchgeführt {expected.report.overall.actions_done} im Zeitraum" in shown
    assert f"{expected.report.overall.items_overdue} überfällig" in shown
    assert page.text.count('role="img"') == 5 and page.text.count("<desc") == 5
    assert "<caption" in page.text and 'scope="row"' in page.text and 'scope="col"' in page.text
    assert '<form method="post"' not in page.text.split("<main", 1)[1]  # nothing to change here
    assert "Liste der Beratungsstellen fertigstellen" in shown and "Steffen" in shown
    assert '<a class="bn-nav__link" href="/lage" aria-current="page">Lage</a>' in page.text

    csv = await board.get("/lage/aktionen.csv", params={"monate": "3"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.content.startswith(b"\xef\xbb\xbf")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Monat;Geplant;Bestätigt;Durchgeführt" and len(lines) == 1 + len(expected.months)
    assert sum(int(line.split(";")[3]) for line in lines[1:]) == sum(m.actions_done for m in expected.months)
    groups_csv = (await board.get("/lage/regionalgruppen.csv")).content.decode("utf-8-sig")
    assert "Erzgebirge;" in groups_csv and "Vogtland;" in groups_csv

    # the archive: the report as it was sent
    archive = await board.get("/lage/berichte")
    assert archive.status_code == 200 and f"/lage/berichte/{quote(report.period_key, safe='')}" in archive.text
    one = await board.get(f"/lage/berichte/{quote(report.period_key, safe='')}")
    assert one.status_code == 200, one.text
    assert "Zahltag Plauen" in one.text and "12 Teilnehmende" in text_of(one.text) and "Frühstück Aue" in one.text
    assert (await board.get("/lage/berichte/gibt-es-nicht")).status_code == 404

    tasks = await board.get("/aufgaben")
    assert 'href="/lage"' in tasks.text and f"/lage/berichte/{quote(report.period_key, safe='')}" in tasks.text


async def test_only_board_and_state_office_read_the_lage_and_nobody_changes_anything_there(system) -> None:
    await groups_known(system, "Vogtland")
    admin = await signed_in(system, ADMIN)
    assert (await admin.get("/lage")).status_code == 200
    assert (await admin.get("/lage/berichte")).status_code == 200

    carla = await signed_in(system, CARLA)  # coordinates Vogtland, is not on the board
    for path in ("/lage", "/lage/berichte", "/lage/aktionen.csv"):
        refused = await carla.get(path)
        assert refused.status_code == 403, path
    assert "Landesvorstand" in (await carla.get("/lage")).text
    assert 'href="/lage"' not in (await carla.get("/aufgaben")).text

    board = await signed_in(system, BOARD)
    posted = await form_post(board, "/lage", {"monate": "3"})
    assert posted.status_code == 403 and "nichts ändern" in posted.text
    assert (await form_post(board, "/lage/berichte", {})).status_code == 403
    wrong = await board.get("/lage", params={"monate": "7"})
    assert wrong.status_code == 400 and "3, 6 oder 12 Monate" in wrong.text
    assert (await board.get("/lage/gibt-es-nicht.csv")).status_code == 404
    assert (await system.http.get("/lage")).status_code == 303  # not signed in: to the sign-in page


async def test_offices_opened_and_closed_are_counted_by_the_day_of_the_registrys_clock(system) -> None:
    def office(name: str, status: str = "aktiv") -> r.RegisterOffice:
        return r.RegisterOffice(
            name=name,
            operator_kind="kreisverband",
            operator_name="DIE LINKE Vogtland",
            street="Weg 1",
            postcode="08523",
            city="Plauen",
            status=status,
        )

    registry = system.services["registry"]
    first = await system.ask(r.REGISTER_OFFICE, office("Sozialberatung Plauen"))
    planned = await system.ask(r.REGISTER_OFFICE, office("Sozialberatung Reichenbach", "geplant"))
    assert first.opened_on == registry.clock.today() and planned.opened_on is None
    system.advance(timedelta(days=40))  # the clock starts on 29 November 2026: now 8 January 2027
    opened = await system.ask(r.REACTIVATE_OFFICE, r.OfficeRef(office_id=planned.office_id))
    closed = await system.ask(r.CLOSE_OFFICE, r.OfficeRef(office_id=first.office_id))
    assert opened.opened_on == closed.closed_on == registry.clock.today()

    months = (
        await system.ask(r.OFFICE_CHANGES, r.OfficeChangesQuery(since=first.opened_on, until=closed.closed_on))
    ).months
    assert [(m.month, m.opened, m.closed) for m in months] == [("2026-11", 1, 0), ("2026-12", 0, 0), ("2027-01", 1, 1)]
    reversed_period = r.OfficeChangesQuery(since=closed.closed_on, until=first.opened_on)
    refused = await request(system.broker, r.OFFICE_CHANGES, reversed_period, timeout=10)
    assert not refused.ok and "Zeitraum" in refused.error.message
    board = await signed_in(system, BOARD)
    page = await board.get("/lage", params={"monate": "3"})
    assert page.status_code == 200 and 'id="eroeffnungen"' in page.text
    assert "Beratungsstellen eröffnet und geschlossen je Monat" in page.text and "<svg" in page.text
    csv = await board.get("/lage/eroeffnungen.csv", params={"monate": "3"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines == ["Monat;Eröffnet;Geschlossen", "Nov. 2026;1;0", "Dez. 2026;0;0", "Jan. 2027;1;1"]


async def test_the_report_names_the_surveys_with_their_response_on_the_page_and_in_the_mail(system) -> None:
    """A campaign's counts come from the registry's stream (issue 17); the report, its archive page and the
    board's mail show them under "Erhebungen"."""
    today = system.clock.today()
    progressed = r.CampaignProgressedV1(
        campaign_id="k-1",
        title="Erhebung Büros 2027",
        kind="bueros",
        starts_on=today - timedelta(days=5),
        ends_on=today + timedelta(days=25),
        status="laufend",
        recipients=40,
        invited=40,
        answered=12,
    )
    envelope = Envelope.wrap(progressed)
    await system.broker.publish(envelope.model_dump_json().encode(), envelope.subject, stream="REGISTRY")
    since = system.clock.now() - timedelta(days=7)
    for _ in range(100):  # the events service learns of it from the registry's stream (the dashboard mails nothing)
        if (await system.ask(e.DASHBOARD, e.DashboardQuery(since=since))).report.campaigns:
            break
        await asyncio.sleep(0.1)
    report = await system.ask(e.COMPILE_PROGRESS, e.CompileProgress())
    assert [(c.title, c.answered, c.recipients, c.rate_percent) for c in report.campaigns] == [
        ("Erhebung Büros 2027", 12, 40, 30)
    ]
    ends = f"{(today + timedelta(days=25)).day}. "

    board = await signed_in(system, BOARD)
    page = await board.get(f"/lage/berichte/{quote(report.period_key, safe='')}")
    assert page.status_code == 200, page.text
    shown = text_of(page.text)  # the no-break space before "%" reads as a space
    assert "Erhebungen" in shown and "Titel Rücklauf Ende" in shown
    assert re.search(rf"Erhebung Büros 2027 12 von 40 \(30 %\) {ends}\w+ \d{{4}}", shown), shown

    mail = await system.mail(BOARD, "Fortschrittsbericht")  # the first report with the campaign in it
    assert f"- Erhebung Büros 2027: Rücklauf 12 von 40 (30 %), Ende {ends}" in mail.text
