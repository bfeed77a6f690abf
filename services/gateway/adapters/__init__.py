"""Adapters of the gateway: the NATS client that asks the owning services."""
