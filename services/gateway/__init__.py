"""The HTTP edge: JSON API (OpenAPI), public pages and links; a NATS client of the services."""
