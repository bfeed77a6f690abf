"""The board reads everything and changes nothing (issue 15) – proven for the whole web app: every POST route of
the gateway's pages (enumerated from the FastAPI app, so a route added later is covered too) is posted to by a
signed-in board member with a valid CSRF token and Origin, for objects that exist (a list, a regional group, an
action, a work-plan item), and every answer is a German 403 page. Real nats-server, the real notifications,
registry and events services in-process, the gateway in-process."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest

from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from tests.web import ORIGIN, csrf_token, form_post, signed_in, web_system

BOARD, ADMIN = "vorstand@example.org", "landesbuero@beratungsnetz.example"
KATHRIN, WOLFGANG = "kathrin@example.org", "wolfgang@example.org"
LAG = "lag-hartz-iv-sachsen"
# the public member pages work with a token from a mail, not with a role; signing in and out is for everyone
PUBLIC = (
    "/abonnieren",
    "/bestaetigen",
    "/adresse-bestaetigen",
    "/abmelden",
    "/meine-verteiler",
    "/anmelden",
    "/umfrage",  # the personal survey form (issue 17): its link, not a role, decides
)
SIGN_OUT = "/sitzung/beenden"
OFFICES_CSV = "Name;Trägerart;Träger;Straße;PLZ;Ort\nSozialberatung Aue;Kreisverband;KV Erzgebirge;Weg 2;08280;Aue\n"


def post_routes(app) -> list[str]:
    """Every path the app answers POST on (FastAPI's included routers flattened)."""
    try:
        from fastapi.routing import iter_route_contexts

        routes = [(c.path, getattr(c.original_route, "methods", None)) for c in iter_route_contexts(app.routes)]
    except ImportError:  # FastAPI versions that keep `app.routes` flat
        routes = [(x.path, getattr(x, "methods", None)) for x in app.routes]
    return sorted({path for path, methods in routes if methods and "POST" in methods})


def page_routes(app) -> list[str]:
    return [p for p in post_routes(app) if not p.startswith("/api/") and not p.startswith(PUBLIC) and p != SIGN_OUT]


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    async with web_system(nats_server, broker, tmp_path, services=("notifications", "registry", "events")) as made:
        await made.sessions.grant(BOARD, "vorstand", ADMIN, made.clock.now())
        await made.ask(n.CREATE_LIST, n.CreateList(name="LAG Hartz IV Sachsen", owner_address=KATHRIN))
        ids = {}
        for name, coordinator in (("Vogtland", KATHRIN), ("Erzgebirge", WOLFGANG)):
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
        for _ in range(100):  # the events service learns of the groups from the registry's events
            known = await made.ask(e.GROUPS, e.GroupsQuery())
            if len([g for g in known.groups if g.group_id in ids.values()]) == 2:
                break
            await asyncio.sleep(0.1)
        start = (made.clock.now() + timedelta(days=3)).replace(microsecond=0, tzinfo=None)
        planned = await made.ask(
            e.PLAN_ACTION,
            e.PlanAction(
                organiser_group_id=ids["Vogtland"],
                kind="zahltag",
                title="Zahltag-Aktion",
                job_centre="Jobcenter Plauen",
                start=start,
                end=start + timedelta(hours=2),
                responsible=["Kathrin"],
            ),
        )
        await made.ask(
            e.INVITE_GROUPS, e.InviteGroups(action_id=planned.action.action_id, group_ids=[ids["Erzgebirge"]])
        )
        imported = await made.ask(
            e.IMPORT_WORK_PLAN, e.ImportWorkPlan(text="Plan\n\nEin Punkt des Vorstands.\nV: Landesvorstand\nT: 2027\n")
        )
        office = await made.ask(
            r.REGISTER_OFFICE,
            r.RegisterOffice(
                name="Sozialberatung Plauen",
                operator_kind="kreisverband",
                operator_name="DIE LINKE Vogtland",
                street="Rähnisstraße 1",
                postcode="08523",
                city="Plauen",
                counsellors=[r.CounsellorInput(name="Kathrin")],
            ),
        )
        admin = await signed_in(made, ADMIN)  # a dry run of an office list: an import job to take over
        started = await admin.post(
            "/register/import",
            data={"csrf_token": await csrf_token(admin)},
            files={"datei": ("stellen.csv", OFFICES_CSV.encode(), "text/csv")},
            headers={"Origin": ORIGIN},
        )
        assert started.status_code == 303, started.text
        made.objects = {  # type: ignore[attr-defined]
            "list_id": LAG,
            "item_id": imported.items[0].item_id,
            "action_id": planned.action.action_id,
            "office_id": office.office_id,
            "counsellor_id": office.counsellors[0].counsellor_id,
            "job_id": started.headers["location"].rsplit("/", 1)[1],
            "rest": "bericht",
            "campaign_id": "erhebung",  # refused by role before any campaign is looked up
        }
        yield made


def filled(path: str, objects: dict[str, str], slug: str) -> str:
    values = objects | {"slug": slug}
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values[m.group(1)], path)


async def test_a_board_member_is_refused_on_every_post_route_of_the_pages(system) -> None:
    routes = page_routes(system.app)
    assert len(routes) >= 20 and "/gruppen/{slug}/aktionen/neu" in routes and "/verwaltung/zugaenge" in routes
    assert "/register/stellen/{office_id}/status" in routes and "/register/import/{job_id}/uebernehmen" in routes
    assert "/arbeitsplan/{item_id}/erledigt" in routes and "/moderation/{list_id}/einstellungen" in routes
    board = await signed_in(system, BOARD)
    assert (await board.get("/lage")).status_code == 200  # signed in as the board, who reads
    objects = system.objects
    for shown in (
        f"/gruppen/vogtland/aktionen/{objects['action_id']}",
        f"/arbeitsplan/{objects['item_id']}",
        f"/register/stellen/{objects['office_id']}",
    ):
        assert (await board.get(shown)).status_code == 200, shown  # the objects exist: a refusal is about the role
    answers = {}
    for route in routes:
        slug = "erzgebirge" if route.endswith("/einladungen") else "vogtland"  # the invited group answers there
        path = filled(route, system.objects, slug)
        form = {
            "aktion": system.objects["action_id"],
            "antwort": "zusagen",
            "schritt": "speichern",
            "adresse": "neu@example.org",
            "rolle": "vorstand",
        }
        answer = await form_post(board, path, form)
        answers[route] = answer.status_code
        assert '<html lang="de">' in answer.text, route
    assert {route: code for route, code in answers.items() if code != 403} == {}

    # and nothing changed
    action = await system.ask(e.ACTION, e.ActionRef(action_id=system.objects["action_id"]))
    assert action.status == "geplant" and all(i.status == "offen" for i in action.invitations)
    item = await system.ask(e.WORK_ITEM, e.ItemRef(item_id=system.objects["item_id"]))
    assert item.status == "offen" and item.notes == []
    assert await system.sessions.roles_of("neu@example.org") == set()
    assert [
        x.address for x in (await system.ask(n.MEMBERS, n.MembersQuery(list_id=LAG, moderator=KATHRIN))).members
    ] == [KATHRIN]
