"""The JSON API under /api/v1: each route authenticates, checks role and scope, asks the owning
service over NATS and maps its answer. Commands are POSTs named like the services' commands."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ValidationError, create_model

from services.gateway.adapters.services import ServiceClient
from services.gateway.domain import read_policy
from services.gateway.domain.access import ApiToken, NotAllowed, Unauthenticated
from services.gateway.entrypoints import person_export
from services.gateway.entrypoints.summaries import SUMMARIES
from services.gateway.service_layer import reads, tokens
from shared.clock import Clock
from shared.contracts import RequestSpec
from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from shared.contracts.german import german_fields, german_keys
from shared.errors import DomainError
from shared.messaging.errors import RequestTooLarge, ServiceUnavailable

STATUS = {
    "antwort_zu_gross": 502,
    "speicher_fehler": 503,
    "nicht_gefunden": 404,
    "ungueltige_eingabe": 422,
    "ungueltige_anfrage": 422,
    "konflikt": 409,
    "gleichzeitig_geaendert": 409,
    "nicht_erlaubt": 403,
    "link_ungueltig": 400,
    "zu_viele_anfragen": 429,
    "nicht_angemeldet": 401,
    "regelverletzung": 422,
    "interner_fehler": 502,
}


class Fehler(BaseModel):
    fehler: str
    code: str = ""
    felder: dict[str, str] = {}


ERRORS = {s: {"model": Fehler} for s in (400, 401, 403, 404, 409, 413, 422, 429, 502, 503)}
FILLED_BY_GATEWAY = ("moderator", "admin")  # taken from the token, never from the body or the query
bearer = HTTPBearer(auto_error=False, description="API-Token (beratungsnetz tokens anlegen)")


class ApiError(HTTPException):
    def __init__(
        self, status: int, message: str, code: str = "", fields: dict | None = None, headers: dict | None = None
    ) -> None:
        super().__init__(status, detail={"fehler": message, "code": code, "felder": fields or {}}, headers=headers)


@dataclass(frozen=True)
class Route:
    path: str
    spec: RequestSpec
    need: str  # read | admin | moderate | coordinate
    scope: Callable[[Any], Any] | None = None  # where the list or group id comes from
    acting: str | None = None  # the payload field the token's address fills in ("moderator")
    groups: tuple[
        str, ...
    ] = ()  # payload fields naming groups by slug or id, resolved here for services that only know ids
    after: str | None = None  # what the gateway then does with its own tables (`Access.after`), once the service agreed


def routes() -> list[Route]:
    lists = lambda p: ("list", p.list_id)  # noqa: E731
    action = lambda p: ("action", p.action_id)  # noqa: E731
    return [
        # registry
        Route("/kreisverbaende/anlegen", r.ADD_DISTRICT, "admin"),
        Route("/gruppen/gruenden", r.FORM_GROUP, "admin"),
        Route("/gruppen/umbenennen", r.RENAME_GROUP, "admin"),
        Route("/gruppen/koordination", r.CHANGE_COORDINATOR, "admin"),
        Route("/gruppen/zusammenlegen", r.MERGE_GROUPS, "admin"),
        Route("/gruppen/aufloesen", r.DISSOLVE_GROUP, "admin"),
        Route("/beratungsstellen/eintragen", r.REGISTER_OFFICE, "admin"),
        Route("/beratungsstellen/aendern", r.UPDATE_OFFICE, "admin"),
        Route("/beratungsstellen/pausieren", r.PAUSE_OFFICE, "admin"),
        Route("/beratungsstellen/reaktivieren", r.REACTIVATE_OFFICE, "admin"),
        Route("/beratungsstellen/schliessen", r.CLOSE_OFFICE, "admin"),
        Route("/beratungsstellen/berater/hinzufuegen", r.ADD_COUNSELLOR, "admin"),
        Route("/beratungsstellen/berater/entfernen", r.REMOVE_COUNSELLOR, "admin"),
        Route("/beratungsstellen/berater/schulung", r.RECORD_TRAINING, "admin"),
        Route("/beratungsstellen/anleitung", r.CHANGE_SUPERVISION, "admin"),
        Route("/beratungsstellen/import", r.IMPORT_OFFICES, "admin"),
        # notifications
        Route("/verteiler/anlegen", n.CREATE_LIST, "admin"),
        Route("/verteiler/entscheiden", n.DECIDE, "moderate", lists, "moderator"),
        Route("/verteiler/mitglied-hinzufuegen", n.ADD_MEMBER, "moderate", lists, "moderator"),
        Route("/verteiler/mitglied-entfernen", n.REMOVE_MEMBER, "moderate", lists, "moderator"),
        Route("/verteiler/rolle", n.SET_ROLE, "moderate", lists, "moderator"),
        Route("/verteiler/zustellung", n.SET_DELIVERY, "moderate", lists, "moderator"),
        Route("/verteiler/adresse-aendern", n.CHANGE_ADDRESS, "moderate", lists, "moderator"),
        Route("/verteiler/beitrag", n.POST, "moderate", lists, "moderator"),
        Route("/personen/loeschen", n.ERASE, "admin", after="forget_person"),
        # action planning
        Route(
            "/aktionen/planen",
            e.PLAN_ACTION,
            "coordinate",
            lambda p: ("group", p.organiser_group_id),
            groups=("organiser_group_id",),
        ),
        Route("/aktionen/verschieben", e.RESCHEDULE_ACTION, "coordinate", action),
        Route("/aktionen/einladen", e.INVITE_GROUPS, "coordinate", action, groups=("group_ids",)),
        Route(
            "/aktionen/antworten",
            e.RESPOND_TO_INVITATION,
            "coordinate",
            lambda p: ("group", p.group_id),
            groups=("group_id",),
        ),
        Route("/aktionen/bestaetigen", e.CONFIRM_ACTION, "coordinate", action),
        Route("/aktionen/abschliessen", e.COMPLETE_ACTION, "coordinate", action),
        Route("/aktionen/auswerten", e.EVALUATE_ACTION, "coordinate", action),
        Route("/aktionen/absagen", e.CANCEL_ACTION, "coordinate", action),
        Route("/arbeitsplan/punkt", e.ADD_WORK_ITEM, "admin"),
        Route("/arbeitsplan/import", e.IMPORT_WORK_PLAN, "admin"),
        Route("/arbeitsplan/status", e.SET_WORK_ITEM_STATUS, "admin"),
        Route("/arbeitsplan/vermerk", e.NOTE_WORK_ITEM, "admin"),
        Route("/arbeitsplan/erledigt", e.COMPLETE_WORK_ITEM, "admin"),
        Route("/fortschritt/erstellen", e.COMPILE_PROGRESS, "admin"),
        Route("/gruppen/replikat-neu-aufbauen", e.REBUILD_GROUPS, "admin"),
    ]


QUERIES = [  # GET routes: the query's fields are query parameters
    ("/kreisverbaende", r.DISTRICTS, "read", None),
    ("/gruppen", r.GROUPS, "read", None),
    ("/gruppe", r.GROUP, "read", None),
    ("/beratungsstellen", r.OFFICES, "read", None),
    ("/beratungsstelle", r.OFFICE, "read", None),
    ("/abdeckung", r.COVERAGE, "read", None),
    ("/verteiler", n.LISTS, "read", None),
    ("/verteiler/mitglieder", n.MEMBERS, "moderate", "list_id"),
    ("/verteiler/anfragen", n.PENDING, "moderate", "list_id"),
    ("/verteiler/protokoll", n.AUDIT, "moderate", "list_id"),
    ("/versand", n.DELIVERY_STATS, "admin", None),
    ("/aktionen", e.ACTIONS, "read", None),
    ("/aktion", e.ACTION, "read", None),
    ("/arbeitsplan", e.WORK_PLAN, "read", None),
    ("/fortschritt", e.PROGRESS_REPORTS, "board", None),
    ("/fortschritt/bericht", e.PROGRESS_REPORT, "board", None),
]
REDUCED = (  # the reply of a route the read policy filters (domain/read_policy.py), as the API's documentation says it
    ". Nur Rolle admin liest alles; alle anderen Rollen lesen Namen von Berater:innen nur, wenn sie veröffentlicht"
    " werden dürfen, keine E-Mail-Adressen von Berater:innen, nicht den Namen der Anleitung nach § 6 RDG und die"
    " Adresse der Koordination nur der eigenen Regionalgruppe (leere Felder)."
)
GROUP_PARAMS = {e.ACTIONS.subject: "group_id"}  # query parameters naming a group by slug or id (see Access.group_id)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


class Access:
    def __init__(self, client: ServiceClient, store: Any, clock: Clock) -> None:
        self.client, self.store, self.clock = client, store, clock
        # Route.after: the gateway's own part of a command, e.g. an erasure in its sessions, links, roles and tokens
        self.after: dict[str, Callable[[Any], Awaitable[object]]] = {}

    async def token(self, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> ApiToken:
        try:
            return await tokens.authenticate(self.store, credentials.credentials if credentials else None)
        except Unauthenticated as exc:
            raise ApiError(401, exc.message, exc.code, headers={"WWW-Authenticate": "Bearer"}) from exc

    async def check(self, token: ApiToken, need: str, scope: tuple[str, str] | None) -> None:
        scope_id = scope[1] if scope else None
        if scope and scope[0] == "action":  # a coordinator acts for the group that organises the action
            scope_id = (await self.ask(e.ACTION, e.ActionRef(action_id=scope[1]), token)).organiser_group_id
        if not token.allows(need, scope_id):
            raise ApiError(403, NotAllowed("Dafür fehlt diesem Token die Berechtigung.").message, "nicht_erlaubt")

    async def group_id(self, ref: str, token: ApiToken | None = None) -> str:
        """The id of the group a slug, an earlier slug or a name means, asked of the registry (which owns them).

        A UUID passes as it is; so does a name the registry does not know: the service that needs the group
        answers for it (404 with a German message), as it did before slugs existed.
        """
        if _is_uuid(ref):
            return ref
        try:
            named = r.GroupRef(group=ref)
        except ValidationError as exc:  # control characters and the like: no group can be called that
            raise ApiError(
                422, "So kann keine Regionalgruppe heißen.", "ungueltige_anfrage", german_fields(exc.errors())
            ) from exc
        try:
            return (await self.ask(r.GROUP, named, token)).group_id
        except ApiError as exc:
            if exc.status_code == 404:
                return ref
            raise

    async def resolve_groups(
        self, payload: BaseModel, fields: tuple[str, ...], token: ApiToken | None = None
    ) -> BaseModel:
        update: dict[str, Any] = {}
        for name in fields:
            value = getattr(payload, name)
            if isinstance(value, list):
                update[name] = [await self.group_id(v, token) for v in value]
            elif value:
                update[name] = await self.group_id(value, token)
        return payload.model_copy(update=update) if update else payload

    async def visible(self, token: ApiToken, spec: RequestSpec, payload: BaseModel, data: Any) -> Any:
        """The service's full answer reduced to what the token's role may read (domain/read_policy.py)."""
        reader = read_policy.for_token(token.role, token.scope)
        return await reads.visible(reader, spec, payload, data, lambda s, p: self.ask(s, p, token))

    async def ask(self, spec: RequestSpec, payload: BaseModel, token: ApiToken | None = None) -> Any:
        try:
            reply = await self.client.ask(spec, payload, actor=token.address if token else None)
        except ServiceUnavailable as exc:
            raise ApiError(
                503,
                f"Der Dienst „{spec.producer}“ antwortet gerade nicht. Bitte gleich erneut versuchen.",
                "dienst_nicht_erreichbar",
                headers={"Retry-After": "5"},
            ) from exc
        except RequestTooLarge as exc:
            raise ApiError(413, exc.message, "anfrage_zu_gross") from exc
        if not reply.ok:
            raise ApiError(
                STATUS.get(reply.error.code, 400),
                reply.error.message,
                reply.error.code,
                german_keys(reply.error.fields),
            )
        return reply.data


def acting_fields(model: type[BaseModel], token: ApiToken) -> dict[str, Any]:
    """Who acts, from the token: the address as moderator; admin tokens act as the Landesbüro."""
    values = {"moderator": token.address, "admin": token.role == "admin"}
    return {k: v for k, v in values.items() if k in model.model_fields}


def body_model(model: type[BaseModel]) -> type[BaseModel]:
    """The service's request contract without the fields the gateway fills in from the token."""
    if not set(FILLED_BY_GATEWAY) & model.model_fields.keys():
        return model
    fields = {k: (f.annotation, f) for k, f in model.model_fields.items() if k not in FILLED_BY_GATEWAY}
    return create_model(model.__name__, __base__=None, __config__=model.model_config, __doc__=model.__doc__, **fields)  # type: ignore[call-overload]


