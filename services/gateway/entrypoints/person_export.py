"""`/api/v1/personen/auskunft`: the Art. 15 export of one address across all services, for the Landesbüro (admin).

JSON with German keys by default; `format=text` gives the same as readable German text (the command line shows it).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import ValidationError

from services.gateway.domain.access import ApiToken
from services.gateway.domain.person_records import as_json, as_text
from services.gateway.entrypoints.summaries import SUMMARIES
from services.gateway.entrypoints.web.context import web_of
from services.gateway.service_layer import person_export
from shared.contracts.german import german_fields
from shared.contracts.notifications import AddressInput

PATH = "/personen/auskunft"


def install(router: APIRouter, access: Any, errors: dict, api_error: Any) -> None:
    summary, description = SUMMARIES[PATH]

    async def answer(request: Request, token: ApiToken, address: Any, form: Any) -> Response:
        try:
            checked = AddressInput(address=address).address
        except ValidationError as exc:
            raise api_error(
                422, "Bitte eine gültige E-Mail-Adresse angeben.", "ungueltige_anfrage", german_fields(exc.errors())
            ) from exc
        await access.check(token, "admin", None)
        web = web_of(request)
        export = await person_export.compose(
            access.client, access.store, web.sessions, access.clock.now(), checked, token.address
        )
        if form == "text":
            return PlainTextResponse(as_text(export))
        return JSONResponse(as_json(export))

    async def read(request: Request, token: ApiToken = Depends(access.token)) -> Response:
        q = request.query_params
        return await answer(request, token, q.get("address", ""), q.get("format", ""))

    async def post(request: Request, body: AddressInput, token: ApiToken = Depends(access.token)) -> Response:
        return await answer(request, token, body.address, request.query_params.get("format", ""))

    parameters = [
        {"name": "address", "in": "query", "required": True, "schema": {"type": "string", "format": "email"}},
        {"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": ["json", "text"]}},
    ]
    for method, handle, extra in (("GET", read, {"parameters": parameters}), ("POST", post, {})):
        router.add_api_route(
            PATH,
            handle,
            methods=[method],
            responses=errors,
            summary=summary,
            description=description,
            operation_id=f"personen_auskunft_{method.lower()}",
            openapi_extra=extra,
        )
