"""SQLAlchemy 2 async: SQLite (WAL) as the embedded default, PostgreSQL by URL."""

from shared.db.engine import Database, make_database
from shared.db.migrations import upgrade

__all__ = ["Database", "make_database", "upgrade"]
