"""The gateway's edge over a real nats-server, a real SQLite token database and (for body limits) a
real uvicorn server: control characters, request sizes, admin tokens, offline API docs."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from structlog.testing import capture_logs

from beratungsnetz.runtime.ports import free_port
from services.gateway.adapters.tokens import TokenStore
from services.gateway.bootstrap import bootstrap
from services.gateway.config import GatewaySettings
from services.gateway.domain.access import ApiToken, hash_secret
from services.gateway.service_layer import tokens
from shared.contracts import registry as r
from shared.db import upgrade
from shared.messaging.rpc import RequestTooLarge, request
from tests import support
from tests.web import form_post

ADMIN = "bn_" + "a" * 43
MB = 1024 * 1024


def settings(nats_server, tmp_path: Path, **extra) -> GatewaySettings:
    return GatewaySettings(
        nats_url=nats_server.url,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/gateway.sqlite3",
        admin_token=ADMIN,
        request_timeout=0.5,
        environment="test",
        clock_start=support.test_start_text(),
        **extra,
    )


@contextlib.asynccontextmanager
async def gateway(nats_server, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = bootstrap(settings(nats_server, tmp_path))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://gateway", headers={"Authorization": f"Bearer {ADMIN}"}
        ) as http:
            yield http


@contextlib.asynccontextmanager
async def served(nats_server, tmp_path: Path) -> AsyncIterator[int]:
    """The gateway behind a real uvicorn, as in production."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(bootstrap(settings(nats_server, tmp_path)), host="127.0.0.1", port=port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        await task


async def test_line_breaks_in_single_line_fields_are_refused_with_a_german_422(nats_server, tmp_path) -> None:
    async with gateway(nats_server, tmp_path) as http:
        planned = await http.post(
            "/api/v1/aktionen/planen", json={"organiser_group_id": "g", "kind": "info", "title": "Info\r\nBcc: x@y"}
        )
        assert planned.status_code == 422
        assert (
            planned.json()["felder"]["titel"] == "Zeilenumbrüche und Steuerzeichen sind in diesem Feld nicht erlaubt."
        )
        assert "Die Anfrage ist ungültig" in planned.json()["fehler"]
        place = await http.post(
            "/api/v1/aktionen/planen", json={"organiser_group_id": "g", "kind": "info", "title": "T", "place": "a\tb"}
        )
        assert place.status_code == 422 and "ort" in place.json()["felder"]
        office = await http.post(
            "/api/v1/gruppen/gruenden",
            json={"name": "Vogtland", "state": "SN", "coordinator": {"name": "K\nX", "email": "k@example.org"}},
        )
        assert office.status_code == 422 and "Zeilenumbrüche" in office.json()["felder"]["koordination.name"]
        # Multi-line fields keep line breaks and tabs, but no other control character.
        post = await http.post("/api/v1/verteiler/beitrag", json={"list_id": "l", "subject": "S", "text": "a\x07b"})
        assert post.json()["felder"]["text"].startswith("Steuerzeichen sind in diesem Feld nicht erlaubt")
        # pydantic's own errors speak German too.
        big = await http.post("/api/v1/aktionen/abschliessen", json={"action_id": "a", "participants": -1})
        assert big.status_code == 422 and big.json()["felder"]["teilnehmende"] == "Muss mindestens 0 sein."
        form = await form_post(http, "/abonnieren/liste", {"adresse": "kein-at", "name": "Anna\r\nBcc: x@y"})
        assert form.status_code == 422 and "Keine gültige E-Mail-Adresse" in form.text and "Zeilenumbrüche" in form.text
        empty = await http.post("/api/v1/arbeitsplan/import", json={"text": " \n ", "year": False})
        assert empty.status_code == 422
        assert set(empty.json()["felder"]) == {"text", "jahr"}
        assert empty.json()["felder"]["jahr"] == "Bitte eine ganze Zahl angeben."


