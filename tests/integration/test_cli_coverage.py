"""The command line covers every operation of the API, and every command shows an example that works.

Each command's help carries one or more "Beispiel:" lines. They are run as written against a real HTTP server on
loopback that records what the CLI asks and answers every operation with a reply built from the gateway's own
OpenAPI schema (the reply model of that operation), so the examples exercise the same parsing a real answer meets.
The operations the examples reach must include every operation of the API: a new API route without a CLI command
(or without an example that uses it) fails here.
"""

from __future__ import annotations

import json
import shlex
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import typer.main
from typer.testing import CliRunner

from beratungsnetz.cli import app
from services.gateway.bootstrap import bootstrap
from services.gateway.config import GatewaySettings

NOT_API_CLIENTS = {"up"}  # starts the system itself; its example is shown, not run here
FILES = {  # what the examples name as input files
    ".csv": "Name;Trägerart;Träger;Straße;PLZ;Ort\nBeispielstelle;Kreisverband;DIE LINKE;Markt 1;08056;Zwickau\n",
    ".txt": "Arbeitsplan 2027\n\nFlyer drucken.\nV: Kathrin\nT: bis 15.11.\n",
}


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> dict:
    where = tmp_path_factory.mktemp("gateway")
    settings = GatewaySettings(database_url=f"sqlite+aiosqlite:///{where}/gateway.sqlite3", environment="test")
    return bootstrap(settings).openapi()  # nothing connects until the app starts


def example(schema: dict, spec: dict, depth: int = 0) -> Any:
    """A value that fits `schema`, every optional field filled and every list with one entry."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].split("/")[-1]]
    options = [o for o in schema.get("anyOf", []) if o.get("type") != "null"]
    if options:
        return example(options[0], spec, depth)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 6:
            return {}
        # a reply that reports refusals ("errors") reports none: the examples are meant to succeed
        return {
            k: [] if k == "errors" else example(v, spec, depth + 1) for k, v in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [example(schema.get("items", {}), spec, depth + 1)] if depth <= 6 else []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return False
    return {"date-time": "2026-12-01T08:00:00Z", "date": "2026-12-01", "email": "a@example.org"}.get(
        schema.get("format", ""), "beispiel"
    )


def _reply(spec: dict, method: str, path: str) -> Any:
    operation = spec["paths"].get(path, {}).get(method.lower())
    if operation is None:
        return {}
    content = operation.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
    return example(content["schema"], spec) if content.get("schema") else {}


@pytest.fixture(scope="module")
def gateway(spec: dict) -> Iterator[tuple[str, set[tuple[str, str]]]]:
    asked: set[tuple[str, str]] = set()

    class Gateway(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            path = urlsplit(self.path).path
            asked.add((self.command, path))
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            body = json.dumps(_reply(spec, self.command, path)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()
    server.server_close()


def commands() -> Iterator[tuple[str, Any]]:
    def walk(path: list[str], command: Any) -> Iterator[tuple[str, Any]]:
        subs = getattr(command, "commands", None)
        if subs is None:
            yield " ".join(path), command
        for name, sub in sorted((subs or {}).items()):
            yield from walk([*path, name], sub)

    yield from walk([], typer.main.get_command(app))


def examples(help_text: str) -> list[list[str]]:
    """The "Beispiel:" paragraphs of a help text, as argument lists (a paragraph may run over several lines)."""
    found = []
    for paragraph in help_text.split("\n\n"):
        text = " ".join(paragraph.split())
        if text.startswith("Beispiel: beratungsnetz "):
            found.append(shlex.split(text.removeprefix("Beispiel: beratungsnetz ")))
    return found


COMMANDS = dict(commands())


def test_every_command_has_an_example_of_itself() -> None:
    assert len(COMMANDS) > 50
    missing = [name for name, command in COMMANDS.items() if not examples(command.help or "")]
    assert missing == []
    for name, command in COMMANDS.items():
        for args in examples(command.help):
            assert " ".join(args).startswith(name), (name, args)


def test_the_examples_run_and_reach_every_operation_of_the_api(
    spec: dict, gateway: tuple[str, set[tuple[str, str]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, asked = gateway
    monkeypatch.chdir(tmp_path)
    env = {"BERATUNGSNETZ_GATEWAY_URL": url, "BERATUNGSNETZ_TOKEN": "bn_test", "HOME": str(tmp_path), "COLUMNS": "200"}
    failed = []
    for name, command in COMMANDS.items():
        if name in NOT_API_CLIENTS:
            continue
        for args in examples(command.help):
            for arg in args:
                if Path(arg).suffix in FILES:
                    Path(arg).write_text(FILES[Path(arg).suffix], encoding="utf-8")
            result = CliRunner().invoke(app, args, env=env)
            if result.exit_code != 0:
                failed.append(f"{' '.join(args)}: {result.exit_code}\n{result.output}{result.exception!r}")
    assert failed == [], "\n".join(failed)
    operations = {
        (method.upper(), path)
        for path, ops in spec["paths"].items()
        for method in ops
        if path.startswith("/api/v1/") and path not in ("/api/v1/openapi.json",)
    }
    assert len(operations) > 60
    assert sorted(operations - asked) == [], "Operationen der API ohne Befehl (oder ohne Beispiel) in der CLI"
