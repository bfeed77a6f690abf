"""What a request over NATS can fail with before any service answers. Plain Python, so that a page that only
shows these failures (the gateway's public pages) imports no FastStream, NATS client or SQLAlchemy."""

from __future__ import annotations


class ServiceUnavailable(Exception):
    """The owning service did not answer in time (or nobody listens on the subject)."""

    def __init__(self, subject: str) -> None:
        super().__init__(f"Der Dienst hinter {subject} antwortet gerade nicht")
        self.subject = subject


class RequestTooLarge(Exception):
    """The request is larger than NATS carries (max_payload): it was not sent."""

    def __init__(self, subject: str, size: int, limit: int) -> None:
        super().__init__(f"Die Anfrage an {subject} ist mit {size} Bytes größer als erlaubt ({limit} Bytes)")
        self.subject, self.size, self.limit = subject, size, limit

    @property
    def message(self) -> str:
        return (
            f"Die Anfrage ist mit {self.size / 1e6:.1f} MB zu groß (höchstens {self.limit / 1e6:.1f} MB); "
            "bitte kürzen oder in Teilen schicken."
        )
