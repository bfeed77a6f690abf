"""`/register/regionen` (Landesgeschäftsstelle): districts and regional groups – add a district, form a group,
rename, change its coordinator, merge groups, dissolve one. Groups and districts are picked by name, the
coordinator is given by name and address; the registry checks every change again.

What follows elsewhere is said on the page and in the notice after each change, as the services do it: the
notifications service keeps a list "Regionalgruppe <Name>" per group (created with the group, renamed with it,
the coordinator becomes its moderation, merged groups' members move to the surviving group's list, a dissolved
group's list is closed); the events service keeps the group's calendar under the group's name; the coordinator's
role in these pages ("Regionalgruppen") follows the registry at the next request.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from services.gateway.domain.people import Viewer
from services.gateway.entrypoints.web import calls
from services.gateway.entrypoints.web.auth import require_admin
from services.gateway.entrypoints.web.calls import PageError
from services.gateway.entrypoints.web.render import add_navigation, page, redirect
from shared.contracts import registry as r

PATH = "/register/regionen"
Admin = Annotated[Viewer, Depends(require_admin)]
STATES = {
    "BW": "Baden-Württemberg", "BY": "Bayern", "BE": "Berlin", "BB": "Brandenburg", "HB": "Bremen", "HH": "Hamburg",
    "HE": "Hessen", "MV": "Mecklenburg-Vorpommern", "NI": "Niedersachsen", "NW": "Nordrhein-Westfalen",
    "RP": "Rheinland-Pfalz", "SL": "Saarland", "SN": "Sachsen", "ST": "Sachsen-Anhalt", "SH": "Schleswig-Holstein",
    "TH": "Thüringen",
}  # fmt: skip
GROUP_STATUS = {"aktiv": "aktiv", "zusammengelegt": "zusammengelegt", "aufgeloest": "aufgelöst"}
KINDS = [("kreisverband", "Kreisverband"), ("bezirk", "Bezirk (Stadtstaat)")]
FOLLOWS = {
    "bilden": "Es entsteht der Verteiler „Regionalgruppe {name}“; die Koordination wird seine Moderation und kann "
    "sich damit anmelden. Die Aktionsplanung führt die Gruppe mit eigenem Kalender; der Landesvorstand erfährt davon.",
    "umbenennen": "Der Verteiler heißt jetzt „Regionalgruppe {name}“, der Kalender der Gruppe ebenso; die bisherige "
    "Adresse der Gruppenseite führt weiter zur Gruppe.",
    "koordination": "{name} koordiniert die Gruppe ab sofort und wird Moderation ihres Verteilers. Die bisherige "
    "Koordination sieht die Gruppe nicht mehr unter „Regionalgruppen“, bleibt aber Moderation des Verteilers, bis "
    "sie dort entfernt wird.",
    "zusammenlegen": "Die Mitglieder der Verteiler der zusammengelegten Gruppen kommen in den Verteiler „Regionalgruppe "
    "{name}“; deren Verteiler werden geschlossen. Die alten Adressen der Gruppenseiten führen zu „{name}“.",
    "aufloesen": "Der Verteiler „Regionalgruppe {name}“ wird geschlossen; die Gruppe plant keine Aktionen mehr und "
    "hat keine Koordination mehr.",
}


def router() -> APIRouter:
    router_ = APIRouter(include_in_schema=False)
    add_navigation(PATH, "Regionen", lambda viewer: viewer.admin)

    async def show(request: Request, status: int = 200, form: str = "", values: dict | None = None,
                   errors: dict | None = None) -> Response:  # fmt: skip
        districts = (await calls.ask(request, r.DISTRICTS, {})).districts
        groups = (await calls.ask(request, r.GROUPS, {})).groups
        district_names = {d.district_id: d.name for d in districts}
        by_state: dict[str, list] = {}
        for group in sorted(groups, key=lambda g: (g.status != "aktiv", g.name.lower())):
            by_state.setdefault(group.state, []).append(group)
        active = [g for g in groups if g.status == "aktiv"]
        return page(
            request,
            "verwaltung/regionen",
            "Regionen und Regionalgruppen",
            status,
            districts=sorted(districts, key=lambda d: (d.state, d.name.lower())),
            groups=sorted(groups, key=lambda g: (g.status != "aktiv", g.state, g.name.lower())),
            active=active,
            group_options=[("", "Bitte wählen")]
            + [
                (g.group_id, f"{g.name} ({STATES.get(g.state, g.state)})")
                for g in sorted(active, key=lambda g: g.name.lower())
            ],
            district_options=[
                (d.district_id, f"{d.name} ({STATES.get(d.state, d.state)})")
                for d in sorted(districts, key=lambda d: (d.state, d.name.lower()))
            ],
            district_names=district_names,
            states=STATES,
            state_options=[("", "Bitte wählen")] + sorted(STATES.items(), key=lambda s: s[1]),
            kinds=KINDS,
            group_status=GROUP_STATUS,
            follows=FOLLOWS,
            form=form,
            values=values or {},
            errors=errors or {},
        )

    @router_.get(PATH)
    async def overview(request: Request, _admin: Admin) -> Response:
        return await show(request)

    async def act(request: Request, admin: Viewer, form: str, spec: Any, payload: dict, values: dict,
                  done: str, follows_name: str) -> Response:  # fmt: skip
        try:
            await calls.ask(request, spec, payload, actor=admin.address)
        except PageError as exc:
            if exc.status not in (400, 404, 409, 422):
                raise
            errors = {_field(form, name): text for name, text in exc.fields.items()} or {form: exc.message}
            return await show(request, exc.status if exc.status != 400 else 422, form, values, errors)
        notice = done + "\n" + FOLLOWS[form].format(name=follows_name)
        return redirect(f"{PATH}#gruppen", flash=notice, request=request)

    async def fields(request: Request) -> dict[str, Any]:
        form = await request.form()
        return {key: form.getlist(key) if key in ("kreise", "gruppen") else str(form.get(key, "")).strip()
                for key in form.keys() if key != "csrf_token"}  # fmt: skip

    async def group_named(request: Request, group_id: str) -> r.GroupSnapshot | None:
        groups = (await calls.ask(request, r.GROUPS, {})).groups
        return next((g for g in groups if g.group_id == group_id), None)

    def coordinator(values: dict, prefix: str, errors: dict) -> dict | None:
        name, email = values.get(f"{prefix}name", ""), values.get(f"{prefix}adresse", "")
        if not name and not email:
            return None
        if not name:
            errors[f"{prefix}name"] = "Bitte den Namen der Koordination angeben."
        return {"name": name, "email": email or None}

    @router_.post(f"{PATH}/kreis")
    async def add_district(request: Request, admin: Admin) -> Response:
        values = await fields(request)
        errors = {}
        if not values.get("kreis_name"):
            errors["kreis_name"] = "Bitte den Namen des Kreisverbands oder Bezirks angeben."
        if values.get("kreis_land") not in STATES:
            errors["kreis_land"] = "Bitte das Bundesland wählen."
        if errors:
            return await show(request, 422, "kreis", values, errors)
        payload = {"name": values["kreis_name"], "state": values["kreis_land"],
                   "kind": values.get("kreis_art") or "kreisverband"}  # fmt: skip
        try:
            await calls.ask(request, r.ADD_DISTRICT, payload, actor=admin.address)
        except PageError as exc:
            if exc.status not in (400, 409, 422):
                raise
            mapped = {_field("kreis", k): v for k, v in exc.fields.items()} or {"kreis_name": exc.message}
            return await show(request, 422, "kreis", values, mapped)
        return redirect(f"{PATH}#kreise", flash=f"„{values['kreis_name']}“ ist eingetragen.", request=request)

    @router_.post(f"{PATH}/bilden")
    async def form_group(request: Request, admin: Admin) -> Response:
        values = await fields(request)
        errors: dict[str, str] = {}
        if not values.get("gruppe_name"):
            errors["gruppe_name"] = "Bitte den Namen der Gruppe angeben."
        if values.get("gruppe_land") not in STATES:
            errors["gruppe_land"] = "Bitte das Bundesland wählen."
        person = coordinator(values, "koordination_", errors)
        if errors:
            return await show(request, 422, "bilden", values, errors)
        payload = {"name": values["gruppe_name"], "state": values["gruppe_land"],
                   "district_ids": values.get("kreise", []), "coordinator": person}  # fmt: skip
        done = f"Die Regionalgruppe „{values['gruppe_name']}“ ist gebildet."
        return await act(request, admin, "bilden", r.FORM_GROUP, payload, values, done, values["gruppe_name"])

    @router_.post(f"{PATH}/umbenennen")
    async def rename(request: Request, admin: Admin) -> Response:
        values = await fields(request)
        errors = {}
        group = await group_named(request, values.get("umbenennen_gruppe", ""))
        if group is None:
            errors["umbenennen_gruppe"] = "Bitte die Gruppe wählen."
        if not values.get("umbenennen_name"):
            errors["umbenennen_name"] = "Bitte den neuen Namen angeben."
        if errors or group is None:
            return await show(request, 422, "umbenennen", values, errors)
        new = values["umbenennen_name"]
        done = f"„{group.name}“ heißt jetzt „{new}“."
        payload = {"group_id": group.group_id, "name": new}
        return await act(request, admin, "umbenennen", r.RENAME_GROUP, payload, values, done, new)

    @router_.post(f"{PATH}/koordination")
    async def change_coordinator(request: Request, admin: Admin) -> Response:
        values = await fields(request)
        errors: dict[str, str] = {}
        group = await group_named(request, values.get("koordination_gruppe", ""))
        if group is None:
            errors["koordination_gruppe"] = "Bitte die Gruppe wählen."
        person = coordinator(values, "neu_", errors)
        if person is None:
            errors["neu_name"] = "Bitte Name und Adresse der neuen Koordination angeben."
        if errors or group is None or person is None:
            return await show(request, 422, "koordination", values, errors)
        done = f"{person['name']} koordiniert jetzt „{group.name}“."
        payload = {"group_id": group.group_id, "coordinator": person}
        return await act(request, admin, "koordination", r.CHANGE_COORDINATOR, payload, values, done, person["name"])

    @router_.post(f"{PATH}/zusammenlegen")
    async def merge(request: Request, admin: Admin) -> Response:
        values = await fields(request)
        errors = {}
        into = await group_named(request, values.get("ziel", ""))
        merged = [g for g in values.get("gruppen", []) if not into or g != into.group_id]
        if into is None:
            errors["ziel"] = "Bitte die Gruppe wählen, die bleibt."
        if not merged:
            errors["gruppen"] = "Bitte mindestens eine Gruppe wählen, die in ihr aufgeht."
        if errors or into is None:
            return await show(request, 422, "zusammenlegen", values, errors)
        done = f"{len(merged)} {'Gruppe geht' if len(merged) == 1 else 'Gruppen gehen'} in „{into.name}“ auf."
        payload = {"into_group_id": into.group_id, "group_ids": merged}
        return await act(request, admin, "zusammenlegen", r.MERGE_GROUPS, payload, values, done, into.name)

    @router_.post(f"{PATH}/aufloesen")
    async def dissolve(request: Request, admin: Admin) -> Response:
        values = await fields(request)
        errors = {}
        group = await group_named(request, values.get("aufloesen_gruppe", ""))
        if group is None:
            errors["aufloesen_gruppe"] = "Bitte die Gruppe wählen."
        if values.get("bestaetigt") != "ja":
            errors["bestaetigt"] = "Bitte bestätigen Sie, dass die Gruppe aufgelöst werden soll."
        if errors or group is None:
            return await show(request, 422, "aufloesen", values, errors)
        done = f"Die Regionalgruppe „{group.name}“ ist aufgelöst."
        return await act(request, admin, "aufloesen", r.DISSOLVE_GROUP, {"group_id": group.group_id}, values, done,
                         group.name)  # fmt: skip

    return router_


FIELD_OF = {
    "kreis": {"name": "kreis_name", "state": "kreis_land"},
    "bilden": {
        "name": "gruppe_name",
        "state": "gruppe_land",
        "coordinator.name": "koordination_name",
        "coordinator.email": "koordination_adresse",
        "district_ids": "kreise",
    },  # fmt: skip
    "umbenennen": {"name": "umbenennen_name"},
    "koordination": {"coordinator.name": "neu_name", "coordinator.email": "neu_adresse"},
    "zusammenlegen": {"group_ids": "gruppen", "into_group_id": "ziel"},
    "aufloesen": {"group_id": "aufloesen_gruppe"},
}


def _field(form: str, name: str) -> str:
    """The page's field for a contract field the service named in its refusal."""
    return FIELD_OF.get(form, {}).get(name, next(iter(FIELD_OF.get(form, {}).values()), form))
