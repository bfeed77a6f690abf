"""Who is signed in, and with which roles: read fresh from the data on every request.

The session cookie `bn_sitzung` names a server-side session (SessionStore). The roles come from where
they live: moderation from the notifications service (ROLES_OF), coordination from the registry's
groups (the coordinator's address), board and admin from the gateway's own grants table, and the
setting `admin_address` is always admin. A person named by name in the V of an open work-plan item
(their display name on the work-plan list, WORKPLAN_PERSON, matched against the events service's open
items as the reminders match) holds the role "named in the work plan". The trainer of a training date (action
planning's TRAININGS by trainer address) holds that date until a while after its end. A role that ends in the data ends at the next request.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import Request
from pydantic import ValidationError

from services.gateway.domain.people import Viewer, normal_address
from services.gateway.domain.trainings import trainer_dates
from services.gateway.domain.workplan import named_in_open_item
from services.gateway.entrypoints.web.context import Web, web_of
from services.gateway.entrypoints.web.render import SESSION_COOKIE, sign_in_path
from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from shared.messaging.rpc import ServiceUnavailable


class SignInRequired(Exception):
    """Not signed in: the handler answers 303 to the sign-in page, which brings the person back to `next_path`."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.location = sign_in_path(next_path)


class NotPermitted(Exception):
    """Signed in, but without the role this page needs: a German 403 page."""

    def __init__(self, message: str = "Für diese Seite fehlt Ihnen die Berechtigung.") -> None:
        super().__init__(message)
        self.message = message


async def viewer(request: Request) -> Viewer | None:
    """The signed-in person with their roles as of now, or None. Asked once per request."""
    if hasattr(request.state, "viewer"):
        return request.state.viewer
    web = web_of(request)
    session = await web.sessions.get(request.cookies.get(SESSION_COOKIE), web.clock.now())
    found = None if session is None else await roles(web, session.address, session.id)
    request.state.viewer = found
    return found


async def roles(web: Web, address: str, session_id: str = "") -> Viewer:
    """Everything `address` may do, asked of the services that hold the data."""
    address = normal_address(address)
    moderation, groups, grants, plan_person, trains = await asyncio.gather(
        _ask(web, n.ROLES_OF, n.RolesOf(address=address)),
        _ask(web, r.GROUPS, r.ListQuery()),
        web.sessions.roles_of(address),
        _ask(web, n.WORKPLAN_PERSON, n.RolesOf(address=address)),
        _trainer_dates(web, address),
    )
    unanswered = tuple(name for name, answer in (("notifications", moderation), ("registry", groups)) if answer is None)
    workplan = False
    if plan_person is not None and plan_person.names:  # a name on the work-plan list: is an open item theirs?
        plan = await _ask(web, e.WORK_PLAN, e.WorkPlanQuery(only_open=True))
        workplan = plan is not None and named_in_open_item(plan_person.names, plan.items)
    moderates = {m.list_id: m for m in moderation.moderates if m.status != "geschlossen"} if moderation else {}
    coordinates = {
        g.group_id: g.name
        for g in (groups.groups if groups else [])
        if g.status == "aktiv"
        and g.coordinator
        and g.coordinator.email
        and normal_address(g.coordinator.email) == address
    }
    return Viewer(
        address=address,
        moderates=moderates,
        coordinates=coordinates,
        board="vorstand" in grants,
        admin="verwaltung" in grants or address == normal_address(web.admin_address),
        session_id=session_id,
        workplan=workplan,
        unanswered=unanswered,
        trains=trains,
    )


async def _trainer_dates(web: Web, address: str) -> dict[str, str]:
    """The training dates `address` trains (issue 17): action planning names the trainer of each date."""
    try:
        query = e.TrainingsQuery(upcoming_only=False, trainer_email=address)
    except ValidationError:  # no address a trainer could have
        return {}
    found = await _ask(web, e.TRAININGS, query)
    return trainer_dates(found.trainings, address, web.clock.now()) if found else {}


async def _ask(web: Web, spec: Any, payload: Any) -> Any:
    """The service's answer, or None when it does not answer or refuses (then that role is simply not there)."""
    try:
        reply = await web.client.ask(spec, payload)
    except ServiceUnavailable:
        return None
    return reply.data if reply.ok else None


def _here(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


async def require_viewer(request: Request) -> Viewer:
    """FastAPI dependency: the signed-in person; else 303 to `/anmelden?weiter=<this page>`."""
    found = await viewer(request)
    if found is None:
        raise SignInRequired(_here(request))
    return found


async def require_moderator(list_id: str, request: Request) -> Viewer:
    """FastAPI dependency for pages under a path parameter `list_id`: admin or moderator of that list."""
    found = await require_viewer(request)
    if not found.may_moderate(list_id):
        raise NotPermitted("Diesen Verteiler moderieren Sie nicht (mehr). Die Seite steht nur seiner Moderation offen.")
    return found


async def require_coordinator(group_id: str, request: Request) -> Viewer:
    """FastAPI dependency for pages under a path parameter `group_id`: admin or coordinator of that group."""
    found = await require_viewer(request)
    if not found.may_coordinate(group_id):
        raise NotPermitted("Diese Regionalgruppe koordinieren Sie nicht. Die Seite steht nur ihrer Koordination offen.")
    return found


async def require_board(request: Request) -> Viewer:
    """Landesvorstand or Landesgeschäftsstelle."""
    found = await require_viewer(request)
    if not found.may_read_all:
        raise NotPermitted("Diese Seite ist dem Landesvorstand und der Landesgeschäftsstelle vorbehalten.")
    return found


async def require_admin(request: Request) -> Viewer:
    """Landesgeschäftsstelle only."""
    found = await require_viewer(request)
    if not found.admin:
        raise NotPermitted("Diese Seite ist der Landesgeschäftsstelle vorbehalten.")
    return found
