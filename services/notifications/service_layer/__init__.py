"""Use cases of the notifications service: handlers that own their transaction."""
