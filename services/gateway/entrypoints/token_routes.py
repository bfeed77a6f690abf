"""Creating, listing and revoking API tokens (admins only). A token is shown once, then only its hash is kept."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from services.gateway.domain.access import ApiToken
from services.gateway.entrypoints.api import ERRORS, Access, ApiError
from services.gateway.service_layer import tokens
from shared.contracts.text import Email, Id, SingleLine
from shared.errors import DomainError

STATUS = {"nicht_gefunden": 404, "konflikt": 409}


class NewToken(BaseModel):
    name: Annotated[SingleLine, Field(max_length=100)]
    role: Literal["admin", "board", "moderator", "coordinator"] = Field(
        description="admin, board (Landesvorstand), moderator, coordinator"
    )
    scope: Id | None = Field(None, description="Verteiler (moderator) bzw. Regionalgruppe (coordinator)")
    address: Email = Field(description="Für wen das Token handelt (bei Moderation: die eigene Adresse im Verteiler)")


class TokenInfo(BaseModel):
    id: str
    name: str
    role: str
    scope: str | None
    address: str
    created_at: datetime
    revoked_at: datetime | None


class IssuedToken(TokenInfo):
    token: str = Field(description="Wird nur dieses eine Mal gezeigt")


class TokenRef(BaseModel):
    id: Id


def info(t: ApiToken) -> dict:
    return {k: getattr(t, k) for k in TokenInfo.model_fields}


def router(access: Access) -> APIRouter:
    r = APIRouter(prefix="/api/v1/tokens", tags=["Zugang"])

    async def admin(token: ApiToken = Depends(access.token)) -> ApiToken:
        if not token.allows("admin"):
            raise ApiError(403, "Nur das Landesbüro (Rolle admin) verwaltet Tokens.", "nicht_erlaubt")
        return token

    @r.post(
        "/anlegen",
        response_model=IssuedToken,
        responses=ERRORS,
        summary="API-Token anlegen",
        description="Das Token wird nur in dieser Antwort gezeigt; gespeichert wird nur sein Hash.",
    )
    async def create(body: NewToken, _admin: ApiToken = Depends(admin)) -> dict:
        scope = (
            await access.group_id(body.scope) if body.role == "coordinator" and body.scope else body.scope
        )  # "vogtland" → its id
        try:
            token, secret = await tokens.issue(
                access.store, body.name, body.role, scope, body.address, access.clock.now()
            )
        except DomainError as exc:
            raise ApiError(422, exc.message, exc.code) from exc
        return info(token) | {"token": secret}

    @r.get("", response_model=list[TokenInfo], responses=ERRORS, summary="API-Tokens auflisten")
    async def listing(_admin: ApiToken = Depends(admin)) -> list[dict]:
        return [info(t) for t in await access.store.all()]

    @r.post(
        "/widerrufen",
        response_model=TokenInfo,
        responses=ERRORS,
        summary="API-Token widerrufen",
        description="Das letzte gültige Admin-Token lässt sich nicht widerrufen.",
    )
    async def revoke(body: TokenRef, _admin: ApiToken = Depends(admin)) -> dict:
        try:
            return info(await tokens.revoke(access.store, body.id, access.clock.now()))
        except DomainError as exc:
            raise ApiError(STATUS.get(exc.code, 422), exc.message, exc.code) from exc

    return r
