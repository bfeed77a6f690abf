"""Entrypoints of the notifications service: NATS requests, event subscribers, the delivery worker.

The package itself imports nothing: a unit test of `translate.py` must not pull in FastStream and SQLAlchemy
through it. `wiring.register` attaches every entrypoint to the app (called by the bootstrap).
"""
