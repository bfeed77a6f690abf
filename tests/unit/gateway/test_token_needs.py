"""What each role's API token may do; `board` is what the Landesvorstand reads (its progress reports)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.gateway.domain.access import ApiToken

MADE = datetime(2026, 11, 1, tzinfo=UTC)


def token(role: str, scope: str | None = None, revoked: bool = False) -> ApiToken:
    return ApiToken("t", role, role, scope, f"{role}@example.org", "hash", MADE, MADE if revoked else None)


@pytest.mark.parametrize(
    ("role", "board", "admin", "read"),
    [
        ("admin", True, True, True),
        ("board", True, False, True),
        ("moderator", False, False, True),
        ("coordinator", False, False, True),
    ],
)
def test_the_board_and_the_landesbuero_read_the_boards_reports_nobody_else(role, board, admin, read) -> None:
    found = token(role, "x")
    assert (found.allows("board"), found.allows("admin"), found.allows("read")) == (board, admin, read)


def test_a_revoked_board_token_reads_nothing() -> None:
    assert not token("board", revoked=True).allows("board")
