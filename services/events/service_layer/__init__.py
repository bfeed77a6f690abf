"""Use cases of the events service: handlers that own their transaction."""
