"""Domain model of the notifications service: plain Python, no pydantic, SQLAlchemy or FastStream."""
