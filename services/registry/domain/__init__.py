"""Domain model of the registry service: plain Python, no pydantic, SQLAlchemy or FastStream."""
