"""The kernel every service may import: wire contracts, messaging, db, logging, settings."""
