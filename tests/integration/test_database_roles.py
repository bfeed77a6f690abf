"""Each service's database role, on a real PostgreSQL: it owns its schema and can do nothing anywhere else.

The roles and schemas come from the provisioning step deploy runs (beratungsnetz.runtime.provision_db), under
names of their own per test so that parallel runs do not meet; each service migrates as its own role.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from beratungsnetz.runtime.provision_db import ServiceRole, provision
from shared.db import Database, make_database, upgrade
from tests.support import POSTGRES_ENV, postgres_url

SERVICES = ("registry", "notifications", "events", "gateway")


def admin_url() -> str:
    url = postgres_url()
    if url is None:
        pytest.skip(f"{POSTGRES_ENV} nicht gesetzt: die Rechte der Dienst-Rollen brauchen ein echtes PostgreSQL")
    return url


def url_as(spec: ServiceRole) -> str:
    return make_url(admin_url()).set(username=spec.role, password=spec.password).render_as_string(hide_password=False)


@asynccontextmanager
async def provisioned(services: tuple[str, ...] = SERVICES) -> AsyncIterator[dict[str, tuple[ServiceRole, Database]]]:
    """Roles and schemas as deploy creates them, each service migrated by its own role; all dropped afterwards."""
    suffix = uuid.uuid4().hex[:10]
    specs = [ServiceRole(s, f"bn_{s}_{suffix}", f"{s}_{suffix}", f"pw-{s}-{suffix}") for s in services]
    url = admin_url()
    admin = make_database(url)
    opened: dict[str, tuple[ServiceRole, Database]] = {}
    try:
        await provision(url, specs)
        for spec in specs:
            db = make_database(url_as(spec), schema=spec.schema)
            opened[spec.service] = (spec, db)
            await upgrade(db, spec.service)
        yield opened
    finally:
        for _, db in opened.values():
            await db.dispose()
        async with admin.engine.begin() as conn:
            for spec in specs:
                await conn.execute(text(f'DROP SCHEMA IF EXISTS "{spec.schema}" CASCADE'))
                if (await conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": spec.role})).first():
                    await conn.execute(text(f'DROP OWNED BY "{spec.role}" CASCADE'))
                    await conn.execute(text(f'DROP ROLE "{spec.role}"'))
        await admin.dispose()


async def tables_of(db: Database, schema: str) -> list[str]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema})
        return sorted(r[0] for r in rows)


async def refused(db: Database, statement: str) -> str:
    """The statement fails with PostgreSQL's insufficient_privilege (42501: 'permission denied', 'must be owner')."""
    async with db.engine.connect() as conn:
        with pytest.raises(DBAPIError) as caught:
            await conn.execute(text(statement))
    message = str(caught.value.orig)
    assert getattr(caught.value.orig, "sqlstate", None) == "42501", message
    return message


@pytest.mark.parametrize(
    ("intruder", "victim"),
    [("registry", "notifications"), ("events", "gateway"), ("gateway", "registry"), ("notifications", "events")],
)
async def test_a_service_role_can_neither_read_nor_write_nor_create_outside_its_schema(
    intruder: str, victim: str
) -> None:
    async with provisioned((intruder, victim)) as roles:
        (me, db), (other, other_db) = roles[intruder], roles[victim]
        their_tables = await tables_of(other_db, other.schema)
        assert "outbox" in their_tables or victim == "gateway"
        assert len(their_tables) >= 2  # the migrations ran, as the victim's own role
        for table in their_tables:
            await refused(db, f'SELECT * FROM "{other.schema}"."{table}" LIMIT 1')  # noqa: S608 - names from pg_tables
        await refused(db, f'DELETE FROM "{other.schema}"."{their_tables[0]}"')  # noqa: S608 - names from pg_tables
        await refused(db, f'CREATE TABLE "{other.schema}".eingeschleust (x int)')
        await refused(db, "CREATE TABLE public.eingeschleust (x int)")
        await refused(db, 'CREATE SCHEMA "eingeschleust"')
        await refused(db, f'SET ROLE "{other.role}"')
        await refused(db, f'DROP SCHEMA "{other.schema}" CASCADE')  # "must be owner" is a permission error too

        async with db.engine.connect() as conn:
            attributes = (
                await conn.execute(
                    text("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = :r"), {"r": me.role}
                )
            ).one()
        assert tuple(attributes) == (False, False, False)


