"""Journeys 3 (moderate a list) and 4 (inform the board), and erasure across all three services:
every service and the gateway as processes, a real nats-server and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from beratungsnetz.runtime.ports import listen
from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from shared.messaging.rpc import request
from tests.e2e.processes import start_service, stop, wait_healthy
from tests.smtp import Received, SmtpServer
from tests.web import form_token

pytestmark = pytest.mark.e2e
LAG = "lag-hartz-iv-sachsen"


async def ask(broker, spec, payload, timeout: float = 10):
    reply = await request(broker, spec, payload, timeout=timeout, actor="test")
    assert reply.ok, reply.error
    return reply.data


async def mail_for(smtp: SmtpServer, recipient: str, subject_part: str, timeout: float = 15) -> Received:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for got in smtp.mailbox.to(recipient):
            if subject_part in got.message["Subject"]:
                return got
        await asyncio.sleep(0.05)
    seen = [(x.recipient, x.message["Subject"]) for x in smtp.mailbox.received]
    raise AssertionError(f"keine Mail „{subject_part}“ an {recipient}; angekommen: {seen}")


def press(http: httpx.Client, page: httpx.Response, path: str, data: dict) -> httpx.Response:
    """Send the form of `page` as a browser does: with the page's CSRF token, from the gateway's own origin."""
    consent = re.search(r'name="consent_version" value="([^"]+)"', page.text)  # a hidden field, sent along
    fields = {"csrf_token": form_token(page.text), **({"consent_version": consent.group(1)} if consent else {}), **data}
    return http.post(path, data=fields, headers={"Origin": str(http.base_url).rstrip("/")})


def follow(http: httpx.Client, link: str, path: str) -> str:
    """What a person does: open the link (a page with a button), then press the button (a POST)."""
    token = link.split("token=", 1)[1]
    page = http.get(f"/{path}", params={"token": token})
    assert page.status_code == 200 and 'method="post"' in page.text
    done = press(http, page, f"/{path}", {"token": token})
    assert done.status_code == 200, done.text
    return done.text


@pytest.fixture
async def system(nats_server, broker, tmp_path: Path):
    smtp = SmtpServer().start()
    sock = listen(0)  # the gateway's, bound here so that the mails can name it before it runs
    port = sock.getsockname()[1]
    common = {"secret_key": "x" * 40}
    mail = {"smtp_port": str(smtp.port), "public_url": f"http://127.0.0.1:{port}", "delivery_poll_seconds": "0.2"}
    await broker.connect()
    fd = sock.fileno()
    processes = {
        "registry": start_service("registry", nats_server.url, tmp_path, **common),
        "notifications": start_service("notifications", nats_server.url, tmp_path, **common, **mail),
        "events": start_service(
            "events", nats_server.url, tmp_path, **common, scheduler_seconds="0.5", progress_interval_seconds="3"
        ),
        "gateway": start_service("gateway", nats_server.url, tmp_path, pass_fds=(fd,), **common, listen_fd=str(fd)),
    }
    sock.close()  # the gateway holds it now
    for name in ("registry", "notifications", "events", "gateway"):
        await wait_healthy(broker, name, processes[name])
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
        yield broker, smtp, http
    for process in processes.values():
        stop(process)
    smtp.stop()


async def test_journey_moderate_a_list(system) -> None:
    broker, smtp, http = system
    await ask(
        broker,
        n.CREATE_LIST,
        n.CreateList(name="LAG Hartz IV Sachsen", owner_address="kathrin@example.org", owner_name="Kathrin"),
    )
    await ask(
        broker,
        n.ADD_MEMBER,
        n.AddMember(list_id=LAG, moderator="kathrin@example.org", address="bernd@example.org", display_name="Bernd"),
    )

    # Someone subscribes through the public form; the answer reveals nothing.
    form = http.get(f"/abonnieren/{LAG}")
    assert form.status_code == 200 and "E-Mail-Adresse" in form.text
    answer = press(http, form, f"/abonnieren/{LAG}", {"adresse": "anna@example.org", "name": "Anna Beispiel"})
    assert answer.status_code == 200 and "Falls die Adresse eingetragen werden kann" in answer.text
    confirmation = await mail_for(smtp, "anna@example.org", "Bitte bestätigen")
    link = confirmation.link("bestaetigen")
    assert (
        http.get("/bestaetigen", params={"token": link.split("token=")[1]}).status_code == 200
    )  # a GET changes nothing
    assert "Die Moderation entscheidet" in follow(http, link, "bestaetigen")
    reused = press(http, form, "/bestaetigen", {"token": link.split("token=")[1]})
    assert reused.status_code == 400 and "ungültig oder abgelaufen" in reused.text
    forged = press(http, form, "/bestaetigen", {"token": link.split("token=")[1][:-4] + "AAAA"})
    assert forged.status_code == 400
    without_csrf = http.post("/bestaetigen", data={"token": link.split("token=")[1]})
    assert without_csrf.status_code == 403 and "Formular" in without_csrf.text

    # The moderator approves; a welcome mail with the list headers arrives.
    await mail_for(smtp, "kathrin@example.org", "Anfrage wartet auf Moderation")
    (pending,) = (await ask(broker, n.PENDING, n.ListQuery(list_id=LAG, moderator="kathrin@example.org"))).requests
    await ask(
        broker,
        n.DECIDE,
        n.Decide(list_id=LAG, moderator="kathrin@example.org", request_id=pending.request_id, decision="annehmen"),
    )
    welcome = await mail_for(smtp, "anna@example.org", "Willkommen")
    headers = welcome.message
    assert headers["List-Id"] == "LAG Hartz IV Sachsen <lag-hartz-iv-sachsen.beratungsnetz.example>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" and "mailto:" in headers["List-Unsubscribe"]

    # Anna changes her address with her own link; the change is confirmed at the new address.
    own_token = welcome.link("abmelden").split("token=")[1]
    await ask(
        broker,
        n.CHANGE_ADDRESS,
        n.ChangeAddress(list_id=LAG, address="anna@example.org", new_address="anna@example.net", token=own_token),
    )
    change = await mail_for(smtp, "anna@example.net", "neue Adresse")
    assert "anna@example.net" in follow(http, change.link("adresse-bestaetigen"), "adresse-bestaetigen")

    # The moderator makes Bernd a moderator; Bernd can now see the members.
    await ask(
        broker,
        n.SET_ROLE,
        n.SetRole(list_id=LAG, moderator="kathrin@example.org", address="bernd@example.org", role="moderation"),
    )
    members = {
        m.address: m
        for m in (await ask(broker, n.MEMBERS, n.ListQuery(list_id=LAG, moderator="bernd@example.org"))).members
    }
    assert members["anna@example.net"].status == "aktiv" and "anna@example.org" not in members

    # A post reaches every member; Anna leaves with the one-click link of that mail (RFC 8058).
    await ask(
        broker,
        n.POST,
        n.Post(list_id=LAG, moderator="bernd@example.org", subject="Treffen am Montag", text="Bis Montag!"),
    )
    post = await mail_for(smtp, "anna@example.net", "Treffen am Montag")
    assert b"\r\nList-Unsubscribe: <http://127.0.0.1:" in post.raw  # as RFC 2369 parsers read it, not RFC 2047-encoded
    unsubscribe_url = post.message["List-Unsubscribe"].split(",")[0].strip("<> ")
    assert "Ja, abmelden" in http.get(unsubscribe_url).text  # scanners GET: nothing happens
    one_click = http.post(
        unsubscribe_url,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert one_click.status_code == 200 and "abgemeldet" in one_click.text
    members = {
        m.address: m
        for m in (await ask(broker, n.MEMBERS, n.ListQuery(list_id=LAG, moderator="kathrin@example.org"))).members
    }
    assert members["anna@example.net"].status == "abgemeldet"

    log = [
        (x.actor, x.action)
        for x in (await ask(broker, n.AUDIT, n.ListQuery(list_id=LAG, moderator="kathrin@example.org"))).entries
    ]
    assert ("kathrin@example.org", "anfrage_annehmen") in log and ("kathrin@example.org", "rolle_geaendert") in log
    assert ("anna@example.net", "abgemeldet") in log
    # Every mail parses and carries List-Id; every mail to a member also the one-click unsubscribe headers.
    # Only the transactional mails to people who are not (yet) members go without them.
    transactional = ("Bitte bestätigen", "Ihre Anfrage")
    assert len(smtp.mailbox.received) >= 8
    for got in smtp.mailbox.received:
        msg = got.message
        assert msg["From"] == "Beratungsnetz <verteiler@beratungsnetz.example>" and msg["Message-ID"] and msg["List-Id"]
        if not msg["Subject"].startswith(transactional):
            assert (
                msg["List-Unsubscribe"].startswith("<http")
                and msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
            )
    assert smtp.mailbox.misread() == {}  # the raw bytes: list headers, MIME-Version, calendar parts


async def test_journey_inform_the_board(system) -> None:
    broker, smtp, _ = system
    await ask(
        broker,
        n.CREATE_LIST,
        n.CreateList(
            name="Landesvorstand", policy="moderiert", owner_address="vorstand@example.org", owner_name="Landesvorstand"
        ),
    )
    # A new regional group is a key event: the board hears of it at once, nobody presses a button.
    vogtland = await ask(
        broker,
        r.FORM_GROUP,
        r.FormGroup(
            name="Vogtland", state="SN", coordinator=r.Coordinator(name="Kathrin", email="kathrin@example.org")
        ),
    )
    erzgebirge = await ask(
        broker,
        r.FORM_GROUP,
        r.FormGroup(
            name="Erzgebirge", state="SN", coordinator=r.Coordinator(name="Wolfgang", email="wolfgang@example.org")
        ),
    )
    await mail_for(smtp, "vorstand@example.org", "Neue Regionalgruppe: Vogtland")
    await mail_for(
        smtp, "wolfgang@example.org", "Willkommen im Verteiler „Regionalgruppe Erzgebirge“"
    )  # coordinator moderates

    async def known() -> bool:
        groups = (await ask(broker, e.GROUPS, e.GroupsQuery())).groups
        return {g.group_id for g in groups} >= {vogtland.group_id, erzgebirge.group_id}

    while not await known():
        await asyncio.sleep(0.05)
    planned = await ask(
        broker,
        e.PLAN_ACTION,
        e.PlanAction(
            organiser_group_id=vogtland.group_id,
            kind="zahltag",
            title="Zahltag Plauen",
            job_centre="Jobcenter Plauen",
            start=datetime(2026, 12, 1, 9),
            end=datetime(2026, 12, 1, 11),
            responsible=["Kathrin"],
        ),
    )
    action_id = planned.action.action_id
    await ask(broker, e.INVITE_GROUPS, e.InviteGroups(action_id=action_id, group_ids=[erzgebirge.group_id]))
    invitation = await mail_for(smtp, "wolfgang@example.org", "Einladung: Zahltag Plauen")
    (ics,) = list(invitation.message.iter_attachments())
    assert (
        ics.get_content_type() == "text/calendar" and "DTSTART;TZID=Europe/Berlin:20261201T090000" in ics.get_content()
    )
    assert b'Content-Type: text/calendar; method="PUBLISH"; charset="utf-8"' in invitation.raw
    assert "Kathrin" not in ics.get_content() and "ORGANIZER;CN=Vogtland:mailto:verteiler@" in ics.get_content()
    assert "nicht angegriffen fühlen" in invitation.text
    await ask(
        broker,
        e.RESPOND_TO_INVITATION,
        e.RespondToInvitation(action_id=action_id, group_id=erzgebirge.group_id, accept=True),
    )
    await ask(broker, e.CONFIRM_ACTION, e.ActionRef(action_id=action_id))
    await mail_for(smtp, "vorstand@example.org", "Aktion bestätigt: Zahltag Plauen")

    # The work plan's overdue item and the periodic progress digest reach the board without a button.
    await ask(
        broker,
        e.ADD_WORK_ITEM,
        e.AddWorkItem(
            text="Liste der Beratungsstellen fertigstellen", responsible="Steffen", timing="II. Quartal 2017"
        ),
    )
    digest = await mail_for(smtp, "vorstand@example.org", "Fortschrittsbericht", timeout=20)
    deadline = time.monotonic() + 20
    while "Liste der Beratungsstellen" not in digest.text and time.monotonic() < deadline:
        await asyncio.sleep(0.5)  # the next period's report includes the item
        digest = [x for x in smtp.mailbox.to("vorstand@example.org") if "Fortschrittsbericht" in x.message["Subject"]][
            -1
        ]
    assert "1 geplant" in digest.text or "1 Aktionen geplant" in digest.text
    report = digest.text.replace("\r\n", "\n")
    assert "Was überfällig ist" in report and "Liste der Beratungsstellen fertigstellen\n  V: Steffen" in report
    assert "fällig war 30. Juni 2017" in digest.text and "/lage" in digest.text
    assert smtp.mailbox.misread() == {}  # every mail of this journey, the invitation with its .ics among them


async def test_erasing_an_address_removes_it_from_all_three_services(system) -> None:
    broker, smtp, _ = system
    carla = "carla@example.org"
    group = await ask(
        broker,
        r.FORM_GROUP,
        r.FormGroup(name="Leipzig", state="SN", coordinator=r.Coordinator(name="Carla", email=carla)),
    )
    office = await ask(
        broker,
        r.REGISTER_OFFICE,
        r.RegisterOffice(
            name="Sozialberatung Leipzig",
            operator_kind="kreisverband",
            operator_name="DIE LINKE Leipzig",
            street="Braustraße 3",
            postcode="04107",
            city="Leipzig",
            email=carla,
            counsellors=[r.CounsellorInput(name="Carla", email=carla)],
        ),
    )
    await mail_for(smtp, carla, "Willkommen")  # the group's list made her its moderator

    async def everywhere() -> dict[str, bool]:
        offices = (await ask(broker, r.OFFICES, r.ListQuery())).offices
        groups = (await ask(broker, r.GROUPS, r.ListQuery())).groups
        replica = (await ask(broker, e.GROUPS, e.GroupsQuery())).groups
        held = await ask(broker, n.EXPORT, n.AddressInput(address=carla))
        return {
            "registry": carla
            in "".join(o.model_dump_json() for o in offices) + "".join(g.model_dump_json() for g in groups),
            "events": carla in "".join(g.model_dump_json() for g in replica),
            "notifications": any(getattr(held, k) for k in ("memberships", "requests", "consents", "deliveries")),
        }

    deadline = time.monotonic() + 10
    while not all((found := await everywhere()).values()) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert found == {"registry": True, "events": True, "notifications": True}

    erased = await ask(broker, n.ERASE, n.AddressInput(address=carla))
    assert erased.memberships == 1
    deadline = time.monotonic() + 10
    while any((found := await everywhere()).values()) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert found == {"registry": False, "events": False, "notifications": False}
    office_now = await ask(broker, r.OFFICE, r.OfficeRef(office_id=office.office_id))
    assert office_now.counsellors == [] and office_now.email == "" and office_now.name == "Sozialberatung Leipzig"
    assert [g for g in (await ask(broker, r.GROUPS, r.ListQuery())).groups if g.group_id == group.group_id][
        0
    ].coordinator is None
