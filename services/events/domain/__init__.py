"""Domain model of the events service: plain Python, no pydantic, SQLAlchemy or FastStream."""
