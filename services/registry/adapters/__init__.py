"""Adapters of the registry service: database tables, repositories, outgoing messages."""
