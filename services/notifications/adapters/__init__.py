"""Adapters of the notifications service: database tables, repositories, outgoing messages."""
