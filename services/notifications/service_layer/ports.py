"""What the use cases need from outside, passed in by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from services.notifications.domain.lists import RateLimits
from services.notifications.domain.tokens import Signer


class Composer(Protocol):
    def message(
        self,
        kind: str,
        *,
        to_address: str,
        to_name: str,
        event_id: str,
        context: dict[str, Any],
        list_id: str | None = None,
        list_name: str = "",
        unsubscribe_token: str | None = None,
        attachments: tuple = (),
    ) -> tuple[str, bytes]:
        """(subject, message bytes) — raises ValueError on header injection."""


@dataclass(frozen=True)
class Deps:
    uow: Callable[[], Any]
    composer: Composer
    calendar: Callable[[Any, datetime], bytes]  # an action snapshot (and DTSTAMP) as an .ics attachment
    signer: Signer
    now: Callable[[], datetime]
    secret: bytes
    public_url: str
    board_list: str = "landesvorstand"
    workplan_list: str = "lag-hartz-iv-sachsen"
    rate_limits: RateLimits = RateLimits()
    confirm_valid: timedelta = timedelta(hours=48)
    unsubscribe_valid: timedelta = timedelta(days=365)

    def link(self, path: str, token: str) -> str:
        return f"{self.public_url.rstrip('/')}/{path}?token={token}"
