"""The CLI's way to the gateway: where it is, which token, and what an answer means for the exit code.

Found in this order: --gateway/--token, BERATUNGSNETZ_GATEWAY_URL/BERATUNGSNETZ_TOKEN, the file
BERATUNGSNETZ_CLI_CONFIG, var/run/cli.json (written by `beratungsnetz up`), ~/.config/beratungsnetz/cli.json.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

OK, REFUSED, USAGE, UNREACHABLE, DENIED = 0, 1, 2, 3, 4
STATUS_CODES = {401: DENIED, 403: DENIED, 502: UNREACHABLE, 503: UNREACHABLE, 504: UNREACHABLE}  # else REFUSED


class CliError(Exception):
    def __init__(self, message: str, code: int, fields: dict | None = None, body: Any = None) -> None:
        super().__init__(message)
        self.message, self.code, self.fields, self.body = message, code, fields or {}, body


def _config_files() -> list[Path]:
    files = []
    if explicit := os.environ.get("BERATUNGSNETZ_CLI_CONFIG"):
        files.append(Path(explicit))
    files.append(Path(os.environ.get("BERATUNGSNETZ_VAR_DIR", "var")) / "run" / "cli.json")
    files.append(Path.home() / ".config" / "beratungsnetz" / "cli.json")
    return files


def settings(gateway: str | None, token: str | None) -> tuple[str, str | None]:
    gateway = gateway or os.environ.get("BERATUNGSNETZ_GATEWAY_URL")
    token = token or os.environ.get("BERATUNGSNETZ_TOKEN")
    for path in _config_files():
        if (gateway and token) or not path.exists():
            continue
        found = json.loads(path.read_text())
        gateway, token = gateway or found.get("gateway"), token or found.get("token")
    if not gateway:
        # No gateway known means none is reachable (nothing started here): exit 3, like a refused connection.
        raise CliError(
            "Kein Gateway erreichbar: es ist keines bekannt. Läuft `beratungsnetz up`? "
            "Sonst --gateway oder BERATUNGSNETZ_GATEWAY_URL setzen.",
            UNREACHABLE,
        )
    return gateway.rstrip("/"), token


def _reason(exc: httpx.TransportError) -> str:
    """Why the gateway was not reached, in German (the library's own text is English)."""
    if isinstance(exc, httpx.ConnectError):
        return "keine Verbindung (läuft es, stimmt die Adresse?)"
    if isinstance(exc, httpx.TimeoutException):
        return "keine Antwort in der vorgesehenen Zeit"
    return "die Verbindung brach ab"


@dataclass
class Gateway:
    url: str
    token: str | None
    timeout: float = 120.0

    def _client(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=self.timeout)

    def _answer(self, response: httpx.Response) -> Any:
        if response.status_code < 400:
            return response.json() if "json" in response.headers.get("content-type", "") else response.text
        try:
            body = response.json()
        except ValueError:
            body = {"fehler": response.text[:300]}
        code = STATUS_CODES.get(response.status_code, REFUSED)
        raise CliError(body.get("fehler", f"Fehler {response.status_code}"), code, body.get("felder"), body)

    def call(self, path: str, payload: dict) -> Any:
        try:
            with self._client() as client:
                return self._answer(client.post(f"/api/v1{path}", json=payload))
        except httpx.TransportError as exc:
            raise CliError(f"Gateway {self.url} nicht erreichbar: {_reason(exc)}", UNREACHABLE) from exc

    def get(self, path: str, **params: Any) -> Any:
        query = {k: v for k, v in params.items() if v is not None}
        try:
            with self._client() as client:
                return self._answer(
                    client.get(path if path.startswith("/verzeichnis") else f"/api/v1{path}", params=query)
                )
        except httpx.TransportError as exc:
            raise CliError(f"Gateway {self.url} nicht erreichbar: {_reason(exc)}", UNREACHABLE) from exc

    def form(self, path: str, data: dict) -> str:
        try:
            with self._client() as client:
                response = client.post(path, data=data)
        except httpx.TransportError as exc:
            raise CliError(f"Gateway {self.url} nicht erreichbar: {_reason(exc)}", UNREACHABLE) from exc
        if response.status_code >= 400:
            code = STATUS_CODES.get(response.status_code, REFUSED)
            raise CliError(
                f"{'Nicht erreichbar' if code == UNREACHABLE else 'Abgelehnt'} ({response.status_code})", code
            )
        return response.text