async def test_a_group_named_with_control_characters_is_a_german_422_not_a_500(nats_server, tmp_path) -> None:
    """Found by fuzzing once slugs met the text types: the gateway asked the registry with an invalid name."""
    async with gateway(nats_server, tmp_path) as http:
        query = await http.get("/api/v1/aktionen", params={"group_id": "×ø\x9b"})
        assert query.status_code == 422 and query.json()["fehler"] == "So kann keine Regionalgruppe heißen.", query.text
        path = await http.get("/kalender/%C3%98%C2%88i.ics")  # the path's pattern is in the OpenAPI: FastAPI refuses it
        assert path.status_code == 422 and "Steuerzeichen" in path.json()["fehler"], path.text


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    status = int(head.split(b" ", 2)[1])
    length = int(re.search(rb"content-length: (\d+)", head, re.IGNORECASE).group(1))
    return status, await reader.readexactly(length)


async def test_a_200_mb_body_is_refused_before_it_is_read_and_before_the_token_is_checked(
    nats_server, tmp_path
) -> None:
    async with served(nats_server, tmp_path) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST /api/v1/beratungsstellen/import HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % (200 * MB)
        )
        await writer.drain()
        status, body = await read_response(reader)  # not one byte of the body was sent
        assert status == 413, body  # not 401: the size is decided first
        assert "zu groß" in body.decode()
        writer.close()

        # Chunked, without a length: counted as it streams, refused soon after the limit.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST /api/v1/verteiler/beitrag HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        sent, answer = 0, None
        chunk = b"x" * (64 * 1024)
        while sent < 200 * MB:
            try:
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                await writer.drain()
            except ConnectionError:
                break
            sent += len(chunk)
            with contextlib.suppress(TimeoutError):
                answer = await asyncio.wait_for(read_response(reader), 0.01)
                break
        assert answer is not None and answer[0] == 413 and "zu groß" in answer[1].decode()
        assert sent < 2 * MB  # the limit of ordinary API calls is 256 KB; the rest was never sent
        writer.close()

        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            form = await http.post("/abonnieren/liste", data={"adresse": "a" * MB, "name": "b" * MB})
            assert (
                form.status_code == 413
                and "zu groß" in form.text
                and form.headers["content-type"].startswith("text/html")
            )
            post = await http.post(
                "/api/v1/verteiler/beitrag",
                headers={"Authorization": f"Bearer {ADMIN}"},
                json={"list_id": "l", "subject": "S", "text": "x" * (1200 * 1024)},
            )
            assert post.status_code == 413 and post.json()["code"] == "anfrage_zu_gross"


async def test_a_request_larger_than_nats_carries_is_a_typed_413_not_a_500(nats_server, broker, tmp_path) -> None:
    await broker.connect()
    with pytest.raises(RequestTooLarge) as refused:
        await request(broker, r.IMPORT_OFFICES, r.ImportOffices(csv="x" * (2 * MB)))
    assert "zu groß" in refused.value.message
    async with gateway(nats_server, tmp_path) as http:  # under the import's 4 MB, over NATS' 1 MB
        imported = await http.post("/api/v1/beratungsstellen/import", json={"csv": "x" * (2 * MB)})
        assert imported.status_code == 413 and imported.json()["code"] == "anfrage_zu_gross"


async def test_the_last_valid_admin_token_cannot_be_revoked(nats_server, tmp_path) -> None:
    async with gateway(nats_server, tmp_path) as http:
        (first,) = (await http.get("/api/v1/tokens")).json()
        refused = await http.post("/api/v1/tokens/widerrufen", json={"id": first["id"]})
        assert refused.status_code == 409 and "letzte gültige Admin-Token" in refused.json()["fehler"]
        second = (
            await http.post(
                "/api/v1/tokens/anlegen", json={"name": "Zweites", "role": "admin", "address": "b@example.org"}
            )
        ).json()
        revoked = await http.post("/api/v1/tokens/widerrufen", json={"id": first["id"]})
        assert revoked.status_code == 200
        assert revoked.json()["revoked_at"].startswith(
            support.test_clock().now().date().isoformat()
        )  # the injected clock, not the wall clock
        as_second = {"Authorization": f"Bearer {second['token']}"}
        last = await http.post("/api/v1/tokens/widerrufen", json={"id": second["id"]}, headers=as_second)
        assert last.status_code == 409
        assert (await http.get("/api/v1/tokens", headers=as_second)).status_code == 200


