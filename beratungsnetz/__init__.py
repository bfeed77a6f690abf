"""The `beratungsnetz` command and the embedded runtime that starts the whole system."""
