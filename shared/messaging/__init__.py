"""Messaging kernel: broker, streams, outbox, inbox, consumers, dead letters, request–reply."""