@pytest.mark.parametrize("service", SERVICES)
async def test_a_service_role_reads_and_writes_its_own_schema_and_keeps_its_version_table_there(service: str) -> None:
    async with provisioned((service,)) as roles:
        spec, db = roles[service]
        await upgrade(db, service)  # a restart migrates again as the same role: nothing to do, nothing refused
        async with db.engine.begin() as conn:
            await conn.execute(text("CREATE TABLE probe (x int)"))  # it may create in its own schema
            await conn.execute(text("INSERT INTO probe VALUES (1)"))
            assert (await conn.execute(text("SELECT x FROM probe"))).scalar_one() == 1
            await conn.execute(text("DROP TABLE probe"))
            where = (
                await conn.execute(
                    text("SELECT schemaname, tableowner FROM pg_tables WHERE tablename = :t"),
                    {"t": f"alembic_version_{service}"},
                )
            ).all()
            owners = set(
                (
                    await conn.execute(
                        text("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = :s"), {"s": spec.schema}
                    )
                ).scalars()
            )
        assert (spec.schema, spec.role) in [tuple(r) for r in where]
        assert "public" not in {r[0] for r in where}
        assert owners == {spec.role}


async def stored_password_is(url: str, role: str, password: str) -> bool:
    """Whether PostgreSQL's SCRAM verifier for `role` was made from `password` (trust auth checks none)."""
    admin = make_database(url)
    try:
        async with admin.engine.connect() as conn:
            verifier = (
                await conn.execute(text("SELECT rolpassword FROM pg_authid WHERE rolname = :r"), {"r": role})
            ).scalar_one()
    finally:
        await admin.dispose()
    scheme, rest = verifier.split("$", 1)
    assert scheme == "SCRAM-SHA-256", scheme
    iterations_salt, keys = rest.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key = keys.split(":")[0]
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return base64.b64encode(hashlib.sha256(client_key).digest()).decode() == stored_key


async def test_provisioning_runs_again_and_hands_over_a_schema_the_superuser_created() -> None:
    """The layout before: one superuser created and migrated every schema. Provisioning gives it to the role."""
    url = admin_url()
    suffix = uuid.uuid4().hex[:10]
    spec = ServiceRole("events", f"bn_events_{suffix}", f"events_{suffix}", "erstes-passwort")
    superuser_db = make_database(url, schema=spec.schema)
    try:
        await upgrade(superuser_db, "events")  # as before: the superuser creates and migrates
        await provision(url, [spec])
        assert await stored_password_is(url, spec.role, "erstes-passwort")
        rotated = "zweites'; DROP ROLE postgres; --"  # quoted by the server, never pasted into SQL
        await provision(url, [ServiceRole(spec.service, spec.role, spec.schema, rotated)])  # rotation: run again
        assert await stored_password_is(url, spec.role, rotated)
        assert not await stored_password_is(url, spec.role, "erstes-passwort")
        role_db = make_database(url_as(spec), schema=spec.schema)
        try:
            await upgrade(role_db, "events")
            async with role_db.engine.begin() as conn:
                await conn.execute(text("DELETE FROM inbox"))
                owners = set(
                    (
                        await conn.execute(
                            text(
                                "SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c "
                                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :s"
                            ),
                            {"s": spec.schema},
                        )
                    ).scalars()
                )
            assert owners == {spec.role}
        finally:
            await role_db.dispose()
    finally:
        await superuser_db.dispose()
        admin = make_database(url)
        async with admin.engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{spec.schema}" CASCADE'))
            if (await conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": spec.role})).first():
                await conn.execute(text(f'DROP OWNED BY "{spec.role}" CASCADE'))
                await conn.execute(text(f'DROP ROLE "{spec.role}"'))
        await admin.dispose()


def test_provisioning_names_the_passwords_it_misses() -> None:
    from beratungsnetz.runtime.provision_db import roles_from_environment

    with pytest.raises(SystemExit, match="EVENTS_DB_PASSWORD, GATEWAY_DB_PASSWORD"):
        roles_from_environment({"REGISTRY_DB_PASSWORD": "a", "NOTIFICATIONS_DB_PASSWORD": "b"})
    roles = roles_from_environment({f"{s.upper()}_DB_PASSWORD": s * 3 for s in SERVICES})
    assert [(r.role, r.schema) for r in roles] == [(f"bn_{s}", s) for s in SERVICES]
