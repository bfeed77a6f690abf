"""The CLI's exit codes as the README promises them: 0 erledigt, 1 abgelehnt, 2 Aufruf falsch,
3 Gateway oder Dienst nicht erreichbar, 4 keine Berechtigung — against a real HTTP server on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from beratungsnetz.cli import app
from beratungsnetz.runtime.ports import free_port


class Answer(BaseHTTPRequestHandler):
    status = 200

    def _reply(self) -> None:
        body = json.dumps({"offices": []} if self.status == 200 else {"fehler": "So nicht.", "felder": {}}).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _reply

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    Answer.status = 200


def cli(tmp_path: Path, *args: str, gateway: str | None = None):
    """`beratungsnetz …` with nothing configured on this machine but what is given here."""
    env = {
        "BERATUNGSNETZ_VAR_DIR": str(tmp_path / "var"),
        "HOME": str(tmp_path),
        "BERATUNGSNETZ_TOKEN": "bn_test",
        "BERATUNGSNETZ_GATEWAY_URL": gateway,
        "BERATUNGSNETZ_CLI_CONFIG": None,
    }
    return CliRunner().invoke(app, list(args), env=env)


def test_without_a_known_gateway_every_command_exits_3_in_german(tmp_path: Path) -> None:
    for args in (["stellen", "liste"], ["verteiler", "abonnieren", "liste", "a@example.org"], ["tokens", "liste"]):
        done = cli(tmp_path, *args)
        assert done.exit_code == 3, (args, done.output)
        said = " ".join(done.stderr.split())  # rich wraps long lines
        assert "Kein Gateway erreichbar" in said and "`beratungsnetz up`" in said


def test_a_gateway_that_does_not_answer_means_3(tmp_path: Path) -> None:
    gone = f"http://127.0.0.1:{free_port()}"
    for args in (["stellen", "liste"], ["verteiler", "abonnieren", "liste", "a@example.org"]):
        done = cli(tmp_path, *args, gateway=gone)
        assert done.exit_code == 3, (args, done.output)
        assert f"Gateway {gone} nicht erreichbar" in " ".join(done.stderr.split())


@pytest.mark.parametrize(("status", "code"), [(200, 0), (422, 1), (401, 4), (403, 4), (502, 3), (503, 3), (504, 3)])
@pytest.mark.parametrize("command", [["stellen", "liste"], ["verteiler", "abonnieren", "liste", "a@example.org"]])
def test_the_gateways_answer_decides_the_exit_code(
    tmp_path: Path, gateway: str, status: int, code: int, command: list[str]
) -> None:
    Answer.status = status
    done = cli(tmp_path, *command, gateway=gateway)
    assert done.exit_code == code, done.output
    if code:
        assert "Fehler:" in done.stderr


def test_a_wrong_call_exits_2(tmp_path: Path, gateway: str) -> None:
    assert cli(tmp_path, "stellen", "liste", "--gibtsnicht", gateway=gateway).exit_code == 2
