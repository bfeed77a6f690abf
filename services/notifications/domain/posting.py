"""Members writing to their list (issue 20): who may post, which posts wait for the moderation, and what the
moderation decides about a held post. Plain rules; the mail itself is read and written by the adapters."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from services.notifications.domain.errors import Conflict, InvalidInput


class Posters(StrEnum):
    MEMBERS = "mitglieder"
    MODERATION = "moderation"  # an announcement list
    ANYONE = "alle"


class Strangers(StrEnum):
    """What happens to a post from an address that is not on the list."""

    HOLD = "zurueckhalten"
    REJECT = "ablehnen"
    DISCARD = "verwerfen"


class Verdict(StrEnum):
    DISTRIBUTE = "verteilen"
    HOLD = "zurueckhalten"
    REJECT = "ablehnen"
    DISCARD = "verwerfen"


class PostDecision(StrEnum):
    ACCEPT = "annehmen"
    ACCEPT_AND_TRUST = "annehmen_und_vertrauen"
    REJECT = "ablehnen"
    DISCARD = "verwerfen"
    DEFER = "zurueckstellen"


class HeldState(StrEnum):
    WAITING = "wartet"
    DEFERRED = "zurueckgestellt"
    ACCEPTED = "angenommen"
    REJECTED = "abgelehnt"
    DISCARDED = "verworfen"
    EXPIRED = "abgelaufen"


def _choice(value: str, words: type[StrEnum], label: str) -> StrEnum:
    try:
        return words(value)
    except ValueError:
        raise InvalidInput(
            f"{label} „{value}“ unbekannt (möglich: {', '.join(words)}).", fields={label: value}
        ) from None


@dataclass
class PostingPolicy:
    """A list's rules for posts by mail. Defaults: members write; a stranger's post waits for the moderation."""

    posters: Posters = Posters.MEMBERS
    strangers: Strangers = Strangers.HOLD
    hold_first_posts: bool = False  # a new member's first post waits
    max_kilobytes: int = 512  # bigger posts wait
    hold_attachments: bool = False
    max_recipients: int = 10  # a post addressed to more (To and Cc) waits: often a mass mailing
    rewrite_from: bool = False  # From becomes "Name über <Liste>" (DMARC); the sender goes into Reply-To
    reply_to_list: bool = False  # answers go to the list instead of the sender

    def __post_init__(self) -> None:
        self.posters = _choice(self.posters, Posters, "Wer schreiben darf")  # type: ignore[assignment]
        self.strangers = _choice(self.strangers, Strangers, "Nicht-Mitglieder")  # type: ignore[assignment]
        if not 1 <= int(self.max_kilobytes) <= 50_000:
            raise InvalidInput(
                "Die Größengrenze muss zwischen 1 und 50000 KB liegen.", fields={"max_kilobytes": "1–50000"}
            )
        if not 1 <= int(self.max_recipients) <= 1000:
            raise InvalidInput(
                "Die Empfängergrenze muss zwischen 1 und 1000 liegen.", fields={"max_recipients": "1–1000"}
            )

    @classmethod
    def of(cls, data: dict | PostingPolicy | None) -> PostingPolicy:
        if isinstance(data, PostingPolicy):
            return data
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in (data or {}).items() if k in known})

    def as_data(self) -> dict:
        return {k: str(v) if isinstance(v, StrEnum) else v for k, v in asdict(self).items()}


@dataclass(frozen=True)
class PostFacts:
    """What the adapter read from a post."""

    size: int
    attachments: bool
    recipients: int


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    reasons: tuple[str, ...] = ()


def judge(
    policy: PostingPolicy,
    facts: PostFacts,
    *,
    member: bool,
    moderator: bool,
    trusted: bool,
    first_post: bool,
) -> Judgement:
    """What becomes of a post: the moderation always writes; then who may write, then what makes a post wait."""
    if moderator:
        return Judgement(Verdict.DISTRIBUTE)
    reasons: list[str] = []
    if policy.posters == Posters.MODERATION and not trusted:
        reasons.append("Nur die Moderation schreibt an diesen Verteiler.")
    elif not member and policy.posters != Posters.ANYONE and not trusted:
        if policy.strangers == Strangers.REJECT:
            return Judgement(Verdict.REJECT, ("Die Absenderadresse ist nicht im Verteiler eingetragen.",))
        if policy.strangers == Strangers.DISCARD:
            return Judgement(Verdict.DISCARD, ("Absender nicht im Verteiler.",))
        reasons.append("Die Absenderadresse ist nicht im Verteiler eingetragen.")
    elif member and first_post and policy.hold_first_posts and not trusted:
        reasons.append("Der erste Beitrag eines neuen Mitglieds.")
    if facts.size > policy.max_kilobytes * 1024:
        reasons.append(f"Größer als {policy.max_kilobytes} KB ({facts.size // 1024} KB).")
    if facts.attachments and policy.hold_attachments:
        reasons.append("Mit Anhang.")
    if facts.recipients > policy.max_recipients:
        reasons.append(f"An {facts.recipients} Empfänger:innen (mehr als {policy.max_recipients}).")
    return Judgement(Verdict.HOLD, tuple(reasons)) if reasons else Judgement(Verdict.DISTRIBUTE)


@dataclass(eq=False)
class HeldPost:
    """A post waiting for the moderation, with the reasons; kept until decided, expired or past its retention."""

    id: str
    list_id: str
    sender: str
    sender_name: str
    subject: str
    reasons: list[str]
    received_at: datetime
    message: bytes | None = None
    state: HeldState = HeldState.WAITING
    reminded_at: datetime | None = None
    decided_by: str = ""
    decided_at: datetime | None = None
    reason: str = ""  # the moderation's words to the sender on rejection
    excerpt: str = ""  # the start of the text, for the moderation's page
    member: bool = False
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.state = HeldState(self.state)

    @property
    def open(self) -> bool:
        return self.state in (HeldState.WAITING, HeldState.DEFERRED)

    def decide(self, decision: str, moderator: str, now: datetime, reason: str = "") -> PostDecision:
        chosen = _choice(decision, PostDecision, "Entscheidung")
        if not self.open:
            raise Conflict("Über diesen Beitrag ist schon entschieden.")
        self.state = {
            PostDecision.ACCEPT: HeldState.ACCEPTED,
            PostDecision.ACCEPT_AND_TRUST: HeldState.ACCEPTED,
            PostDecision.REJECT: HeldState.REJECTED,
            PostDecision.DISCARD: HeldState.DISCARDED,
            PostDecision.DEFER: HeldState.DEFERRED,
        }[chosen]  # type: ignore[index]
        self.decided_by, self.decided_at, self.reason = moderator, now, reason.strip()
        return chosen  # type: ignore[return-value]

    def due_reminder(self, now: datetime, after: timedelta) -> bool:
        """Once, a day (`after`) after it came, if nobody decided; a deferred post is not reminded."""
        return self.state == HeldState.WAITING and self.reminded_at is None and now - self.received_at >= after

    def expire(self, now: datetime, after: timedelta) -> bool:
        if not self.open or now - self.received_at < after:
            return False
        self.state, self.decided_at, self.decided_by = HeldState.EXPIRED, now, "Ablauf"
        return True


__all__ = [
    "HeldPost",
    "HeldState",
    "Judgement",
    "PostDecision",
    "PostFacts",
    "Posters",
    "PostingPolicy",
    "Strangers",
    "Verdict",
    "judge",
]
