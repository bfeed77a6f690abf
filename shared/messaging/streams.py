"""Stream ownership: each service declares its own stream; everyone else binds to it."""

from __future__ import annotations

from faststream.nats import JStream
from nats.errors import NoRespondersError
from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import BadRequestError, ServiceUnavailableError

from shared.logging import get_logger
from shared.retry import RetryPolicy

log = get_logger(__name__)

# Long enough to cover a relay that was down for a while; consumers' inboxes catch the rest.
DUPLICATE_WINDOW_SECONDS = 24 * 3600
DEADLETTER_MAX_AGE_SECONDS = 30 * 24 * 3600  # the default of the setting `retention_deadletter_days`


def stream_name(service: str) -> str:
    return service.upper()


def deadletter_stream_name(service: str) -> str:
    return f"DEADLETTER_{service.upper()}"


def owned_stream_configs(
    service: str, replicas: int = 1, deadletter_max_age: float = DEADLETTER_MAX_AGE_SECONDS
) -> list[StreamConfig]:
    """The event stream a service owns, and the dead-letter stream for what it could not consume.

    Events are kept without a time limit (a consumer created anew reads its producer's stream from the start);
    a dead letter, which carries the original message with its personal data, for `deadletter_max_age` seconds.
    """
    common = {"storage": StorageType.FILE, "num_replicas": replicas, "duplicate_window": DUPLICATE_WINDOW_SECONDS}
    return [
        StreamConfig(
            name=stream_name(service),
            subjects=[f"{service}.*.*.*"],
            description=f"Ereignisse des Dienstes {service}",
            **common,
        ),
        StreamConfig(
            name=deadletter_stream_name(service),
            subjects=[f"deadletter.{service}.>"],
            description=f"Nachrichten, die {service} nicht verarbeiten konnte, mit Grund",
            max_age=deadletter_max_age,
            # NATS refuses a duplicate window longer than the max age
            **{**common, "duplicate_window": min(DUPLICATE_WINDOW_SECONDS, deadletter_max_age)},
        ),
    ]


async def declare_owned_streams(
    js: JetStreamContext,
    service: str,
    replicas: int = 1,
    *,
    retry: RetryPolicy,
    deadletter_max_age: float = DEADLETTER_MAX_AGE_SECONDS,
) -> None:
    """Create or update the service's streams (a changed max age reaches an existing stream at start). A cluster
    that is still electing its JetStream leader answers with a timeout or "unavailable" for a moment, and one whose
    nodes are still finding each other has "no suitable peers for placement": that is "not yet", retried
    (`retry.bounded`)."""
    for config in owned_stream_configs(service, replicas, deadletter_max_age):
        not_yet = (TimeoutError, NoRespondersError, ServiceUnavailableError, PeersNotYet)
        async for attempt in retry.bounded(*not_yet, event="stream.declare_retry", stream=config.name):
            with attempt:
                await _add_or_update(js, config)


class PeersNotYet(Exception):
    """A replicated stream cannot be placed yet: not enough cluster nodes are up (JetStream error 10005)."""


async def _add_or_update(js: JetStreamContext, config: StreamConfig) -> None:
    try:
        try:
            await js.add_stream(config)
        except BadRequestError as exc:
            if exc.err_code != 10058:  # stream name already in use with a different configuration
                raise
            await _update(js, config)
    except BadRequestError as exc:
        if exc.err_code == 10005:  # no suitable peers for placement (a peer is offline)
            raise PeersNotYet(exc.description) from exc
        raise


async def _update(js: JetStreamContext, config: StreamConfig) -> None:
    """Apply a changed configuration where the service may (locally). In production a service may create its streams
    but not change them (deploy/nats/accounts.conf: an UPDATE could add a RePublish into another service's subjects);
    the server then drops the request as a permission violation and it times out: the stream keeps its configuration
    and the service runs on with it, saying so."""
    try:
        await js.update_stream(config)
    except TimeoutError:
        log.warning(
            "stream.config_unchanged",
            stream=config.name,
            reason="Die Konfiguration des Streams weicht ab und dieser Dienst darf sie nicht ändern; "
            "der Betrieb ändert sie mit `python -m beratungsnetz.runtime.provision_nats` (deploy/README.md)",
        )


def bound_stream(producer: str) -> JStream:
    """How a consumer refers to another service's stream: bind, never declare."""
    return JStream(stream_name(producer), declare=False)
