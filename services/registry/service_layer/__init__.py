"""Use cases of the registry service: handlers that own their transaction."""
