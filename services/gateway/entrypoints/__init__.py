"""Entrypoints of the gateway: HTTP routes (FastAPI) and its own NATS health responder."""