def _command(router: APIRouter, access: Access, route: Route, summary: str, description: str) -> None:
    spec = route.spec

    async def handle(body: BaseModel, token: ApiToken = Depends(access.token)):  # noqa: ANN202
        try:
            payload = (
                spec.request.model_validate(body.model_dump() | acting_fields(spec.request, token))
                if route.acting
                else body
            )
        except ValidationError as exc:  # the token's own address does not fit (an old token)
            raise ApiError(
                422, "Die Adresse dieses Tokens passt nicht.", "ungueltige_anfrage", german_fields(exc.errors())
            ) from exc
        payload = await access.resolve_groups(payload, route.groups, token)
        await access.check(token, route.need, route.scope(payload) if route.scope else None)
        answer = await access.ask(spec, payload, token)
        if route.after:
            await access.after[route.after](payload)
        return answer

    handle.__annotations__["body"] = (
        body_model(spec.request) if route.acting else spec.request
    )  # the service's own contract
    router.add_api_route(
        route.path,
        handle,
        methods=["POST"],
        response_model=spec.reply,
        responses=ERRORS,
        summary=summary,
        description=description,
        operation_id=spec.subject.replace(".", "_"),
    )


def _parameter_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter's schema from the contract's field schema (a query has no null)."""
    options = [o for o in schema.get("anyOf", [schema]) if o.get("type") != "null"]
    found = {k: v for k, v in (options[0] if len(options) == 1 else {"type": "string"}).items() if k != "title"}
    return found | ({"description": schema["description"]} if "description" in schema else {})


def _query(
    router: APIRouter, access: Access, path: str, spec: RequestSpec, need: str, scope_field: str | None, summary: str
) -> None:
    async def handle(request: Request, token: ApiToken = Depends(access.token)):  # noqa: ANN202
        params = {k: v for k, v in request.query_params.items() if k not in FILLED_BY_GATEWAY} | acting_fields(
            spec.request, token
        )
        if (group_param := GROUP_PARAMS.get(spec.subject)) and params.get(group_param):
            params[group_param] = await access.group_id(params[group_param], token)
        try:
            payload = spec.request.model_validate(params)
        except ValidationError as exc:
            raise ApiError(422, "Die Anfrage ist ungültig.", "ungueltige_anfrage", german_fields(exc.errors())) from exc
        await access.check(token, need, ("list", params.get(scope_field)) if scope_field else None)
        return await access.visible(token, spec, payload, await access.ask(spec, payload, token))

    schema = spec.request.model_json_schema()["properties"] if spec.request.model_fields else {}
    fields = {k: f for k, f in spec.request.model_fields.items() if k not in FILLED_BY_GATEWAY}
    router.add_api_route(
        path,
        handle,
        methods=["GET"],
        response_model=spec.reply,
        responses=ERRORS,
        summary=summary,
        description=f"Parameter: {', '.join(fields) or 'keine'}" + (REDUCED if spec.subject in reads.FILTERED else ""),
        operation_id=spec.subject.replace(".", "_"),
        openapi_extra={
            "parameters": [
                {"name": k, "in": "query", "required": f.is_required(), "schema": _parameter_schema(schema[k])}
                for k, f in fields.items()
            ]
        },
    )


def api_router(client: ServiceClient, store: Any, clock: Clock) -> tuple[APIRouter, Access]:
    access = Access(client, store, clock)
    router = APIRouter(prefix="/api/v1")
    for route in routes():
        _command(router, access, route, *SUMMARIES[route.path])
    for path, spec, need, scope_field in QUERIES:
        _query(router, access, path, spec, need, scope_field, SUMMARIES[path][0])
    person_export.install(router, access, ERRORS, ApiError)
    return router, access


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain(_request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse(
            {"fehler": exc.message, "code": exc.code, "felder": german_keys(exc.fields)},
            status_code=STATUS.get(exc.code, 400),
        )
