"""Entrypoints of action planning: NATS request handlers, registry subscribers, the periodic job.

The package itself imports nothing: a unit test of `translate.py` must not pull in FastStream and SQLAlchemy
through it. `wiring.register` attaches every entrypoint to the app (called by the bootstrap).
"""
