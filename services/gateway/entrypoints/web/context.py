"""What the web pages need from the composition root, kept on `app.state.web`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from starlette.requests import Request

from services.gateway.entrypoints.web.background import Background
from shared import keys
from shared.clock import Clock


@dataclass
class Web:
    client: Any  # ServiceClient: asks the services over NATS
    sessions: Any  # SessionStore
    clock: Clock
    secret_key: str  # the erasure fingerprint key (shared/privacy.py): log lines name addresses by it
    public_url: str = "http://127.0.0.1:8000"
    admin_address: str = ""
    secure_cookies: bool = True
    session_idle: timedelta = timedelta(hours=8)
    sign_in_valid: timedelta = timedelta(minutes=15)
    mailbox_dir: Path | None = None
    embed_frame_ancestors: str = "*"  # who may frame /verzeichnis/einbetten (CSP frame-ancestors)
    trusted_proxies: tuple = ()  # networks whose X-Forwarded-For names the client (web/clients.py)
    tokens: Any = None  # TokenStore (the API tokens): part of a person's Art. 15 export
    background: Background = field(default_factory=Background)  # what public forms do after answering
    # Sign the one-time notices shown after a redirect: the first signs, all verify (shared/keys.py SESSIONS,
    # current and previous secret). Unset: derived from `secret_key`.
    session_keys: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        if not self.session_keys:
            self.session_keys = keys.verifying(keys.SESSIONS, self.secret_key or "beratungsnetz")


def web_of(request: Request) -> Web:
    return request.app.state.web
