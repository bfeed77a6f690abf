"""Create one PostgreSQL role per service, owning its own schema and nothing else.

    BERATUNGSNETZ_PROVISION_DATABASE_URL=postgresql+asyncpg://<superuser>:…@postgres/beratungsnetz \\
    REGISTRY_DB_PASSWORD=… NOTIFICATIONS_DB_PASSWORD=… EVENTS_DB_PASSWORD=… GATEWAY_DB_PASSWORD=… \\
    python -m beratungsnetz.runtime.provision_db

The only step that logs in as the superuser. Run again at any time: it creates what is missing, sets the
passwords from the environment (so a rotation is: change the variable, run it again, restart the service)
and hands schemas a service created under the superuser (the single-user layout before) to the service's role.

Per service `<name>`: role `bn_<name>` (LOGIN, no superuser, may not create roles or databases, member of
nothing), schema `<name>` owned by it, its search path set to that schema. Nobody else has any right on the
schema; `PUBLIC` loses all rights on the database (the roles get CONNECT) and on schema `public`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.db import make_database

SERVICES = ("registry", "notifications", "events", "gateway")
ADMIN_URL_ENV = "BERATUNGSNETZ_PROVISION_DATABASE_URL"
_LOCK = 0x62_6E_64_62  # "bndb": one provisioning at a time (concurrent GRANTs on one object fail in PostgreSQL)


def password_env(service: str) -> str:
    return f"{service.upper()}_DB_PASSWORD"


@dataclass(frozen=True)
class ServiceRole:
    service: str
    role: str
    schema: str
    password: str | None = None

    @classmethod
    def default(cls, service: str, password: str | None = None) -> ServiceRole:
        return cls(service, f"bn_{service}", service, password)


async def _quoted(conn: AsyncConnection, template: str, *args: str) -> str:
    """A statement with identifiers (%I) and literals (%L) quoted by the server itself: DDL takes no parameters."""
    if not args:
        return template
    params = {f"a{i}": a for i, a in enumerate(args)}
    placeholders = ", ".join(f"CAST(:a{i} AS text)" for i in range(len(args)))
    return (await conn.execute(text(f"SELECT format(:t, {placeholders})"), {"t": template, **params})).scalar_one()


async def _run(conn: AsyncConnection, template: str, *args: str) -> None:
    await conn.execute(text(await _quoted(conn, template, *args)))


async def _provision_role(conn: AsyncConnection, database: str, spec: ServiceRole) -> None:
    exists = (await conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": spec.role})).first()
    if not exists:
        await _run(conn, "CREATE ROLE %I", spec.role)
    await _run(conn, "ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS", spec.role)
    if spec.password is not None:
        await _run(conn, "ALTER ROLE %I PASSWORD %L", spec.role, spec.password)
    await _run(conn, "GRANT CONNECT ON DATABASE %I TO %I", database, spec.role)
    await _run(conn, "ALTER ROLE %I IN DATABASE %I SET search_path TO %I", spec.role, database, spec.schema)

    await _run(conn, "CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I", spec.schema, spec.role)
    await _run(conn, "ALTER SCHEMA %I OWNER TO %I", spec.schema, spec.role)
    await _run(conn, "REVOKE ALL ON SCHEMA %I FROM PUBLIC", spec.schema)
    await _hand_over_objects(conn, spec)


async def _hand_over_objects(conn: AsyncConnection, spec: ServiceRole) -> None:
    """Tables, views, sequences and types in the schema that someone else (the superuser) still owns."""
    kinds = {"r": "TABLE", "p": "TABLE", "f": "FOREIGN TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    for relkinds in ("rpfvm", "S"):  # tables first: their sequences move with them
        rows = await conn.execute(
            text(
                "SELECT c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = :s AND strpos(:k, c.relkind::text) > 0 AND pg_get_userbyid(c.relowner) <> :r"
            ),
            {"s": spec.schema, "k": relkinds, "r": spec.role},
        )
        for name, kind in rows.all():
            await _run(conn, f"ALTER {kinds[kind]} %I.%I OWNER TO %I", spec.schema, name, spec.role)
    types = await conn.execute(
        text(
            "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            "WHERE n.nspname = :s AND t.typtype IN ('e', 'd', 'r') AND pg_get_userbyid(t.typowner) <> :r"
        ),
        {"s": spec.schema, "r": spec.role},
    )
    for (name,) in types.all():
        await _run(conn, "ALTER TYPE %I.%I OWNER TO %I", spec.schema, name, spec.role)


async def provision(admin_url: str, roles: list[ServiceRole]) -> None:
    """Create or bring up to date every role and schema in `roles`; `admin_url` logs in as a superuser."""
    admin = make_database(admin_url)
    try:
        async with admin.engine.begin() as conn:
            await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK})
            database = (await conn.execute(text("SELECT current_database()"))).scalar_one()
            await _run(conn, "REVOKE ALL ON DATABASE %I FROM PUBLIC", database)
            await _run(conn, "REVOKE ALL ON SCHEMA public FROM PUBLIC")
            for spec in roles:
                await _provision_role(conn, database, spec)
    finally:
        await admin.dispose()


def roles_from_environment(environ: Mapping[str, str]) -> list[ServiceRole]:
    missing = [password_env(s) for s in SERVICES if not environ.get(password_env(s))]
    if missing:
        raise SystemExit(f"Bitte setzen: {', '.join(missing)} (das Datenbank-Passwort je Dienst)")
    return [ServiceRole.default(s, environ[password_env(s)]) for s in SERVICES]


def main() -> None:
    admin_url = os.environ.get(ADMIN_URL_ENV)
    if not admin_url:
        raise SystemExit(f"Bitte setzen: {ADMIN_URL_ENV} (Zugang des PostgreSQL-Superusers, nur für diesen Schritt)")
    roles = roles_from_environment(os.environ)
    asyncio.run(provision(admin_url, roles))
    for spec in roles:
        print(f"Rolle {spec.role}: Schema {spec.schema}, Passwort gesetzt")


if __name__ == "__main__":
    main()
