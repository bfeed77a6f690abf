"""API tokens: created by an admin, shown once, stored hashed, revocable."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from services.gateway.domain.access import ApiToken, Unauthenticated, check_role, hash_secret, new_secret
from shared.errors import DomainError


async def issue(
    store: Any, name: str, role: str, scope: str | None, address: str, now: datetime
) -> tuple[ApiToken, str]:
    check_role(role, scope)
    secret = new_secret()
    token = ApiToken(str(uuid.uuid4()), name.strip() or role, role, scope, address.strip(), hash_secret(secret), now)
    await store.add(token)
    return token, secret


async def authenticate(store: Any, secret: str | None) -> ApiToken:
    token = await store.by_hash(hash_secret(secret)) if secret else None
    if token is None or token.revoked_at is not None:
        raise Unauthenticated("Anmeldung erforderlich: bitte ein gültiges Token mitschicken (Authorization: Bearer …).")
    return token


async def revoke(store: Any, token_id: str, now: datetime) -> ApiToken:
    return await store.revoke(token_id, now)


class PresetRevoked(DomainError):
    """The configured bootstrap token was revoked: it stays revoked, whatever the configuration says."""

    code = "konflikt"


async def ensure_admin(store: Any, address: str, secret: str | None, now: datetime) -> str | None:
    """On first start: create the admin token (from `secret`, or a new one) if there is no admin yet.
    A configured token that exists already (valid or revoked) is never created a second time."""
    if secret and (known := await store.by_hash(hash_secret(secret))) is not None:
        if known.revoked_at is not None:
            raise PresetRevoked(
                "Das konfigurierte Bootstrap-Admin-Token (ADMIN_TOKEN) wurde widerrufen und wird nicht neu angelegt; "
                "bitte die Einstellung entfernen."
            )
        return None
    if await store.has_admin():
        return None
    secret = secret or new_secret()
    await store.add(ApiToken(str(uuid.uuid4()), "Erstes Admin-Token", "admin", None, address, hash_secret(secret), now))
    return secret
