"""Entrypoints of the registry service: NATS request handlers that translate and hand over.

The package itself imports nothing: a unit test of `translate.py` must not pull in FastStream and SQLAlchemy
through it. `wiring.register` attaches every entrypoint to the app (called by the bootstrap).
"""
