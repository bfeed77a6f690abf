"""Bounces: the VERP return path each list mail carries, and the score that suspends a failing membership.

Each copy of a list mail goes out with its own envelope sender, `<list>-bounces+<token>@<mail domain>`. The token is
an HMAC of list and address (not reversible, not guessable): a bounce to that address names the membership without the
address ever standing in clear in a return path. A hard bounce (5.x.x, or a refused RCPT) counts fully, a soft one
(4.x.x: mailbox full, server away) counts less; once a membership's bounces within the window reach the threshold, its
delivery is suspended (the membership stays) until the moderation switches it on again.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

BOUNCES = "-bounces+"


class Severity(StrEnum):
    HARD = "hart"
    SOFT = "weich"


@dataclass(frozen=True)
class Bounce:
    """One bounce of one membership: from a DSN, a plain-text report, or a refusal at delivery (`source`)."""

    list_id: str
    address: str
    at: datetime
    severity: Severity
    source: str  # "dsn" | "text" | "smtp"
    status: str = ""  # e.g. "5.1.1" or "550"
    diagnostic: str = ""
    reference: str = ""  # the bounced mail (its Message-ID, or the delivery's event): counted once
    cleared: bool = False  # the moderation switched delivery on again: no longer counted


def verp_token(secret: bytes, list_id: str, address: str) -> str:
    digest = hmac.new(secret, f"verp\x00{list_id}\x00{address.casefold()}".encode(), hashlib.sha256)
    return digest.hexdigest()[:20]


def return_path(secret: bytes, list_id: str, address: str, domain: str) -> str:
    return f"{list_id}{BOUNCES}{verp_token(secret, list_id, address)}@{domain}"


def parse_return_path(recipient: str) -> tuple[str, str] | None:
    """(list id, token) of a bounce address, or None for any other address."""
    local = recipient.strip().strip("<>").rpartition("@")[0]
    list_id, found, token = local.partition(BOUNCES)
    if not (found and list_id and token and token.isalnum()):
        return None
    return list_id, token.lower()


def matches(secret: bytes, list_id: str, address: str, token: str) -> bool:
    return hmac.compare_digest(verp_token(secret, list_id, address), token)


@dataclass(frozen=True)
class BouncePolicy:
    """`threshold` points within `window` suspend delivery; a hard bounce is one point, a soft one `soft_weight`."""

    threshold: float = 3.0
    window: timedelta = timedelta(days=14)
    soft_weight: float = 0.5

    def weight(self, severity: Severity) -> float:
        return 1.0 if severity == Severity.HARD else self.soft_weight

    def score(self, bounces: list[Bounce], now: datetime) -> float:
        since = now - self.window
        return sum(self.weight(b.severity) for b in bounces if not b.cleared and b.at >= since)

    def suspends(self, bounces: list[Bounce], now: datetime) -> bool:
        return self.score(bounces, now) >= self.threshold

    def describe(self) -> str:
        days = int(self.window.total_seconds() // 86400)
        return (
            f"{_decimal(self.threshold)} harte Fehlschläge in {days} Tagen (ein weicher, etwa ein volles Postfach, "
            f"zählt {_decimal(self.soft_weight)})"
        )


def _decimal(number: float) -> str:
    """A German decimal: 0,5 (not 0.5)."""
    return f"{number:g}".replace(".", ",")


def severity_of(status: str) -> Severity | None:
    """A DSN status (`5.1.1`) or an SMTP reply code (`550`): hard for 5, soft for 4, else None."""
    first = status.strip()[:1]
    return {"5": Severity.HARD, "4": Severity.SOFT}.get(first)
