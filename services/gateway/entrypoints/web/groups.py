"""The regional groups' pages (journey 2): a group's actions, planning one (checked before it is saved),
invitations from other groups, the action's page with all that follows, and the calendar subscription.

A group is its readable name in the path (`/gruppen/vogtland`, an earlier name leads there too); an action is
picked from a list, its id only ever in a path. The coordination of a group (and the Landesgeschäftsstelle) may
change what belongs to the group; the Landesvorstand reads every group and gets no forms. The events service
checks the rules again and says in German why something cannot be done.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from services.gateway.domain import planning
from services.gateway.domain.people import Viewer
from services.gateway.entrypoints.web import calls
from services.gateway.entrypoints.web.auth import NotPermitted, require_viewer
from services.gateway.entrypoints.web.calls import PageError
from services.gateway.entrypoints.web.context import web_of
from services.gateway.entrypoints.web.render import add_navigation, error_page, page, redirect
from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r

LIVE = ("idee", "geplant", "bestätigt")
READ_ONLY = "Als Landesvorstand können Sie alle Regionalgruppen ansehen, aber hier nichts ändern."
NOT_YOURS = "Diese Regionalgruppe koordinieren Sie nicht. Die Seite steht nur ihrer Koordination offen."


class Here:
    """The person, the group of the path, and whether the person may change what belongs to the group."""

    def __init__(self, viewer: Viewer, group: r.GroupSnapshot) -> None:
        self.viewer, self.group = viewer, group
        self.slug = group.slug or group.group_id
        self.base = f"/gruppen/{self.slug}"
        self.may_act = viewer.may_coordinate(group.group_id)


async def ask(request: Request, spec: Any, **values: Any) -> Any:
    viewer: Viewer | None = getattr(request.state, "viewer", None)
    return await calls.ask(request, spec, values, actor=viewer.address if viewer else None)


async def here(request: Request, slug: str, acting: bool = False) -> Here:
    """The group named in the path and the person; a German 403 page for anyone else (and for the board when
    `acting`), a 404 page for a group nobody knows, a 503 page when the registry does not answer."""
    viewer = await require_viewer(request)
    try:
        group = await ask(request, r.GROUP, group=slug)
    except PageError as exc:
        if exc.status == 422:
            raise PageError(404, "Diese Regionalgruppe gibt es nicht.", "nicht_gefunden") from exc
        raise
    found = Here(viewer, group)
    if found.may_act:
        return found
    if "registry" in viewer.unanswered:
        raise PageError(
            503, "Das Register antwortet gerade nicht. Bitte versuchen Sie es gleich noch einmal.", "", {}, 5
        )
    if viewer.may_read_all and not acting:
        return found
    raise NotPermitted(READ_ONLY if viewer.may_read_all else NOT_YOURS)


async def groups_to_invite(request: Request, except_ids: set[str]) -> list[e.GroupV1]:
    """Active groups that can be invited (the events service's own record of them), by name."""
    known = (await ask(request, e.GROUPS)).groups
    return sorted((g for g in known if g.status == "aktiv" and g.group_id not in except_ids), key=lambda g: g.name)


async def the_action(request: Request, at: Here, action_id: str) -> e.ActionSnapshot:
    """The action, if it belongs to the group of the path (organised by it or inviting it)."""
    try:
        action = await ask(request, e.ACTION, action_id=action_id)
    except PageError as exc:
        if exc.status in (404, 422):
            raise PageError(404, "Diese Aktion gibt es nicht (mehr).", "nicht_gefunden") from exc
        raise
    gid = at.group.group_id
    if action.organiser_group_id != gid and all(i.group_id != gid for i in action.invitations):
        raise PageError(404, f"Diese Aktion gehört nicht zur Regionalgruppe {at.group.name}.", "nicht_gefunden")
    return action


def invitation_of(action: e.ActionSnapshot, group_id: str) -> e.InvitationV1 | None:
    return next((i for i in action.invitations if i.group_id == group_id), None)


def is_open_for(action: e.ActionSnapshot, group_id: str) -> bool:
    found = invitation_of(action, group_id)
    return bool(found and found.status == "offen" and not found.no_answer and action.status in LIVE)


def answer_word(invitation: e.InvitationV1) -> str:
    return "keine Antwort" if invitation.no_answer else planning.ANSWER_WORDS.get(invitation.status, invitation.status)


def why_not_confirmable(action: e.ActionSnapshot) -> list[str]:
    reasons = []
    waiting = [i.group_name or "eine Gruppe" for i in action.invitations if i.status == "offen" and not i.no_answer]
    if waiting:
        reasons.append(f"Noch keine Antwort von: {', '.join(waiting)}.")
    if not action.responsible:
        reasons.append("Es ist noch niemand verantwortlich (V). Tragen Sie unter „Ändern“ eine Person ein.")
    return reasons


async def open_invitations(request: Request, viewer: Viewer) -> list[tuple[str, str, e.ActionSnapshot]]:
    """For "Meine Aufgaben": (group name, page of its invitations, action) for each invitation still unanswered."""
    if not viewer.coordinates:
        return []
    found = []
    try:  # the task page still shows the rest when the registry or action planning does not answer
        slugs = {g.group_id: g.slug or g.group_id for g in (await ask(request, r.GROUPS)).groups}
        for group_id, name in sorted(viewer.coordinates.items(), key=lambda item: item[1]):
            for action in (await ask(request, e.ACTIONS, group_id=group_id)).actions:
                if is_open_for(action, group_id):
                    link = f"/gruppen/{slugs.get(group_id, group_id)}/einladungen#aktion-{action.action_id}"
                    found.append((name, link, action))
    except PageError:
        return []
    return found


def router() -> APIRouter:
    rt = APIRouter(prefix="/gruppen", include_in_schema=False)
    add_navigation("/gruppen", "Regionalgruppen", lambda viewer: bool(viewer.coordinates) or viewer.may_read_all)

    # --- all groups, one group ------------------------------------------------------------------------------

    @rt.get("", response_class=HTMLResponse)
    async def overview(request: Request) -> Response:
        viewer = await require_viewer(request)
        groups = [g for g in (await ask(request, r.GROUPS)).groups if g.status == "aktiv"]
        if not viewer.may_read_all:
            groups = [g for g in groups if g.group_id in viewer.coordinates]
        if not groups:
            return error_page(
                403,
                "Keine Berechtigung",
                "Sie koordinieren keine Regionalgruppe. Wenn Sie das sollten, wenden Sie sich bitte an die "
                "Landesgeschäftsstelle: Sie trägt die Koordination im Register ein.",
                request,
            )
        groups.sort(key=lambda g: (g.state, g.name.casefold()))
        return page(request, "gruppen/uebersicht", "Regionalgruppen", groups=groups, viewer_may=viewer.may_coordinate)

    @rt.get("/{slug}", response_class=HTMLResponse)
    async def one_group(request: Request, slug: str) -> Response:
        at = await here(request, slug)
        gid, now = at.group.group_id, web_of(request).clock.now()
        actions = (await ask(request, e.ACTIONS, group_id=gid)).actions
        invitations = [a for a in actions if is_open_for(a, gid)]
        ours = [a for a in actions if a not in invitations]
        upcoming = [a for a in ours if a.status in LIVE and (a.start is None or a.end is None or a.end >= now)]
        past = [a for a in ours if a not in upcoming]
        past.sort(key=lambda a: a.start or now, reverse=True)
        lists = (await ask(request, n.LISTS, group_id=gid)).lists
        return page(
            request,
            "gruppen/gruppe",
            f"Regionalgruppe {at.group.name}",
            at=at,
            upcoming=upcoming,
            past=past,
            invitations=invitations,
            group_list=lists[0] if lists else None,
            may_moderate=bool(lists) and at.viewer.may_moderate(lists[0].list_id),
            words=planning,
        )

    # --- plan an action: the form, the check, saving ---------------------------------------------------------

    async def plan_page(
        request: Request, at: Here, values: dict, invited: list[str], errors: dict | None = None, status: int = 200
    ) -> Response:
        return page(
            request,
            "gruppen/planen",
            "Aktion planen",
            status,
            at=at,
            values=values,
            invited=invited,
            candidates=[(g.group_id, g.name) for g in await groups_to_invite(request, {at.group.group_id})],
            errors=errors or {},
            words=planning,
            action=None,
            target=f"{at.base}/aktionen/neu",
        )

    @rt.get("/{slug}/aktionen/neu", response_class=HTMLResponse)
    async def plan_get(request: Request, slug: str) -> Response:
        at = await here(request, slug, acting=True)
        return await plan_page(request, at, dict.fromkeys(planning.FIELDS, ""), [])

    @rt.post("/{slug}/aktionen/neu", response_class=HTMLResponse)
    async def plan_post(request: Request, slug: str) -> Response:
        at = await here(request, slug, acting=True)
        raw = await request.form()
        form = planning.read_plan({k: str(raw.get(k, "")) for k in planning.FIELDS})
        invited = [str(v) for v in raw.getlist("eingeladen")]
        step = str(raw.get("schritt", "pruefen"))
        if not form.ok or step == "korrigieren":
            return await plan_page(request, at, form.values, invited, form.errors, 422 if not form.ok else 200)
        candidates = {g.group_id: g.name for g in await groups_to_invite(request, {at.group.group_id})}
        unknown = [g for g in invited if g not in candidates]
        if unknown:
            errors = {"eingeladen": "Eine der gewählten Gruppen lässt sich nicht einladen. Bitte wählen Sie neu."}
            return await plan_page(request, at, form.values, [], errors, 422)
        if step != "speichern":
            return await check_page(request, at, form, invited, candidates, None, str(uuid.uuid4()))
        key = str(raw.get("kennung", "")) or None
        try:
            planned = await ask(
                request, e.PLAN_ACTION, organiser_group_id=at.group.group_id, action_id=key, **form.schedule()
            )
        except PageError as exc:
            if exc.status in (409, 422):
                return await plan_page(request, at, form.values, invited, {"titel": exc.message}, exc.status)
            raise
        action_id = planned.action.action_id
        notice = f"Die Aktion „{planned.action.title}“ ist geplant."
        if invited:
            await ask(request, e.INVITE_GROUPS, action_id=action_id, group_ids=invited)
            names = ", ".join(candidates[g] for g in invited)
            notice += f" Eingeladen: {names}; ihre Verteiler bekommen eine Einladung per E-Mail."
        return redirect(f"{at.base}/aktionen/{action_id}", notice, request)

    async def check_page(
        request: Request,
        at: Here,
        form: planning.PlanForm,
        invited: list[str],
        candidates: dict[str, str],
        action: e.ActionSnapshot | None,
        key: str,
    ) -> Response:
        """Before saving: what was understood, the LAG's guideline, clashes on the same day. Nothing is stored."""
        try:
            check = await ask(
                request,
                e.CHECK_ACTION,
                organiser_group_id=at.group.group_id,
                action_id=action.action_id if action else None,
                invited_group_ids=invited,
                **form.schedule(),
            )
        except PageError as exc:
            if exc.status != 422:
                raise
            errors = {_FIELD.get(k, "titel"): v for k, v in exc.fields.items()} or {"titel": exc.message}
            errors = {k: (exc.message if v in ("fehlt", "vor dem Beginn") else v) for k, v in errors.items()}
            if action:
                return await change_page(request, at, action, form.values, errors, 422)
            return await plan_page(request, at, form.values, invited, errors, 422)
        return page(
            request,
            "gruppen/pruefen",
            "Aktion prüfen" if action is None else "Änderung prüfen",
            at=at,
            form=form,
            invited=invited,
            invited_names=[candidates.get(g, g) for g in invited],
            check=check,
            words=planning,
            action=action,
            key=key,
            target=f"{at.base}/aktionen/{action.action_id}/aendern" if action else f"{at.base}/aktionen/neu",
        )

    # --- one action ------------------------------------------------------------------------------------------

    async def show_action(
        request: Request, at: Here, action: e.ActionSnapshot, errors: dict | None = None, status: int = 200
    ) -> Response:
        now = web_of(request).clock.now()
        organiser = action.organiser_group_id == at.group.group_id
        invited_ids = {i.group_id for i in action.invitations} | {action.organiser_group_id}
        candidates = await groups_to_invite(request, invited_ids) if organiser and at.may_act else []
        return page(
            request,
            "gruppen/aktion",
            action.title,
            status,
            at=at,
            action=action,
            organiser=organiser,
            own=invitation_of(action, at.group.group_id),
            begun=action.start is not None and action.start <= now,
            candidates=candidates,
            reasons=why_not_confirmable(action),
            answer_word=answer_word,
            words=planning,
            errors=errors or {},
        )

    @rt.get("/{slug}/aktionen/{action_id}", response_class=HTMLResponse)
    async def action_page(request: Request, slug: str, action_id: str) -> Response:
        at = await here(request, slug)
        return await show_action(request, at, await the_action(request, at, action_id))

    async def organised(request: Request, slug: str, action_id: str) -> tuple[Here, e.ActionSnapshot]:
        at = await here(request, slug, acting=True)
        action = await the_action(request, at, action_id)
        if action.organiser_group_id != at.group.group_id:
            raise NotPermitted(
                f"Diese Aktion organisiert {action.organiser_group_name or 'eine andere Gruppe'}; "
                "ändern kann sie nur deren Koordination."
            )
        return at, action

    async def act(
        request: Request, at: Here, action: e.ActionSnapshot, spec: Any, done: str, field: str, **values: Any
    ) -> Response:
        """Ask; a refusal comes back as the action's page with the reason at the form's `field`."""
        try:
            await ask(request, spec, action_id=action.action_id, **values)
        except PageError as exc:
            if exc.status in (409, 422):
                return await show_action(request, at, action, {field: exc.message}, exc.status)
            raise
        return redirect(f"{at.base}/aktionen/{action.action_id}", done, request)

    @rt.post("/{slug}/aktionen/{action_id}/einladen", response_class=HTMLResponse)
    async def invite(request: Request, slug: str, action_id: str) -> Response:
        at, action = await organised(request, slug, action_id)
        chosen = [str(v) for v in (await request.form()).getlist("eingeladen")]
        if not chosen:
            return await show_action(
                request, at, action, {"eingeladen": "Bitte wählen Sie mindestens eine Gruppe."}, 422
            )
        names = {g.group_id: g.name for g in await groups_to_invite(request, set())}
        done = f"Eingeladen: {', '.join(names.get(g, g) for g in chosen)}. Ihre Verteiler bekommen eine Einladung per E-Mail."
        return await act(request, at, action, e.INVITE_GROUPS, done, "eingeladen", group_ids=chosen)

    @rt.post("/{slug}/aktionen/{action_id}/bestaetigen", response_class=HTMLResponse)
    async def confirm(request: Request, slug: str, action_id: str) -> Response:
        at, action = await organised(request, slug, action_id)
        done = "Die Aktion ist bestätigt. Die beteiligten Gruppen und der Landesvorstand bekommen eine E-Mail."
        return await act(request, at, action, e.CONFIRM_ACTION, done, "bestaetigen")

    @rt.post("/{slug}/aktionen/{action_id}/absagen", response_class=HTMLResponse)
    async def cancel(request: Request, slug: str, action_id: str) -> Response:
        at, action = await organised(request, slug, action_id)
        reason = str((await request.form()).get("grund", ""))
        done = "Die Aktion ist abgesagt. Die beteiligten Gruppen bekommen eine E-Mail mit dem Grund."
        return await act(request, at, action, e.CANCEL_ACTION, done, "grund", reason=reason)

    @rt.post("/{slug}/aktionen/{action_id}/bericht", response_class=HTMLResponse)
    async def report(request: Request, slug: str, action_id: str) -> Response:
        at, action = await organised(request, slug, action_id)
        form = await request.form()
        count = str(form.get("teilnehmende", "")).strip()
        if not count.isdigit():
            message = "Bitte geben Sie die Zahl der Teilnehmenden als ganze Zahl an, etwa 14."
            return await show_action(request, at, action, {"teilnehmende": message}, 422)
        done = "Der Bericht ist eingetragen. Der Landesvorstand bekommt ihn per E-Mail."
        values = {
            "participants": int(count),
            "notes": str(form.get("notizen", "")),
            "press": str(form.get("presse", "")),
        }
        return await act(request, at, action, e.COMPLETE_ACTION, done, "teilnehmende", **values)

    @rt.post("/{slug}/aktionen/{action_id}/auswertung", response_class=HTMLResponse)
    async def evaluate(request: Request, slug: str, action_id: str) -> Response:
        at, action = await organised(request, slug, action_id)
        text = str((await request.form()).get("auswertung", "")).strip()
        if not text:
            return await show_action(request, at, action, {"auswertung": "Bitte schreiben Sie die Auswertung."}, 422)
        done = "Die Auswertung ist gespeichert."
        return await act(request, at, action, e.EVALUATE_ACTION, done, "auswertung", evaluation=text)

    # --- change (reschedule) ---------------------------------------------------------------------------------

    async def change_page(
        request: Request,
        at: Here,
        action: e.ActionSnapshot,
        values: dict,
        errors: dict | None = None,
        status: int = 200,
    ) -> Response:
        return page(
            request,
            "gruppen/planen",
            f"Ändern: {action.title}",
            status,
            at=at,
            values=values,
            invited=[],
            candidates=[],
            errors=errors or {},
            words=planning,
            action=action,
            target=f"{at.base}/aktionen/{action.action_id}/aendern",
        )

    @rt.get("/{slug}/aktionen/{action_id}/aendern", response_class=HTMLResponse)
    async def change_get(request: Request, slug: str, action_id: str) -> Response:
        at, action = await organised(request, slug, action_id)
        return await change_page(request, at, action, planning.plan_values(action))

    @rt.post("/{slug}/aktionen/{action_id}/aendern", response_class=HTMLResponse)
    async def change_post(request: Request, slug: str, action_id: str) -> Response:
        at, action = await organised(request, slug, action_id)
        raw = await request.form()
        form = planning.read_plan({k: str(raw.get(k, "")) for k in planning.FIELDS})
        step = str(raw.get("schritt", "pruefen"))
        if not form.ok or step == "korrigieren":
            return await change_page(request, at, action, form.values, form.errors, 422 if not form.ok else 200)
        invited = [i.group_id for i in action.invitations]
        if step != "speichern":
            names = {i.group_id: i.group_name for i in action.invitations}
            return await check_page(request, at, form, invited, names, action, "")
        try:
            await ask(request, e.RESCHEDULE_ACTION, action_id=action_id, **form.schedule())
        except PageError as exc:
            if exc.status in (409, 422):
                return await change_page(request, at, action, form.values, {"titel": exc.message}, exc.status)
            raise
        told = " Eingeladene Gruppen, die nicht abgesagt haben, erfahren es per E-Mail." if invited else ""
        return redirect(f"{at.base}/aktionen/{action_id}", f"Die Aktion ist geändert.{told}", request)

    # --- invitations from other groups -----------------------------------------------------------------------

    @rt.get("/{slug}/einladungen", response_class=HTMLResponse)
    async def invitations(request: Request, slug: str) -> Response:
        return await invitations_page(request, await here(request, slug))

    async def invitations_page(request: Request, at: Here, errors: dict | None = None, status: int = 200) -> Response:
        gid = at.group.group_id
        actions = (await ask(request, e.ACTIONS, group_id=gid)).actions
        received = [a for a in actions if a.organiser_group_id != gid and invitation_of(a, gid)]
        waiting = [a for a in received if is_open_for(a, gid)]
        answered = [a for a in received if a not in waiting]
        return page(
            request,
            "gruppen/einladungen",
            f"Einladungen an {at.group.name}",
            status,
            at=at,
            errors=errors or {},
            waiting=waiting,
            answered=answered,
            answer_word=lambda a: answer_word(invitation_of(a, gid)),  # type: ignore[arg-type]
            words=planning,
        )

    @rt.post("/{slug}/einladungen", response_class=HTMLResponse)
    async def answer(request: Request, slug: str) -> Response:
        at = await here(request, slug, acting=True)
        form = await request.form()
        action_id, choice = str(form.get("aktion", "")), str(form.get("antwort", ""))
        back = f"{at.base}/einladungen"
        action = await the_action(request, at, action_id)
        if choice not in ("zusagen", "absagen"):
            errors = {f"aktion-{action_id}": "Bitte wählen Sie „Zusagen“ oder „Absagen“."}
            return await invitations_page(request, at, errors, 422)
        try:
            await ask(
                request,
                e.RESPOND_TO_INVITATION,
                action_id=action_id,
                group_id=at.group.group_id,
                accept=choice == "zusagen",
            )
        except PageError as exc:
            if exc.status in (409, 422):
                return await invitations_page(request, at, {f"aktion-{action_id}": exc.message}, exc.status)
            raise
        word = "zugesagt" if choice == "zusagen" else "abgesagt"
        who = action.organiser_group_name or "die organisierende Gruppe"
        return redirect(back, f"Sie haben für „{action.title}“ {word}. {who} bekommt Bescheid.", request)

    # --- calendar subscription -------------------------------------------------------------------------------

    @rt.get("/{slug}/kalender", response_class=HTMLResponse)
    async def calendar(request: Request, slug: str) -> Response:
        at = await here(request, slug)
        public = urlsplit(web_of(request).public_url)
        host = public.netloc + public.path.rstrip("/")
        feed = f"/kalender/{at.slug}.ics"
        return page(
            request,
            "gruppen/kalender",
            f"Kalender abonnieren – {at.group.name}",
            at=at,
            https_url=f"{public.scheme}://{host}{feed}",
            webcal_url=f"webcal://{host}{feed}",
            all_url=f"webcal://{host}/kalender.ics",
        )

    return rt


# The events service names the fields of its schedule; the form calls them so.
_FIELD = {"art": "art", "titel": "titel", "jobcenter": "jobcenter", "ende": "ende", "datum": "datum", "start": "datum"}
