"""Adapters of the events service: database tables, repositories, outgoing messages."""