async def test_the_gateway_starts_again_after_its_bootstrap_token_was_revoked(nats_server, tmp_path) -> None:
    async with gateway(nats_server, tmp_path) as http:
        (first,) = (await http.get("/api/v1/tokens")).json()
        await http.post("/api/v1/tokens/anlegen", json={"name": "Neu", "role": "admin", "address": "b@example.org"})
        assert (await http.post("/api/v1/tokens/widerrufen", json={"id": first["id"]})).status_code == 200
    with capture_logs() as logs:
        async with gateway(nats_server, tmp_path) as http:  # the same database, ADMIN_TOKEN still set
            assert (await http.get("/api/v1/health")).status_code == 200
            assert (await http.get("/api/v1/gruppen")).status_code == 401  # and it stays revoked
    (warning,) = [e for e in logs if e["event"] == "gateway.admin_token_revoked"]
    assert "widerrufen und wird nicht neu angelegt" in warning["hint"]


async def test_admin_tokens_fill_in_moderator_and_need_no_moderator_field(nats_server, tmp_path) -> None:
    async with gateway(nats_server, tmp_path) as http:
        schema = (await http.get("/api/v1/openapi.json")).json()["components"]["schemas"]
        assert "moderator" not in schema["Decide"]["properties"] and "admin" not in schema["Decide"]["properties"]
        decided = await http.post(
            "/api/v1/verteiler/entscheiden", json={"list_id": "l", "request_id": "r", "decision": "annehmen"}
        )
        assert decided.status_code == 503  # well formed: it went on to the (absent) notifications service


async def test_the_api_docs_load_nothing_from_elsewhere(nats_server, tmp_path) -> None:
    async with gateway(nats_server, tmp_path) as http:
        page = await http.get("/api/v1/docs")
        assert page.status_code == 200
        urls = re.findall(r"""(?:src|href|url)\s*[:=]\s*['"]([^'"]+)['"]""", page.text)
        assert len(urls) >= 4, urls  # script, stylesheet, favicon, openapi.json
        for url in urls:
            assert url.startswith("/") and not url.startswith("//"), url
            assert (await http.get(url)).status_code == 200, url


async def test_every_operation_has_a_german_summary_that_is_not_a_subject(nats_server, tmp_path) -> None:
    async with gateway(nats_server, tmp_path) as http:
        paths = (await http.get("/api/v1/openapi.json")).json()["paths"]
    operations = [(path, op) for path, item in paths.items() for op in item.values()]
    assert len(operations) > 60
    for path, op in operations:
        summary = op.get("summary", "")
        assert summary and not re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", summary) and summary != "Handle", (path, summary)
        assert not re.search(r"\b(Create|List|Revoke|Handle|Get|Post)\b", summary), (path, summary)


async def test_two_admins_revoking_each_other_at_once_leave_one(database) -> None:
    await upgrade(database, "gateway")
    store, now = TokenStore(database), support.test_clock().now()
    first, _ = await tokens.issue(store, "Eins", "admin", None, "eins@example.org", now)
    second, _ = await tokens.issue(store, "Zwei", "admin", None, "zwei@example.org", now)
    done = await asyncio.gather(
        tokens.revoke(store, first.id, now), tokens.revoke(store, second.id, now), return_exceptions=True
    )
    assert sorted(type(d).__name__ for d in done) == ["ApiToken", "DomainError"]
    assert await store.has_admin()
    await store.add(ApiToken("t", "Alt", "admin", None, "x@example.org", hash_secret("geheim"), now, revoked_at=now))
    with pytest.raises(tokens.PresetRevoked):  # a revoked token is never created again, whatever the configuration says
        await tokens.ensure_admin(store, "x@example.org", "geheim", now)
